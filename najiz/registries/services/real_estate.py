"""The real-estate registry: deeds, their owners, mortgages and seizures, suspension and transfer."""

from fractions import Fraction
from typing import NamedTuple

from django.db import transaction

from najiz.common import clock
from najiz.common.identifiers import normalize_digits
from najiz.common.money import share_terms

from ..models import Deed, DeedOwner, Encumbrance, NumberSequence, Person, RegistryOperation
from .base import DeedError, _claim, _claim_many, _done, _ref, _text
from .civil import _as_person


def _deeds():
    return Deed.objects.prefetch_related("owner_rows__person")


def deed(number) -> Deed | None:
    text = _text(number, 20)
    if not text:
        return None
    return _deeds().filter(number=text).first()


def _held_by(person, deeds):
    """Of `deeds`, those in which the person holds a share and that are not closed (active or
    suspended), by number; none for anyone the registry does not know."""
    owner = _as_person(person)
    if owner is None:
        return deeds.none()
    return deeds.filter(owner_rows__person=owner).exclude(status=Deed.Status.CLOSED).order_by("number").distinct()


def deeds_of(person) -> list[Deed]:
    """Deeds in which the person holds a share and that are not closed (active or suspended)."""
    return list(_held_by(person, _deeds()))


def deed_numbers_of(person) -> list[str]:
    """The numbers of deeds_of(person), in one query."""
    owner = _as_person(person)
    return deed_numbers_of_many([owner])[owner] if owner is not None else []


def deed_numbers_of_many(persons) -> dict:
    """deed_numbers_of for many persons (registry rows), in one query: {person: numbers}."""
    persons = {person.pk: person for person in persons}
    found = {person: [] for person in persons.values()}
    if found:
        rows = (DeedOwner.objects.filter(person_id__in=list(persons)).exclude(deed__status=Deed.Status.CLOSED)
                .values_list("person_id", "deed__number").order_by("deed__number").distinct())
        for person_id, number in rows:
            found[persons[person_id]].append(number)
    return found


def _locked_deed(deed) -> Deed:
    number = deed.number if isinstance(deed, Deed) else normalize_digits(deed)
    found = Deed.objects.select_for_update().filter(number=number).first()
    if found is None:
        raise DeedError(f"Unknown deed: {number}")
    return found


def _target(deed: Deed) -> str:
    return f"deed:{deed.number}"


class DeedSeizure(NamedTuple):
    """A seizure to place on a deed (place_seizures): `by` who seizes it, in Arabic; `by_en` in English."""

    deed: str  # the deed's number
    by: str
    ref: str
    by_en: str = ""


def _encumber(deed, kind: str, by: str, ref, by_en: str = "") -> Encumbrance:
    number = deed.number if isinstance(deed, Deed) else deed
    return _encumber_many(kind, [DeedSeizure(number, by, ref, by_en)])[0]


def _encumber_many(kind: str, items) -> list[Encumbrance]:
    """Each encumbrance placed once per (deed, ref): the deeds locked in one statement (number
    order), the operations claimed in one, the new encumbrances inserted in one and the results
    written in one. DeedError, with nothing placed, for a deed unknown or closed."""
    planned = [(normalize_digits(item.deed) if item.deed is not None else "", item, _ref(item.ref)) for item in items]
    if not planned:
        return []
    numbers = sorted({number for number, _item, _ref_ in planned})
    deeds = {d.number: d for d in Deed.objects.select_for_update().filter(number__in=numbers).order_by("number")}
    for number in numbers:
        if number not in deeds:
            raise DeedError(f"Unknown deed: {number}")
    claims = _claim_many((f"place_{kind}", ref, _target(deeds[number])) for number, _item, ref in planned)
    rows, new, recorded = {}, {}, {}
    for number, item, ref in planned:
        key = (f"place_{kind}", ref, _target(deeds[number]))
        op, first = claims[key]
        if not first:
            recorded[key] = op.result["encumbrance_id"]
        elif key not in new:
            if deeds[number].is_closed:
                raise DeedError(f"Deed {number} is closed.")
            new[key] = (op, Encumbrance(deed=deeds[number], kind=kind, by_whom=str(item.by), by_whom_en=str(item.by_en),
                                        ref=op.ref))
    if recorded:
        found = Encumbrance.objects.in_bulk(set(recorded.values()))
        rows.update({key: found[pk] for key, pk in recorded.items()})
    if new:
        Encumbrance.objects.bulk_create([row for _op, row in new.values()])
        for key, (op, row) in new.items():
            op.result = {"encumbrance_id": row.pk}
            rows[key] = row
        RegistryOperation.objects.bulk_update([op for op, _row in new.values()], ["result"])
    return [rows[(f"place_{kind}", ref, _target(deeds[number]))] for number, _item, ref in planned]


