"""The banks: accounts, freezes, seizures to the court trust account, credits and debits."""

import threading
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from najiz.common import clock
from najiz.common.bulk import update_rows
from najiz.common.gathering import gathered, gathering
from najiz.common.identifiers import is_valid_saudi_iban, normalize_iban
from najiz.common.money import to_sar

from ..models import ZERO, Account, AccountHold, AccountMovement, Bank, Entity, Person, RegistryOperation
from .base import (
    BankError,
    InsufficientFunds,
    UnknownSubject,
    _claim,
    _claim_many,
    _done,
    _money,
    _ref,
    _text,
)
from .commercial import _as_subject

COURT_TRUST_IBAN = "SA0910000000000000000001"  # make_saudi_iban("10", "1")
COURT_TRUST_BANK = ("10", "البنك الأهلي السعودي", "Saudi National Bank")


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
    return accounts_of_many([subject])[subject]


def accounts_of_many(holders, *, lock=False) -> dict:
    """accounts_of for many persons and entities (registry rows), in one query: {holder: accounts};
    with `lock`, the accounts are locked (in IBAN order), for a FreezePlan."""
    persons = {h.pk: h for h in holders if isinstance(h, Person)}
    entities = {h.pk: h for h in holders if isinstance(h, Entity)}
    found = {holder: [] for holder in [*persons.values(), *entities.values()]}
    if found:
        rows = Account.objects.select_related("bank")
        if lock:
            rows = rows.select_for_update(of=("self",))
        for row in (rows.filter(status=Account.Status.ACTIVE)
                    .filter(Q(person_id__in=list(persons)) | Q(entity_id__in=list(entities))).order_by("iban")):
            holder = persons[row.person_id] if row.person_id in persons else entities[row.entity_id]
            found[holder].append(row)
    return found


def court_trust_account() -> Account:
    """The enforcement court's trust account, which receives seized funds (created when missing)."""
    found = Account.objects.filter(is_court_trust=True).first()
    if found:
        return found
    code, name_ar, name_en = COURT_TRUST_BANK
    bank, _created = Bank.objects.get_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})
    trust, _created = Account.objects.get_or_create(
        iban=COURT_TRUST_IBAN, defaults={"bank": bank, "is_court_trust": True}
    )
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


@transaction.atomic(savepoint=False)
def freeze(iban, amount, ref) -> Decimal:
    """Freeze up to `amount` of the available balance for `ref`; returns what was frozen."""
    wanted = _money(amount)
    acct = _locked_account(iban)
    op, first = _claim("freeze", ref, _account_target(acct))
    if not first:
        return to_sar(op.result["amount"])
    held = min(wanted, acct.available)
    AccountHold.objects.create(account=acct, ref=op.ref, amount=held)
    acct.frozen += held
    acct.save(update_fields=["frozen"])
    _done(op, amount=str(held))
    return held


class FreezePlan:
    """Freezes of accounts the caller has locked (accounts_of_many(lock=True)), reckoned at once and
    written together (write): a sweep's page freezes an account for each of its requests. Each
    freezes what freeze() would; mark() and undo() drop the freezes planned since (the caller's
    round failed; its accounts are not used again). A freeze already made under the same ref
    (a replay) is not planned over: write() then refuses the whole plan, writing nothing, for the
    caller to redo each freeze on its own."""

    def __init__(self, accounts=()):
        self.accounts = {account.iban: account for account in accounts}
        self.planned = []  # (account, amount, ref, the account's frozen before)

    def holds(self, iban) -> bool:
        return normalize_iban(iban) in self.accounts

    def freeze(self, iban, amount, ref) -> Decimal:
        account = self.accounts[normalize_iban(iban)]
        held = min(_money(amount), account.available)
        self.planned.append((account, held, _ref(ref), account.frozen))
        account.frozen += held
        return held

    def mark(self) -> int:
        return len(self.planned)

    def undo(self, mark: int) -> None:
        for account, *_planned, before in reversed(self.planned[mark:]):
            account.frozen = before
        del self.planned[mark:]

    @transaction.atomic(savepoint=False)
    def write(self) -> None:
        """The plan's holds, frozen sums and operations: four statements for all."""
        if not self.planned:
            return
        claims = _claim_many(("freeze", ref, _account_target(account)) for account, _held, ref, _before in self.planned)
        if not all(first for _op, first in claims.values()):
            raise BankError("a planned freeze was made already")  # nothing written: the claims fail with the caller
        AccountHold.objects.bulk_create(
            AccountHold(account=account, ref=ref, amount=held) for account, held, ref, _before in self.planned)
        update_rows({account.iban: account for account, *_rest in self.planned}.values(), ["frozen"])
        ops = []
        for account, held, ref, _before in self.planned:
            op = claims[("freeze", ref, _account_target(account))][0]
            op.result = {"amount": str(held)}
            ops.append(op)
        RegistryOperation.objects.bulk_update(ops, ["result"])
        self.planned = []


