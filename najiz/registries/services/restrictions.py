"""The restriction registries: travel bans, stops on issuing powers of attorney, bars on dealings, credit reports."""

from django.db import transaction

from najiz.common import clock

from ..models import CreditReport, DealingBan, PoaIssuingStop, TravelBan
from .base import UnknownSubject, _claim, _done, _money, _subject_filter, subject_key
from .commercial import _as_subject


def _restrict(model, operation: str, subject, ref, **fields):
    who = _as_subject(subject)
    op, first = _claim(operation, ref, subject_key(who))
    if not first:
        return model.objects.get(pk=op.result["id"])
    row = model.objects.create(ref=op.ref, **_subject_filter(who), **fields)
    _done(op, id=row.pk)
    return row


def _unrestrict(model, operation: str, subject, ref):
    who = _as_subject(subject)
    op, first = _claim(operation, ref, subject_key(who))
    if not first:
        found = op.result.get("id")
        return model.objects.get(pk=found) if found else None
    row = model.objects.select_for_update().filter(ref=op.ref, active=True, **_subject_filter(who)).first()
    if row:
        row.active, row.lifted_at = False, clock.now()
        row.save(update_fields=["active", "lifted_at"])
    _done(op, id=row.pk if row else None)
    return row


@transaction.atomic
def ban_travel(subject, ref) -> TravelBan:
    return _restrict(TravelBan, "ban_travel", subject, ref)


@transaction.atomic
def lift_travel_ban(subject, ref) -> TravelBan | None:
    return _unrestrict(TravelBan, "lift_travel_ban", subject, ref)


@transaction.atomic
def stop_poa_issuing(subject, ref) -> PoaIssuingStop:
    return _restrict(PoaIssuingStop, "stop_poa_issuing", subject, ref)


@transaction.atomic
def resume_poa_issuing(subject, ref) -> PoaIssuingStop | None:
    return _unrestrict(PoaIssuingStop, "resume_poa_issuing", subject, ref)


@transaction.atomic
def bar_dealings(subject, ref) -> DealingBan:
    return _restrict(DealingBan, "bar_dealings", subject, ref)


@transaction.atomic
def lift_dealings_bar(subject, ref) -> DealingBan | None:
    return _unrestrict(DealingBan, "lift_dealings_bar", subject, ref)


@transaction.atomic
def report_default(subject, amount, ref) -> CreditReport:
    return _restrict(CreditReport, "report_default", subject, ref, amount=_money(amount))


@transaction.atomic
def clear_default(subject, ref) -> CreditReport | None:
    return _unrestrict(CreditReport, "clear_default", subject, ref)


def active_restrictions(subject) -> dict[str, list]:
    """The subject's restrictions in force, by registry: travel, poa_issuing, dealings, credit."""
    try:
        who = _as_subject(subject)
    except UnknownSubject:
        return {"travel": [], "poa_issuing": [], "dealings": [], "credit": []}
    where = {"active": True, **_subject_filter(who)}
    return {
        "travel": list(TravelBan.objects.filter(**where)),
        "poa_issuing": list(PoaIssuingStop.objects.filter(**where)),
        "dealings": list(DealingBan.objects.filter(**where)),
        "credit": list(CreditReport.objects.filter(**where)),
    }
