"""The civil registry: persons by national id or iqama."""

from najiz.common.identifiers import is_valid_national_id

from ..models import Entity, Person
from .base import _text


def person(national_id) -> Person | None:
    """The civil-registry person with this id or iqama, or None (never raises)."""
    digits = _text(national_id, 10)
    if not is_valid_national_id(digits):
        return None
    return Person.objects.filter(national_id=digits).first()


def _as_person(value) -> Person | None:
    if isinstance(value, Person):
        return value
    if value is None or isinstance(value, Entity):
        return None
    return person(getattr(value, "national_id", value))
