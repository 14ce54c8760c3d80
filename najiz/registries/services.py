"""The only way other apps reach the registries (docs/design.md §4).

Look-ups (`person`, `entity`, `instrument`, `account`, `deed`, `poa`, `heirs_deed`, ...) accept
any input and answer None for what is malformed or unknown. Commands take a `ref` (the case
number) and are idempotent on (operation, ref, target): the first call acts and records its
result in RegistryOperation; a repeat with the same ref and target does nothing and returns the
recorded result. Each command is one transaction; rows whose balances or state change are
locked (`select_for_update`), accounts always in IBAN order.

Because a ref can act once per operation and target, an operation undone (a ban lifted, a deed
released) and needed again for the same case is given a new ref, e.g. "EN-2025-000123/2".
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper

from najiz.common import clock
from najiz.common.identifiers import is_valid_national_id, is_valid_saudi_iban, normalize_digits, normalize_iban
from najiz.common.money import checked_amount

from .cities import CAPITAL, City, city_label  # noqa: F401  (re-exported for other apps)
from .models import (
    ZERO,
    Account,
    AccountHold,
    AccountMovement,
    Bank,
    CreditReport,
    DealingBan,
    Deed,
    DeedOwner,
    Encumbrance,
    Entity,
    HeirsDeed,
    Instrument,
    NumberSequence,
    Person,
    PoaIssuingStop,
    PowerOfAttorney,
    RegistryOperation,
    Representation,
    TravelBan,
)

CAPITAL_CITY = CAPITAL
COURT_TRUST_IBAN = "SA0910000000000000000001"  # make_saudi_iban("10", "1")
COURT_TRUST_BANK = ("10", "البنك الأهلي السعودي", "Saudi National Bank")
SHARE_QUANTUM = Decimal("0.000001")


class RegistryError(Exception):
    """A registry refused an operation."""


class BankError(RegistryError):
    """The bank refused: unknown or closed account, bad amount. Payment code may retry."""


class InsufficientFunds(BankError):
    """The account's available balance does not cover a debit."""


class DeedError(RegistryError):
    """The real-estate registry refused an operation on a deed."""


class UnknownSubject(RegistryError):
    """The person or entity is not in the civil or commercial registry."""


# --- helpers --------------------------------------------------------------------------------


def _money(amount) -> Decimal:
    try:
        return checked_amount(amount)
    except ValidationError as error:
        raise BankError(f"Not an amount (SAR, two places, not negative): {amount!r}") from error


def _ref(ref) -> str:
    text = str(ref or "").strip()
    if not text or len(text) > 64:
        raise ValueError("A registry operation needs a ref (the case number) of at most 64 characters.")
    return text


def _claim(operation: str, ref: str, target: str) -> tuple[RegistryOperation, bool]:
    """Record the operation once; (row, True) for the first call, (row, False) for a replay.

    A concurrent first call blocks on the unique index until the other commits, then sees its row.
    """
    return RegistryOperation.objects.get_or_create(operation=operation, ref=_ref(ref), target=target)


def _done(op: RegistryOperation, **result) -> None:
    op.result = result
    op.save(update_fields=["result"])


def subject_key(subject) -> str:
    """A stable text key for a person ("person:<id>") or an entity ("entity:<CR>")."""
    if isinstance(subject, Person):
        return f"person:{subject.national_id}"
    if isinstance(subject, Entity):
        return f"entity:{subject.cr_number}"
    raise UnknownSubject(f"Not a person or an entity: {subject!r}")


def _as_person(value) -> Person | None:
    if isinstance(value, Person):
        return value
    if value is None or isinstance(value, Entity):
        return None
    return person(getattr(value, "national_id", value))


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


def _subject_filter(subject) -> dict:
    return {"person": subject} if isinstance(subject, Person) else {"entity": subject}


# --- civil and commercial registries --------------------------------------------------------


def _text(value, max_length: int) -> str:
    """The input as typed (spaces dropped, Arabic-Indic digits made ASCII), or "" for junk."""
    try:
        text = normalize_digits(value) if value is not None else ""
    except Exception:  # noqa: BLE001 - any junk input answers "not found"
        return ""
    if len(text) > max_length or not text.isprintable():
        return ""  # control characters (a NUL byte would upset the database) are never a number
    return text


def person(national_id) -> Person | None:
    """The civil-registry person with this id or iqama, or None (never raises)."""
    digits = _text(national_id, 10)
    if not is_valid_national_id(digits):
        return None
    return Person.objects.filter(national_id=digits).first()


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
    who = _as_person(person)
    if who is None:
        return []
    return list(Entity.objects.filter(representations__person=who).order_by("cr_number"))


