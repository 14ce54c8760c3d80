from django.contrib.contenttypes.models import ContentType

from .models import Decision, Event


def timeline(case, *, public_only: bool = True):
    events = Event.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)
    if public_only:
        events = events.filter(public=True)
    return events.select_related("actor_user", "decision").order_by("at", "id")


def decisions_of(case):
    return Decision.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).order_by(
        "at", "id"
    )