@transaction.atomic
def unfreeze(iban, ref) -> Decimal:
    """Release what `ref` froze on the account; returns the amount released (0 if nothing)."""
    acct = _locked_account(iban)
    op, first = _claim("unfreeze", ref, _account_target(acct))
    if not first:
        return to_sar(op.result["amount"])
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


_deferred = threading.local()


@contextmanager
def trust_credits_at_end():
    """Seizures made inside credit the court trust account together when the block ends.

    Every seizure writes the trust account's one row, which then stays locked until the
    transaction commits, so the seizures of other transactions wait for it. Inside the block the
    debtor's account is debited at once and the trust account's credits (its balance, a movement
    each) are written in one locked update at the end, so the lock is held only from there to the
    commit. The block must end inside the caller's transaction; if it raises, nothing is credited
    and the caller's transaction must roll back (its seizures with it). Blocks do not nest: an
    inner one leaves its credits to the outer."""
    with gathered(_deferred) as credits:
        yield
    if credits:
        _credit_trust(credits)


def _credit_trust(credits: list[tuple[Decimal, str]]) -> None:
    trust_iban = court_trust_account().iban
    _credit_trust_now(_locked_accounts(trust_iban)[trust_iban], credits)


def _credit_trust_now(trust: Account, credits: list[tuple[Decimal, str]]) -> None:
    """Credit the locked trust account with each (amount, ref): a movement each, one update."""
    movements = []
    for amount, ref in credits:
        trust.balance += amount
        movements.append(AccountMovement(account=trust, kind=AccountMovement.Kind.SEIZED_IN, amount=amount,
                                         balance_after=trust.balance, ref=ref))
    trust.save(update_fields=["balance"])
    AccountMovement.objects.bulk_create(movements)


def seize_frozen(iban, ref) -> Decimal:
    """Move what `ref` froze on the account to the court trust account; returns the amount
    (inside trust_credits_at_end, the trust account is credited when that block ends)."""
    return seize_frozen_many([(iban, ref)])[0]