def representatives_of(entity) -> list[Person]:
    """The persons registered as able to act for the entity."""
    what = _as_entity(entity)
    if what is None:
        return []
    return list(Person.objects.filter(representations__entity=what).order_by("national_id"))


# --- instruments ----------------------------------------------------------------------------


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


def instrument_creditor(instrument: Instrument) -> Person | Entity:
    return instrument.creditor


def instrument_debtors(instrument: Instrument) -> list[Person | Entity]:
    """The instrument's debtors, persons and entities, in the order they were recorded."""
    return instrument.debtors


# --- banks ----------------------------------------------------------------------------------


def account(iban) -> Account | None:
    text = _text(iban, 24).upper()
    if not is_valid_saudi_iban(text):
        return None
    return Account.objects.select_related("bank", "person", "entity").filter(iban=text).first()


def accounts_by_iban(ibans) -> dict[str, Account]:
    """The accounts with these IBANs (invalid ones ignored), keyed by IBAN, in one query."""
    texts = {text for text in (_text(iban, 24).upper() for iban in ibans) if is_valid_saudi_iban(text)}
    if not texts:
        return {}
    return {a.iban: a for a in Account.objects.select_related("bank", "person", "entity").filter(iban__in=texts)}


def account_holder(account: Account) -> Person | Entity | None:
    """Who holds the account (None for the court trust account)."""
    return account.holder


def accounts_of(holder) -> list[Account]:
    """The open accounts of a person or an entity."""
    try:
        subject = _as_subject(holder)
    except UnknownSubject:
        return []
    return list(
        Account.objects.select_related("bank").filter(status=Account.Status.ACTIVE, **_subject_filter(subject)).order_by("iban")
    )


def court_trust_account() -> Account:
    """The enforcement court's trust account, which receives seized funds (created when missing)."""
    found = Account.objects.filter(is_court_trust=True).first()
    if found:
        return found
    code, name_ar, name_en = COURT_TRUST_BANK
    bank, _created = Bank.objects.get_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})
    trust, _created = Account.objects.get_or_create(iban=COURT_TRUST_IBAN, defaults={"bank": bank, "is_court_trust": True})
    return trust


def _locked_accounts(*ibans: str) -> dict[str, Account]:
    """Lock the accounts in IBAN order (a fixed order, so two operations cannot deadlock)."""
    wanted = sorted({normalize_iban(iban) for iban in ibans})
    rows = {row.iban: row for row in Account.objects.select_for_update().filter(iban__in=wanted).order_by("iban")}
    for iban in wanted:
        if iban not in rows:
            raise BankError(f"Unknown account: {iban}")
        if not rows[iban].is_open:
            raise BankError(f"Closed account: {iban}")
    return rows


def _locked_account(iban) -> Account:
    text = normalize_iban(iban)
    if not is_valid_saudi_iban(text):
        raise BankError(f"Not a valid Saudi IBAN: {iban!r}")
    return _locked_accounts(text)[text]


def _account_target(account: Account) -> str:
    return f"account:{account.iban}"


def _move(account: Account, kind: str, amount: Decimal, ref: str) -> None:
    AccountMovement.objects.create(account=account, kind=kind, amount=amount, balance_after=account.balance, ref=ref)


@transaction.atomic
def freeze(iban, amount, ref) -> Decimal:
    """Freeze up to `amount` of the available balance for `ref`; returns what was frozen."""
    wanted = _money(amount)
    acct = _locked_account(iban)
    op, first = _claim("freeze", ref, _account_target(acct))
    if not first:
        return Decimal(op.result["amount"])
    held = min(wanted, acct.available)
    AccountHold.objects.create(account=acct, ref=op.ref, amount=held)
    acct.frozen += held
    acct.save(update_fields=["frozen"])
    _done(op, amount=str(held))
    return held


@transaction.atomic
def unfreeze(iban, ref) -> Decimal:
    """Release what `ref` froze on the account; returns the amount released (0 if nothing)."""
    acct = _locked_account(iban)
    op, first = _claim("unfreeze", ref, _account_target(acct))
    if not first:
        return Decimal(op.result["amount"])
    released = ZERO
    hold = AccountHold.objects.filter(account=acct, ref=op.ref, status=AccountHold.Status.ACTIVE).first()
    if hold:
        released = hold.amount
        hold.status, hold.closed_at = AccountHold.Status.RELEASED, clock.now()
        hold.save(update_fields=["status", "closed_at"])
        acct.frozen -= released
        acct.save(update_fields=["frozen"])
    _done(op, amount=str(released))
    return released


