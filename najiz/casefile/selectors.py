from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

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


def decision_counts(cases, step: str) -> dict[int, int]:
    """How many decisions of `step` each case (of one model) has had: {case pk: n}, in one query;
    a case with none is left out."""
    cases = list(cases)
    if not cases:
        return {}
    return dict(
        Decision.objects.filter(case_type=ContentType.objects.get_for_model(cases[0]),
                                case_id__in=[case.pk for case in cases], step=step)
        .values_list("case_id").annotate(n=Count("pk")).order_by()
    )
