"""Read queries for the conveyance screens, scoped to what the signed-in person may see."""

from django.db.models import Q
from django.http import Http404

from najiz.common.identifiers import as_case_number
from najiz.registries import services as registries

from .models import Conveyance


def _base():
    return Conveyance.objects.exclude(number__isnull=True).select_related("deed", "filer", "buyer", "buyer_entity", "new_deed")


def as_seller(user):
    """Conveyances the person filed, or in which they are a co-owner or heir giving up a share."""
    return _base().filter(Q(filed_by=user) | Q(consents__user=user)).distinct()


def as_buyer(user):
    return _base().filter(buyer_user=user)


def is_party(user, conveyance) -> bool:
    return (
        conveyance.filed_by_id == user.pk
        or conveyance.buyer_user_id == user.pk
        or conveyance.consents.filter(user=user).exists()
    )


def conveyance_for(user, number) -> Conveyance:
    """The conveyance if the user is one of its parties; 404 otherwise (even when it exists)."""
    number = as_case_number(number)
    found = number and _base().filter(number=number).first()
    if not found or not is_party(user, found):
        raise Http404
    return found


def pending_consent(user, conveyance):
    return conveyance.consents.filter(user=user, answer="pending").select_related("person").first()


def my_deeds(user):
    person = registries.person(user.national_id)
    if person is None:
        return None, []
    return person, [
        {"deed": deed, "share": deed.share_of(person), "encumbrances": registries.active_encumbrances(deed)}
        for deed in registries.deeds_of(person)
    ]


def deed_for_owner(user, number):
    """A deed (of any status) in which the user holds or held a share; 404 otherwise."""
    deed = registries.deed(number)
    person = registries.person(user.national_id)
    if deed is None or person is None or not deed.share_of(person):
        raise Http404
    return deed
