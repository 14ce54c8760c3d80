"""The instruments registry: look-ups, instruments issued electronically and their endorsements."""

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper

from najiz.common import clock

from ..models import Entity, Instrument, InstrumentDebtor, InstrumentEndorsement, Person
from .base import (
    RegistryError,
    _claim,
    _done,
    _money,
    _subject_filter,
    _text,
    subject_key,
)
from .commercial import _as_subject


def instrument(number) -> Instrument | None:
    text = _text(number, 30)
    if not text:
        return None
    return (
        Instrument.objects.select_related("creditor_person", "creditor_entity")
        .prefetch_related("debtor_rows__person", "debtor_rows__entity")
        .filter(number__iexact=text)
        .first()
    )


def instrument_key(number) -> str:
    """How an instrument number is matched: as typed, in upper case ("" for junk)."""
    return _text(number, 30).upper()


def instruments(numbers) -> dict[str, Instrument]:
    """The registered instruments among `numbers`, keyed by the number in upper case (as
    `instrument()` matches it), with their creditor and debtors loaded: two queries in all."""
    texts = {key for key in map(instrument_key, numbers) if key}
    if not texts:
        return {}
    found = (
        Instrument.objects.select_related("creditor_person", "creditor_entity")
        .prefetch_related("debtor_rows__person", "debtor_rows__entity")
        .annotate(number_upper=Upper("number"))
        .filter(number_upper__in=texts)
        .order_by("pk")
    )
    out = {}
    for item in found:
        out.setdefault(item.number_upper, item)  # the first, as instrument() would return
    return out


def instruments_of_creditor(creditor, *, search: str = "", limit: int = 50) -> list[Instrument]:
    """The instruments naming `creditor` (a person or an entity) as creditor, with their debtors
    loaded, by number; `search` matches a part of the number or a debtor's name or id."""
    try:
        subject = _as_subject(creditor)
    except RegistryError:
        return []
    found = Instrument.objects.filter(**{f"creditor_{k}": v for k, v in _subject_filter(subject).items()})
    text = str(search or "").strip()[:100]
    if not text.isprintable():
        return []  # control characters are in no number or name
    if text:
        found = found.filter(
            Q(number__icontains=text)
            | Q(debtor_rows__person__national_id=text) | Q(debtor_rows__entity__cr_number=text)
            | Q(debtor_rows__person__name_ar__icontains=text) | Q(debtor_rows__person__name_en__icontains=text)
            | Q(debtor_rows__entity__name_ar__icontains=text) | Q(debtor_rows__entity__name_en__icontains=text)
        ).distinct()
    return list(found.prefetch_related("debtor_rows__person", "debtor_rows__entity").order_by("number")[:limit])


def instrument_creditor(instrument: Instrument) -> Person | Entity:
    return instrument.creditor


def instrument_debtors(instrument: Instrument) -> list[Person | Entity]:
    """The instrument's debtors, persons and entities, in the order they were recorded."""
    return instrument.debtors


# --- instruments issued electronically (e-promissory notes) ---------------------------------

_find_instrument = instrument  # the look-up, under a name parameters called `instrument` do not hide


def _holder_fields(prefix: str, subject) -> dict:
    who = _as_subject(subject)
    if isinstance(who, Person):
        return {f"{prefix}_person": who, f"{prefix}_entity": None}
    return {f"{prefix}_person": None, f"{prefix}_entity": who}


@transaction.atomic
def register_instrument(
    *, number, kind, issuer, creditor, debtors, amount, issue_date, due_date=None, description="", ref
):
    """Record an execution instrument issued electronically; a repeat with the same ref returns it."""
    op, first = _claim("register_instrument", ref, f"instrument:{number}")
    if not first:
        return instrument(op.result["number"])
    row = Instrument.objects.create(
        number=str(number), kind=kind, issuer=str(issuer)[:200], description=description, amount=_money(amount),
        issue_date=issue_date, due_date=due_date, **_holder_fields("creditor", creditor),
    )
    for debtor in debtors:
        who = _as_subject(debtor)
        InstrumentDebtor.objects.create(instrument=row, **_subject_filter(who))
    _done(op, number=row.number)
    return instrument(row.number)


def _locked_instrument(instrument_or_number) -> Instrument:
    number = getattr(instrument_or_number, "number", instrument_or_number)
    found = Instrument.objects.select_for_update().filter(number=str(number)).first()
    if found is None:
        raise RegistryError(f"Unknown instrument: {number}")
    return found


@transaction.atomic
def endorse_instrument(instrument, new_holder, ref):
    """Pass a valid instrument to `new_holder` (who becomes its creditor), keeping the chain."""
    row = _locked_instrument(instrument)
    op, first = _claim("endorse_instrument", ref, f"instrument:{row.number}")
    if first:
        if row.status != Instrument.Status.VALID:
            raise RegistryError(f"Instrument {row.number} is not valid.")
        before, after = _holder_fields("from", row.creditor), _holder_fields("to", new_holder)
        if (before["from_person"], before["from_entity"]) == (after["to_person"], after["to_entity"]):
            raise RegistryError("An instrument cannot be endorsed to its own holder.")
        InstrumentEndorsement.objects.create(instrument=row, ref=op.ref, at=clock.now(), **before, **after)
        for field, value in _holder_fields("creditor", new_holder).items():
            setattr(row, field, value)
        row.save(update_fields=["creditor_person", "creditor_entity"])
        _done(op, creditor=subject_key(row.creditor))
    return _find_instrument(row.number)


def endorsement_chain(instrument) -> list:
    """The instrument's endorsements, oldest first."""
    number = getattr(instrument, "number", instrument)
    return list(
        InstrumentEndorsement.objects.filter(instrument__number=str(number))
        .select_related("from_person", "from_entity", "to_person", "to_entity")
        .order_by("at", "id")
    )


def _set_instrument_status(instrument, status: str, operation: str, ref) -> Instrument:
    row = _locked_instrument(instrument)
    op, first = _claim(operation, ref, f"instrument:{row.number}")
    if first:
        row.status = status
        row.save(update_fields=["status"])
        _done(op, status=status)
    return row


@transaction.atomic
def mark_instrument_executed(instrument, ref) -> Instrument:
    """The debt on the instrument was paid or collected: it can no longer be enforced."""
    return _set_instrument_status(instrument, Instrument.Status.EXECUTED, "mark_instrument_executed", ref)
