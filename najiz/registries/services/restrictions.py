"""The restriction registries: travel bans, stops on issuing powers of attorney, bars on dealings, credit reports."""

import inspect
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from django.db import transaction

from najiz.common import clock

from ..models import CreditReport, DealingBan, PoaIssuingStop, RegistryOperation, TravelBan
from .base import UnknownSubject, _claim, _claim_many, _done, _money, _ref, _subject_filter, subject_key
from .commercial import _as_subject


class Registry(NamedTuple):
    """A restriction registry: its model and the names of its two commands, which are also their operations."""

    model: type
    place: str
    lift: str
    details: tuple[tuple[str, Callable], ...] = ()  # (field, parser) the place command takes between subject and ref


# Keyed by the registry's list in active_restrictions. Each row makes two commands of this module,
# `<place>(subject, *details, ref)` and `<lift>(subject, ref)`, each one transaction.
REGISTRIES = {
    "travel": Registry(TravelBan, "ban_travel", "lift_travel_ban"),
    "poa_issuing": Registry(PoaIssuingStop, "stop_poa_issuing", "resume_poa_issuing"),
    "dealings": Registry(DealingBan, "bar_dealings", "lift_dealings_bar"),
    "credit": Registry(CreditReport, "report_default", "clear_default", details=(("amount", _money),)),
}


class Restriction(NamedTuple):
    """A restriction to place (place_restrictions): the registry's key in REGISTRIES, the subject,
    the case's ref and the details its place command takes (the credit report's amount)."""

    registry: str
    subject: object
    ref: str
    details: dict = {}


@transaction.atomic(savepoint=False)
def place_restrictions(restrictions) -> list:
    """Each restriction placed exactly as its place command places it (once per operation, ref and
    subject; a replay returns the row recorded), in a few statements for all of them: one claim,
    one insert per registry and one update of the operations' results. A page of a deadline sweep
    places a hundred. The rows, in the order given."""
    planned = []
    for restriction in restrictions:
        registry = REGISTRIES[restriction.registry]
        who = _as_subject(restriction.subject)
        fields = {field: parse(restriction.details[field]) for field, parse in registry.details}
        planned.append((registry, who, fields, (registry.place, _ref(restriction.ref), subject_key(who))))
    claims = _claim_many(key for _registry, _who, _fields, key in planned)
    rows, new_rows = {}, {}
    for registry, who, fields, key in planned:
        op, first = claims[key]
        if not first:
            rows[key] = registry.model.objects.get(pk=op.result["id"])
        elif key not in new_rows:
            new_rows[key] = (op, registry.model(ref=op.ref, **_subject_filter(who), **fields))
    by_model = {}
    for _op, row in new_rows.values():
        by_model.setdefault(type(row), []).append(row)
    for model, model_rows in by_model.items():
        model.objects.bulk_create(model_rows)
    for key, (op, row) in new_rows.items():
        op.result = {"id": row.pk}
        rows[key] = row
    if new_rows:
        RegistryOperation.objects.bulk_update([op for op, _row in new_rows.values()], ["result"])
    return [rows[key] for _registry, _who, _fields, key in planned]


def _restrict(key: str, subject, ref, **details):
    """A place command: place_restrictions for one."""
    return place_restrictions([Restriction(key, subject, ref, details)])[0]


def _unrestrict(registry: Registry, subject, ref):
    who = _as_subject(subject)
    op, first = _claim(registry.lift, ref, subject_key(who))
    if not first:
        found = op.result.get("id")
        return registry.model.objects.get(pk=found) if found else None
    row = registry.model.objects.select_for_update().filter(ref=op.ref, active=True, **_subject_filter(who)).first()
    if row:
        row.active, row.lifted_at = False, clock.now()
        row.save(update_fields=["active", "lifted_at"])
    _done(op, id=row.pk if row else None)
    return row


def _command(name: str, parameters: list[str], act: Callable) -> Callable:
    """`act` as a command called `name`, in one transaction, taking `parameters` as a function defined with them."""
    signature = inspect.Signature([inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in parameters])

    def command(*args, **kwargs):
        return act(**signature.bind(*args, **kwargs).arguments)

    command.__name__ = command.__qualname__ = name
    command.__signature__ = signature
    return transaction.atomic(command)


for _key, _registry in REGISTRIES.items():
    _details = [field for field, _parse in _registry.details]
    globals()[_registry.place] = _command(_registry.place, ["subject", *_details, "ref"], partial(_restrict, _key))
    globals()[_registry.lift] = _command(_registry.lift, ["subject", "ref"], partial(_unrestrict, _registry))


def active_restrictions(subject) -> dict[str, list]:
    """The subject's restrictions in force, by registry: travel, poa_issuing, dealings, credit."""
    try:
        who = _as_subject(subject)
    except UnknownSubject:
        return {key: [] for key in REGISTRIES}
    where = {"active": True, **_subject_filter(who)}
    return {key: list(registry.model.objects.filter(**where)) for key, registry in REGISTRIES.items()}
