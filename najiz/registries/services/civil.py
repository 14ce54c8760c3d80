"""The civil registry: persons by national id or iqama."""

from najiz.common.identifiers import is_valid_national_id

from ..models import Entity, Person
from .base import _text


def person(national_id) -> Person | None:
    """The civil-registry person with this id or iqama, or None (never raises)."""
    digits = national_id_of(national_id)
    return Person.objects.filter(national_id=digits).first() if digits else None


def national_id_of(value) -> str | None:
    """The valid id or iqama that a Person, a signed-in user or an id stands for, unread (None for
    anything else)."""
    if value is None or isinstance(value, Entity):
        return None
    digits = _text(getattr(value, "national_id", value), 10)
    return digits if is_valid_national_id(digits) else None


def _as_person(value) -> Person | None:
    if isinstance(value, Person):
        return value
    if value is None or isinstance(value, Entity):
        return None
    return person(getattr(value, "national_id", value))