@transaction.atomic
def seize_frozen(iban, ref) -> Decimal:
    """Move what `ref` froze on the account to the court trust account; returns the amount."""
    trust_iban = court_trust_account().iban
    text = normalize_iban(iban)
    if not is_valid_saudi_iban(text):
        raise BankError(f"Not a valid Saudi IBAN: {iban!r}")
    if text == trust_iban:
        raise BankError("Cannot seize from the court trust account.")
    rows = _locked_accounts(text, trust_iban)
    acct, trust = rows[text], rows[trust_iban]
    op, first = _claim("seize_frozen", ref, _account_target(acct))
    if not first:
        return Decimal(op.result["amount"])
    seized = ZERO
    hold = AccountHold.objects.filter(account=acct, ref=op.ref, status=AccountHold.Status.ACTIVE).first()
    if hold:
        seized = hold.amount
        hold.status, hold.closed_at = AccountHold.Status.SEIZED, clock.now()
        hold.save(update_fields=["status", "closed_at"])
        acct.frozen -= seized
        acct.balance -= seized
        acct.save(update_fields=["frozen", "balance"])
        trust.balance += seized
        trust.save(update_fields=["balance"])
        _move(acct, AccountMovement.Kind.SEIZURE, -seized, op.ref)
        _move(trust, AccountMovement.Kind.SEIZED_IN, seized, op.ref)
    _done(op, amount=str(seized))
    return seized


@transaction.atomic
def credit(iban, amount, ref) -> Account:
    """Pay money into an account. BankError when the IBAN is unknown, closed or invalid."""
    value = _money(amount)
    if value <= 0:
        raise BankError("A credit must be positive.")
    acct = _locked_account(iban)
    op, first = _claim("credit", ref, _account_target(acct))
    if first:
        acct.balance += value
        acct.save(update_fields=["balance"])
        _move(acct, AccountMovement.Kind.CREDIT, value, op.ref)
        _done(op, amount=str(value))
    return acct


@transaction.atomic
def debit(iban, amount, ref) -> Account:
    """Take money out of an account's available (unfrozen) balance; InsufficientFunds if short."""
    value = _money(amount)
    if value <= 0:
        raise BankError("A debit must be positive.")
    acct = _locked_account(iban)
    op, first = _claim("debit", ref, _account_target(acct))
    if first:
        if acct.available < value:
            raise InsufficientFunds(f"Available {acct.available}, asked {value}.")
        acct.balance -= value
        acct.save(update_fields=["balance"])
        _move(acct, AccountMovement.Kind.DEBIT, -value, op.ref)
        _done(op, amount=str(value))
    return acct


def frozen_by(iban, ref) -> Decimal:
    """What `ref` currently holds frozen on the account (0 if nothing)."""
    hold = AccountHold.objects.filter(account__iban=normalize_iban(iban), ref=str(ref), status=AccountHold.Status.ACTIVE).first()
    return hold.amount if hold else ZERO


# --- real estate ----------------------------------------------------------------------------


def _deeds():
    return Deed.objects.prefetch_related("owner_rows__person")


def deed(number) -> Deed | None:
    text = _text(number, 20)
    if not text:
        return None
    return _deeds().filter(number=text).first()


def deeds_of(person) -> list[Deed]:
    """Deeds in which the person holds a share and that are not closed (active or suspended)."""
    owner = _as_person(person)
    if owner is None:
        return []
    return list(_deeds().filter(owner_rows__person=owner).exclude(status=Deed.Status.CLOSED).order_by("number").distinct())


def _locked_deed(deed) -> Deed:
    number = deed.number if isinstance(deed, Deed) else normalize_digits(deed)
    found = Deed.objects.select_for_update().filter(number=number).first()
    if found is None:
        raise DeedError(f"Unknown deed: {number}")
    return found


def _target(deed: Deed) -> str:
    return f"deed:{deed.number}"


def _encumber(deed, kind: str, by: str, ref) -> Encumbrance:
    locked = _locked_deed(deed)
    op, first = _claim(f"place_{kind}", ref, _target(locked))
    if not first:
        return Encumbrance.objects.get(pk=op.result["encumbrance_id"])
    if locked.is_closed:
        raise DeedError(f"Deed {locked.number} is closed.")
    row = Encumbrance.objects.create(deed=locked, kind=kind, by_whom=str(by), ref=op.ref)
    _done(op, encumbrance_id=row.pk)
    return row


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


