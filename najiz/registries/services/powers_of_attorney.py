"""Powers of attorney by number."""

from ..models import PowerOfAttorney
from .base import _text


def poa(number) -> PowerOfAttorney | None:
    text = _text(number, 20)
    if not text:
        return None
    return PowerOfAttorney.objects.select_related("principal", "agent").filter(number=text).first()