@transaction.atomic(savepoint=False)
def seize_frozen_many(seizures) -> list[Decimal]:
    """seize_frozen for many (IBAN, ref) pairs, in a few statements for all: the accounts locked
    in one (IBAN order), the operations claimed in one, the holds read in one, and the holds,
    balances, movements and results written in one each. The amounts, in the order given; a
    replay's is the one recorded."""
    trust_iban = court_trust_account().iban
    planned = []
    for iban, ref in seizures:
        text = normalize_iban(iban)
        if not is_valid_saudi_iban(text):
            raise BankError(f"Not a valid Saudi IBAN: {iban!r}")
        if text == trust_iban:
            raise BankError("Cannot seize from the court trust account.")
        planned.append((text, _ref(ref)))
    if not planned:
        return []
    deferred = gathering(_deferred)
    ibans = {iban for iban, _ref_ in planned} | (set() if deferred is not None else {trust_iban})
    rows = _locked_accounts(*ibans)
    claims = _claim_many(("seize_frozen", ref, _account_target(rows[iban])) for iban, ref in planned)
    wanted = {(rows[iban].pk, ref) for iban, ref in planned}
    holds = {
        (hold.account_id, hold.ref): hold
        for hold in AccountHold.objects.filter(
            account__in=[rows[iban] for iban, _ref_ in planned], ref__in={ref for _iban, ref in planned},
            status=AccountHold.Status.ACTIVE,
        )
        if (hold.account_id, hold.ref) in wanted
    }
    now, amounts, made, seized_holds, changed, movements, credits = clock.now(), [], {}, [], {}, [], []
    for iban, ref in planned:
        acct = rows[iban]
        key = ("seize_frozen", ref, _account_target(acct))
        op, first = claims[key]
        if not first:  # a replay: what the first call recorded
            amounts.append(to_sar(op.result["amount"]))
            continue
        if key in made:  # the same pair twice in the list
            amounts.append(made[key][1])
            continue
        hold = holds.get((acct.pk, ref))
        seized = hold.amount if hold else ZERO
        if hold:
            hold.status, hold.closed_at = AccountHold.Status.SEIZED, now
            seized_holds.append(hold)
            acct.frozen -= seized
            acct.balance -= seized
            changed[iban] = acct
            movements.append(AccountMovement(account=acct, kind=AccountMovement.Kind.SEIZURE, amount=-seized,
                                             balance_after=acct.balance, ref=op.ref))
            if seized > 0:
                credits.append((seized, op.ref))
        op.result = {"amount": str(seized)}
        made[key] = (op, seized)
        amounts.append(seized)
    if seized_holds:
        AccountHold.objects.bulk_update(seized_holds, ["status", "closed_at"])
        Account.objects.bulk_update(list(changed.values()), ["frozen", "balance"])
        AccountMovement.objects.bulk_create(movements)
    if made:
        RegistryOperation.objects.bulk_update([op for op, _seized in made.values()], ["result"])
    if credits:
        if deferred is not None:
            deferred.extend(credits)  # last: a seizure that failed leaves no credit behind
        else:
            _credit_trust_now(rows[trust_iban], credits)
    return amounts


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


class Transfer(NamedTuple):
    """Money moved from one account to another under a ref (transfer_many)."""

    source: str  # IBAN
    target: str  # IBAN
    amount: Decimal
    ref: str


@transaction.atomic(savepoint=False)
def transfer_many(transfers) -> None:
    """Each transfer as debit(source) and credit(target) under its ref would make it, for many at
    once: the accounts locked in one statement (IBAN order), the operations claimed in one, the
    balances written in one update and the movements in one insert. A transfer already made is not
    made again. BankError, with nothing moved, if an account is unknown or closed;
    InsufficientFunds if a source lacks the money."""
    planned = []
    for transfer in transfers:
        value = _money(transfer.amount)
        if value <= 0:
            raise BankError("A transfer must be positive.")
        source, target = normalize_iban(transfer.source), normalize_iban(transfer.target)
        if source == target:
            raise BankError("A transfer needs two accounts.")
        planned.append((source, target, value, _ref(transfer.ref)))
    if not planned:
        return
    rows = _locked_accounts(*(iban for source, target, _value, _ref in planned for iban in (source, target)))
    claims = _claim_many(
        key
        for source, target, _value, ref in planned
        for key in (("debit", ref, _account_target(rows[source])), ("credit", ref, _account_target(rows[target])))
    )
    movements, done, changed = [], [], {}
    for source, target, value, ref in planned:
        for operation, iban, kind, signed in (("debit", source, AccountMovement.Kind.DEBIT, -value),
                                              ("credit", target, AccountMovement.Kind.CREDIT, value)):
            op, first = claims[(operation, ref, _account_target(rows[iban]))]
            if not first:
                continue
            acct = rows[iban]
            if signed < 0 and acct.available < value:
                raise InsufficientFunds(f"{iban}: available {acct.available}, asked {value}.")
            acct.balance += signed
            changed[iban] = acct
            movements.append(AccountMovement(account=acct, kind=kind, amount=signed, balance_after=acct.balance,
                                             ref=op.ref))
            op.result = {"amount": str(value)}
            done.append(op)
    if changed:
        Account.objects.bulk_update(list(changed.values()), ["balance"])
        AccountMovement.objects.bulk_create(movements)
        RegistryOperation.objects.bulk_update(done, ["result"])


def frozen_by(iban, ref) -> Decimal:
    """What `ref` currently holds frozen on the account (0 if nothing)."""
    hold = AccountHold.objects.filter(
        account__iban=normalize_iban(iban), ref=str(ref), status=AccountHold.Status.ACTIVE
    ).first()
    return hold.amount if hold else ZERO