def _lift(deed, kind: str, ref) -> Encumbrance | None:
    locked = _locked_deed(deed)
    op, first = _claim(f"lift_{kind}", ref, _target(locked))
    if not first:
        found = op.result.get("encumbrance_id")
        return Encumbrance.objects.get(pk=found) if found else None
    row = Encumbrance.objects.filter(deed=locked, kind=kind, ref=op.ref, active=True).first()
    if row:
        row.active, row.lifted_at = False, clock.now()
        row.save(update_fields=["active", "lifted_at"])
    _done(op, encumbrance_id=row.pk if row else None)
    return row


@transaction.atomic(savepoint=False)
def place_seizure(deed, *, by, ref, by_en="") -> Encumbrance:
    """`by` is who seizes it, in Arabic; `by_en` in English."""
    return _encumber(deed, Encumbrance.Kind.SEIZURE, by, ref, by_en)


@transaction.atomic(savepoint=False)
def place_seizures(seizures) -> list[Encumbrance]:
    """place_seizure for many (DeedSeizure), in a few statements for all; the encumbrances, in
    the order given."""
    return _encumber_many(Encumbrance.Kind.SEIZURE, seizures)


@transaction.atomic
def lift_seizure(deed, ref) -> Encumbrance | None:
    return _lift(deed, Encumbrance.Kind.SEIZURE, ref)


@transaction.atomic
def place_mortgage(deed, *, by, ref, by_en="") -> Encumbrance:
    return _encumber(deed, Encumbrance.Kind.MORTGAGE, by, ref, by_en)


@transaction.atomic
def lift_mortgage(deed, ref) -> Encumbrance | None:
    return _lift(deed, Encumbrance.Kind.MORTGAGE, ref)


def active_encumbrances(deed) -> list[Encumbrance]:
    number = deed.number if isinstance(deed, Deed) else normalize_digits(deed)
    return list(Encumbrance.objects.filter(deed__number=number, active=True).order_by("placed_at", "id"))


@transaction.atomic
def suspend_deed(deed, ref) -> Deed:
    """Lock the deed for the transaction `ref` (a conveyance); DeedError if closed or held by another."""
    locked = _locked_deed(deed)
    op, first = _claim("suspend_deed", ref, _target(locked))
    if not first:
        return locked
    if locked.is_closed:
        raise DeedError(f"Deed {locked.number} is closed.")
    if locked.status == Deed.Status.SUSPENDED and locked.suspended_ref != op.ref:
        raise DeedError(f"Deed {locked.number} is held by {locked.suspended_ref}.")
    locked.status, locked.suspended_ref = Deed.Status.SUSPENDED, op.ref
    locked.save(update_fields=["status", "suspended_ref"])
    _done(op, status=locked.status)
    return locked


@transaction.atomic
def release_deed(deed, ref) -> Deed:
    """Unlock the deed if `ref` suspended it; otherwise leave it as it is."""
    locked = _locked_deed(deed)
    op, first = _claim("release_deed", ref, _target(locked))
    if first and locked.status == Deed.Status.SUSPENDED and locked.suspended_ref == op.ref:
        locked.status, locked.suspended_ref = Deed.Status.ACTIVE, ""
        locked.save(update_fields=["status", "suspended_ref"])
    if first:
        _done(op, status=locked.status)
    return locked


