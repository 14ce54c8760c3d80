"""Deeds of inheritance limitation, by number or by the deceased."""

from ..models import HeirsDeed
from .base import _text
from .civil import _as_person


def heirs_deed(number) -> HeirsDeed | None:
    text = _text(number, 20)
    if not text:
        return None
    return HeirsDeed.objects.select_related("deceased").prefetch_related("shares__heir").filter(number=text).first()


def heirs_deeds_of(deceased) -> list[HeirsDeed]:
    who = _as_person(deceased)
    if who is None:
        return []
    return list(HeirsDeed.objects.filter(deceased=who).prefetch_related("shares__heir").order_by("number"))


def heirs_deeds_naming(heir) -> list[HeirsDeed]:
    """The heirs deeds on which the person is an heir, by number."""
    who = _as_person(heir)
    if who is None:
        return []
    return list(
        HeirsDeed.objects.filter(shares__heir=who).select_related("deceased").prefetch_related("shares__heir")
        .order_by("number").distinct()
    )
