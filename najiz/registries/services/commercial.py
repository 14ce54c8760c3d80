"""The commercial registry: entities by CR number, who represents them; a person or an entity from what is passed."""

import re

from ..models import Entity, Person, Representation
from .base import UnknownSubject, _text
from .civil import _as_person, national_id_of


def entity(cr_number) -> Entity | None:
    digits = _text(cr_number, 10)
    if not re.fullmatch(r"\d{10}", digits):
        return None
    return Entity.objects.filter(cr_number=digits).first()


def represents(person, entity) -> bool:
    who, what = _as_person(person), _as_entity(entity)
    if who is None or what is None:
        return False
    return Representation.objects.filter(person=who, entity=what).exists()


def entities_represented_by(person) -> list[Entity]:
    """The entities the person may act for, in one query: the person is matched by national id in
    the same statement (the header asks on every page)."""
    digits = national_id_of(person)
    if digits is None:
        return []
    return list(Entity.objects.filter(representations__person__national_id=digits).order_by("cr_number"))


def representatives_of(entity) -> list[Person]:
    """The persons registered as able to act for the entity."""
    what = _as_entity(entity)
    if what is None:
        return []
    return list(Person.objects.filter(representations__entity=what).order_by("national_id"))


def _as_entity(value) -> Entity | None:
    if isinstance(value, Entity):
        return value
    if value is None or isinstance(value, Person):
        return None
    return entity(getattr(value, "cr_number", value))


def _as_subject(value) -> Person | Entity:
    """A Person or Entity from itself, a signed-in user, or an id / CR number."""
    subject = value if isinstance(value, (Person, Entity)) else (_as_person(value) or _as_entity(value))
    if subject is None:
        raise UnknownSubject(f"Not in the civil or commercial registry: {value!r}")
    return subject