@transaction.atomic
def place_seizure(deed, *, by, ref) -> Encumbrance:
    return _encumber(deed, Encumbrance.Kind.SEIZURE, by, ref)


@transaction.atomic
def lift_seizure(deed, ref) -> Encumbrance | None:
    return _lift(deed, Encumbrance.Kind.SEIZURE, ref)


@transaction.atomic
def place_mortgage(deed, *, by, ref) -> Encumbrance:
    return _encumber(deed, Encumbrance.Kind.MORTGAGE, by, ref)


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


def normalise_shares(owners) -> list[tuple[Person, Decimal]]:
    """Check (person, share) pairs: distinct known persons, shares > 0 summing to 1.

    Shares are fractions kept to six decimals; a rounding remainder of at most one millionth per
    owner (thirds, sixths...) goes to the last owner so the total is exactly 1.
    """
    pairs = []
    for who, share in owners:
        if isinstance(share, float):
            raise TypeError("Shares are Decimal, never float.")
        found = _as_person(who)
        if found is None:
            raise DeedError(f"Unknown person: {who!r}")
        pairs.append((found, Decimal(str(share)).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_UP)))
    if not pairs:
        raise DeedError("A deed needs at least one owner.")
    if len({who.pk for who, _share in pairs}) != len(pairs):
        raise DeedError("An owner is listed twice.")
    if any(share <= 0 for _who, share in pairs):
        raise DeedError("Every share must be positive.")
    gap = Decimal(1) - sum(share for _who, share in pairs)
    if abs(gap) > SHARE_QUANTUM * len(pairs):
        raise DeedError(f"Shares must add up to 1 (off by {gap}).")
    last_person, last_share = pairs[-1]
    pairs[-1] = (last_person, last_share + gap)
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
def transfer(deed, to_owners, ref) -> Deed:
    """Close the deed and issue a new one to `to_owners` [(person, share)], same property data.

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
        plan_number=old.plan_number,
        plot_number=old.plot_number,
        area=old.area,
        value_of_record=old.value_of_record,
        issued_at=now,
    )
    DeedOwner.objects.bulk_create(DeedOwner(deed=new, person=who, share=share) for who, share in owners)
    old.status, old.suspended_ref, old.replaced_by, old.closed_at = Deed.Status.CLOSED, "", new, now
    old.save(update_fields=["status", "suspended_ref", "replaced_by", "closed_at"])
    _done(op, deed=new.number, deed_id=new.pk)
    return _deeds().get(pk=new.pk)


# --- powers of attorney and inheritance -----------------------------------------------------


def poa(number) -> PowerOfAttorney | None:
    text = _text(number, 20)
    if not text:
        return None
    return PowerOfAttorney.objects.select_related("principal", "agent").filter(number=text).first()


def heirs_deed(number) -> HeirsDeed | None:
    text = _text(number, 20)
    if not text:
        return None
    return HeirsDeed.objects.select_related("deceased").prefetch_related("shares__heir").filter(number=text).first()


def heirs_deeds_of(deceased) -> list[HeirsDeed]:
    who = _as_person(deceased)
    if who is None:
        return []
    return list(HeirsDeed.objects.filter(deceased=who).prefetch_related("shares__heir").order_by("number"))


# --- restrictions ---------------------------------------------------------------------------


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



# --- instruments issued electronically (e-promissory notes) ---------------------------------

_find_instrument = instrument  # the look-up, under a name parameters called `instrument` do not hide


def _holder_fields(prefix: str, subject) -> dict:
    who = _as_subject(subject)
    if isinstance(who, Person):
        return {f"{prefix}_person": who, f"{prefix}_entity": None}
    return {f"{prefix}_person": None, f"{prefix}_entity": who}


@transaction.atomic
def register_instrument(*, number, kind, issuer, creditor, debtors, amount, issue_date, due_date=None, description="", ref):
    """Record an execution instrument issued electronically; a repeat with the same ref returns it."""
    from .models import InstrumentDebtor

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
    from .models import InstrumentEndorsement

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
    from .models import InstrumentEndorsement

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


@transaction.atomic
def cancel_instrument(instrument, ref) -> Instrument:
    return _set_instrument_status(instrument, Instrument.Status.CANCELLED, "cancel_instrument", ref)
