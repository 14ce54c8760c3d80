"""Powers of attorney by number."""

from ..models import PowerOfAttorney
from .base import _text


def poa(number) -> PowerOfAttorney | None:
    text = _text(number, 20)
    if not text:
        return None
    return PowerOfAttorney.objects.select_related("principal", "agent").filter(number=text).first()


def poas_held_by(agent) -> list[PowerOfAttorney]:
    """The powers of attorney naming the person as agent (in force or not), by number."""
    from .civil import _as_person

    who = _as_person(agent)
    if who is None:
        return []
    return list(PowerOfAttorney.objects.select_related("principal", "agent").filter(agent=who).order_by("number"))
