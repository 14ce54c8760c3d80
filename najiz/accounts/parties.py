"""Which side of a case the signed-in person stands for: the one rule behind every app's selectors.

A request acts either for an entity or for the person themselves. The entity is
`request.acting_entity`, which ActingAsMiddleware sets only while the person is a current
representative of it (checked again on every request), or an API token's entity, whose creator
must still represent it (linkage.services.token_for_secret). So:

- a side an entity holds is reached only while acting as that entity;
- the person's own claim to a side (they filed or issued it, it bears their id or account) counts
  only for sides no entity holds, and only while acting for themselves.

Who filed an entity's case, through the portal or through a token, gains nothing by it once
their representation ends.
"""

from django.db.models import Q


def party_filter(acting_entity, *, entity: str | None, mine: Q) -> Q:
    """The rows whose side is the signed-in party's. `entity` is the side's entity field (None for a
    side only a person holds); `mine` is the person's own claim to the side."""
    if acting_entity is not None:
        return Q(**{entity: acting_entity}) if entity else Q(pk__in=[])
    if entity:
        return mine & Q(**{f"{entity}__isnull": True})
    return mine


def is_party(acting_entity, *, entity_id, mine: bool) -> bool:
    """The same rule for one loaded row: `entity_id` the side's entity (None when no entity holds
    it), `mine` whether the person's own claim to the side holds."""
    if acting_entity is not None:
        return entity_id is not None and entity_id == acting_entity.pk
    return entity_id is None and bool(mine)