def normalise_shares(owners) -> list[tuple[Person, tuple[int, int]]]:
    """Check (person, share) pairs: distinct known persons, each share an exact fraction above
    zero ("1/3", Fraction, Decimal; never a float), all summing to exactly 1. Returns (person,
    (numerator, denominator)) with the terms as given, so 3/24 stays 3/24."""
    pairs = []
    for who, share in owners:
        if isinstance(share, float):
            raise TypeError("Shares are exact fractions, never float.")
        found = _as_person(who)
        if found is None:
            raise DeedError(f"Unknown person: {who!r}")
        try:
            pairs.append((found, share_terms(share)))
        except ValueError:
            raise DeedError(f"Every share must be a fraction above zero and at most 1: {share!r}") from None
    if not pairs:
        raise DeedError("A deed needs at least one owner.")
    if len({who.pk for who, _share in pairs}) != len(pairs):
        raise DeedError("An owner is listed twice.")
    total = sum((Fraction(*terms) for _who, terms in pairs), Fraction(0))
    if total != 1:
        raise DeedError(f"Shares must add up to 1 (they add up to {total}).")
    return pairs


def _next_deed_number() -> str:
    """A new 12-digit electronic deed number: 4 followed by the registry's next serial."""
    counter, _created = NumberSequence.objects.get_or_create(name="deed")
    counter = NumberSequence.objects.select_for_update().get(pk=counter.pk)
    while True:
        counter.last += 1
        number = f"4{counter.last:011d}"
        if not Deed.objects.filter(number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


@transaction.atomic
def transfer(deed, to_owners, ref, *, tax_receipt_number="", price=None) -> Deed:
    """Close the deed and issue a new one to `to_owners` [(person, share)], same property data;
    the new deed names `ref` (the e-conveyance) and `price` as the basis of the transfer, and the
    tax authority's receipt for the transaction tax when there is one.

    Refused (DeedError) if the deed is closed, held by another ref, or under a mortgage or seizure.
    A repeat with the same ref returns the deed issued the first time.
    """
    old = _locked_deed(deed)
    op, first = _claim("transfer", ref, _target(old))
    if not first:
        return _deeds().get(pk=op.result["deed_id"])
    owners = normalise_shares(to_owners)
    if old.is_closed:
        raise DeedError(f"Deed {old.number} is closed.")
    if old.status == Deed.Status.SUSPENDED and old.suspended_ref != op.ref:
        raise DeedError(f"Deed {old.number} is held by {old.suspended_ref}.")
    if old.encumbrances.filter(active=True).exists():
        raise DeedError(f"Deed {old.number} is mortgaged or seized.")
    now = clock.now()
    new = Deed.objects.create(
        number=_next_deed_number(),
        is_electronic=True,
        is_updated=True,
        property_type=old.property_type,
        city=old.city,
        district=old.district,
        district_en=old.district_en,
        plan_number=old.plan_number,
        plot_number=old.plot_number,
        area=old.area,
        value_of_record=old.value_of_record,
        tax_receipt_number=str(tax_receipt_number)[:20],
        issued_at=now,
        issuing_office=old.issuing_office,
        **{f"{side}_{part}": getattr(old, f"{side}_{part}") for side in Deed.SIDES for part in ("boundary", "length")},
        transfer_ref=str(op.ref),
        transfer_price=price,
    )
    DeedOwner.objects.bulk_create(DeedOwner(deed=new, person=who, share=terms) for who, terms in owners)
    old.status, old.suspended_ref, old.replaced_by, old.closed_at = Deed.Status.CLOSED, "", new, now
    old.save(update_fields=["status", "suspended_ref", "replaced_by", "closed_at"])
    _done(op, deed=new.number, deed_id=new.pk)
    return _deeds().get(pk=new.pk)
