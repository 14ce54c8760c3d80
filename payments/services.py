"""Commands of the payments app. Each is one database transaction.

Ledger conventions: amounts are signed (debit +, credit -). Accounts:

* `court_trust` (asset): the court's trust account at the bank; every riyal the court holds.
* `case_payable:<case>` / `escrow:<case>` (liability): what the court holds for one case.
* `refunds` (liability): an overpayment owed back to a payer, cleared in the same step.

Money movements: payment received (trust +, holding -), seized funds (trust +, holding -),
disbursement and refund to an IBAN (holding +, trust -). The same moves are made at the banks
registry, in the same database transaction, so the court trust account there matches the ledger.

Row locks, always taken in this order: Invoice, LedgerAccount (holding), Disbursement.

The ledger's commands called once per seizure (post_transactions, seize_to_trust(_many)) make
no savepoint inside a caller's transaction: a caller that goes on after one of them fails wraps
the call in its own atomic block.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.bulk import update_rows
from najiz.common.gathering import gathered, gathering
from najiz.common.identifiers import is_valid_saudi_iban, luhn_check_digit, normalize_iban
from najiz.common.money import ZERO, checked_amount, summed
from najiz.common.tasks import enqueue, enqueue_on_commit

from . import conf, signals
from .models import (
    OPEN_STATUSES,
    AccountKind,
    Disbursement,
    DisbursementKind,
    DisbursementStatus,
    Invoice,
    InvoiceStatus,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PayerKind,
    Payment,
    PaymentMethod,
    TransactionKind,
)

logger = logging.getLogger(__name__)


class LedgerImbalance(ValueError):
    """A ledger transaction whose entries do not sum to zero (a programming error)."""


# --- Ledger ---------------------------------------------------------------------------------


def purpose_ref(purpose) -> str:
    """The case number of a purpose (its `number`), or `<app>.<model>-<pk>` for anything else."""
    number = getattr(purpose, "number", None)
    if number:
        return str(number)
    meta = purpose._meta
    return f"{meta.app_label}.{meta.model_name}-{purpose.pk}"


def holding_account_code(purpose) -> str:
    """The ledger account holding a purpose's money: `escrow:<ref>` for conveyances,
    `case_payable:<ref>` otherwise (a model may set LEDGER_HOLDING_PREFIX to choose)."""
    prefix = getattr(purpose, "LEDGER_HOLDING_PREFIX", None) or conf.holding_prefixes().get(
        purpose._meta.app_label, "case_payable"
    )
    return f"{prefix}:{purpose_ref(purpose)}"


def _account_kind(code: str) -> str:
    return AccountKind.ASSET if code == LedgerAccount.COURT_TRUST else AccountKind.LIABILITY


def ledger_account(code: str) -> LedgerAccount:
    return ledger_accounts([code])[code]


def _purpose_fields(purpose) -> dict:
    if purpose is None:
        return {}
    return {"purpose_type": ContentType.objects.get_for_model(purpose), "purpose_id": purpose.pk}


class Posting(NamedTuple):
    """One double-entry transaction to post (post_transactions)."""

    kind: str
    ref: str
    entries: Iterable[tuple[str, Decimal]]  # (account code, signed amount)
    memo: str = ""
    purpose: object = None


def _checked_lines(posting: Posting) -> list[tuple[str, Decimal]]:
    lines = []
    for code, amount in posting.entries:
        amount = checked_amount(amount, signed=True)
        if amount:
            lines.append((code, amount))
    if len(lines) < 2:
        raise LedgerImbalance(f"a ledger transaction needs two entries or more: {lines}")
    if sum((amount for _code, amount in lines), ZERO) != ZERO:
        raise LedgerImbalance(f"entries do not sum to zero: {lines}")
    if posting.kind not in TransactionKind.values:
        raise ValueError(f"unknown ledger transaction kind {posting.kind!r}")
    return lines


def post_transactions(postings: Iterable[Posting]) -> list[LedgerTransaction]:
    """Post each double-entry transaction: entries with a zero amount are dropped; at least two
    remain and they sum to zero, or LedgerImbalance before anything is written. Three statements
    for any number of them: the transactions, their accounts, their entries."""
    postings = list(postings)
    lines = [_checked_lines(posting) for posting in postings]
    if not postings:
        return []
    with transaction.atomic(savepoint=False):
        return _post(postings, lines)


def _post(postings: list[Posting], lines: list[list[tuple[str, Decimal]]]) -> list[LedgerTransaction]:
    at = clock.now()
    txns = LedgerTransaction.objects.bulk_create([
        LedgerTransaction(kind=posting.kind, ref=posting.ref, memo=posting.memo[:255], at=at,
                          **_purpose_fields(posting.purpose))
        for posting in postings
    ])
    accounts = ledger_accounts(code for posting_lines in lines for code, _amount in posting_lines)
    LedgerEntry.objects.bulk_create([
        LedgerEntry(transaction=txn, account=accounts[code], amount=amount)
        for txn, posting_lines in zip(txns, lines, strict=True)
        for code, amount in posting_lines
    ])
    return txns


def post_transaction(
    kind: str, ref: str, entries: Iterable[tuple[str, Decimal]], *, memo: str = "", purpose=None
) -> LedgerTransaction:
    """Post one double-entry transaction (post_transactions for one)."""
    return post_transactions([Posting(kind, ref, entries, memo, purpose)])[0]


def _cents(total) -> Decimal:
    """A summed amount as exact SAR (the money kernel's `summed`)."""
    return summed(total)


def balance(account_code: str) -> Decimal:
    """Signed balance (debit +) of an account, summed from its entries."""
    return _cents(LedgerEntry.objects.filter(account__code=account_code).aggregate(total=Sum("amount"))["total"])


def held_for(purpose) -> Decimal:
    """What the court holds for a purpose now (positive)."""
    return -balance(holding_account_code(purpose))


def collected_for(purpose) -> Decimal:
    """Everything ever received for a purpose: payments applied and seized funds."""
    total = LedgerEntry.objects.filter(account__code=holding_account_code(purpose), amount__lt=0).aggregate(
        total=Sum("amount")
    )["total"]
    return -_cents(total)


def _pending_disbursements(holding: LedgerAccount) -> Decimal:
    total = Disbursement.objects.filter(holding_account=holding, status=DisbursementStatus.PENDING).aggregate(
        total=Sum("amount")
    )["total"]
    return _cents(total)


def available_for_disbursement(purpose) -> Decimal:
    """Held for the purpose minus what pending disbursements will take."""
    holding = LedgerAccount.objects.filter(code=holding_account_code(purpose)).first()
    if holding is None:
        return ZERO
    return held_for(purpose) - _pending_disbursements(holding)


# --- The banks registry ---------------------------------------------------------------------


def _bank():
    from najiz.registries import services as registries

    return registries


def bank_error_class():
    return _bank().BankError


# --- Invoices -------------------------------------------------------------------------------


def new_bill_number() -> str:
    """11 digits: 10 random (first not zero) and a check digit, so a mistyped bill is caught."""
    body = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(9))
    return body + luhn_check_digit(body)


def is_valid_bill_number(value: str) -> bool:
    return len(value) == 11 and value.isdigit() and luhn_check_digit(value[:10]) == value[10]


def _payer_fields(payer, payer_user) -> dict:
    from django.contrib.auth import get_user_model

    cr_number = getattr(payer, "cr_number", None)
    if cr_number:
        kind, id_number = PayerKind.ENTITY, str(cr_number)
    else:
        kind, id_number = PayerKind.PERSON, str(getattr(payer, "national_id", None) or payer)
    if payer_user is None and kind == PayerKind.PERSON:
        payer_user = get_user_model().objects.filter(national_id=id_number).first()
    return {
        "payer_kind": kind,
        "payer_id_number": id_number,
        "payer_name_ar": getattr(payer, "name_ar", "") or "",
        "payer_name_en": getattr(payer, "name_en", "") or "",
        "payer_user": payer_user,
    }


def create_invoice(
    *,
    purpose,
    payer,
    amount,
    description_ar: str,
    description_en: str,
    allow_partial: bool = False,
    expires_at=None,
    payer_user=None,
) -> Invoice:
    """Issue a bill for `purpose` (any saved model instance) to `payer` (a registry Person or
    User — anything with `national_id` — or an Entity with `cr_number`). Enforcement invoices
    allow partial payments; conveyance invoices are paid in full."""
    return create_invoices(
        [
            {
                "purpose": purpose,
                "payer": payer,
                "amount": amount,
                "description_ar": description_ar,
                "description_en": description_en,
                "allow_partial": allow_partial,
                "expires_at": expires_at,
                "payer_user": payer_user,
            }
        ]
    )[0]


def ledger_accounts(codes) -> dict[str, LedgerAccount]:
    """The ledger accounts with these codes, made where missing, in at most three queries."""
    codes = set(codes)
    found = {a.code: a for a in LedgerAccount.objects.filter(code__in=codes)}
    missing = codes - set(found)
    if missing:
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(code=code, kind=_account_kind(code)) for code in sorted(missing)],
            ignore_conflicts=True,
        )
        found.update((a.code, a) for a in LedgerAccount.objects.filter(code__in=missing))
    return found


@transaction.atomic
def create_invoices(bills: list[dict]) -> list[Invoice]:
    """Issue several bills at once (each a dict of create_invoice's arguments), in bulk."""
    invoices = []
    for bill in bills:
        amount = checked_amount(bill["amount"], signed=True)
        if amount <= 0:
            raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
        purpose = bill["purpose"]
        invoices.append(Invoice(
            **_payer_fields(bill["payer"], bill.get("payer_user")),
            biller_code=conf.biller_code(),
            amount=amount,
            allow_partial=bill.get("allow_partial", False),
            purpose_type=ContentType.objects.get_for_model(purpose),
            purpose_id=purpose.pk,
            purpose_ref=purpose_ref(purpose),
            holding_account=LedgerAccount(code=holding_account_code(purpose)),
            description_ar=bill["description_ar"],
            description_en=bill["description_en"],
            expires_at=bill.get("expires_at"),
            created_at=clock.now(),
        ))
    accounts = ledger_accounts(invoice.holding_account.code for invoice in invoices)
    for invoice in invoices:
        invoice.holding_account = accounts[invoice.holding_account.code]
    for _attempt in range(10):
        numbers = set()
        for invoice in invoices:
            while invoice.bill_number in numbers or not invoice.bill_number:
                invoice.bill_number = new_bill_number()
            numbers.add(invoice.bill_number)
        taken = set(Invoice.objects.filter(bill_number__in=numbers).values_list("bill_number", flat=True))
        if taken:
            for invoice in invoices:
                if invoice.bill_number in taken:
                    invoice.bill_number = ""
            continue
        try:
            with transaction.atomic():
                return Invoice.objects.bulk_create(invoices)
        except IntegrityError:  # a number taken meanwhile: draw again
            for invoice in invoices:
                invoice.bill_number = ""
            continue
    raise RuntimeError("could not allocate a bill number")  # pragma: no cover


# --- Bank transfers -------------------------------------------------------------------------

TRANSFER_PREFIX = "NJZ"


def transfer_reference(invoice: Invoice) -> str:
    """The reference a payer writes on a bank transfer to the escrow (trust) account: the bill
    number behind a prefix, so it is unique to the invoice and a mistyped digit fails its check."""
    return f"{TRANSFER_PREFIX}{invoice.bill_number}"


def bill_number_of_reference(reference) -> str | None:
    """The bill number a transfer reference names, or None when it is not a reference at all."""
    text = str(reference or "").strip().upper().replace(" ", "").replace("-", "")
    if not text.startswith(TRANSFER_PREFIX):
        return None
    number = text[len(TRANSFER_PREFIX):]
    return number if is_valid_bill_number(number) else None


def escrow_iban() -> str:
    """The account bank transfers are made to: the court's trust account, which holds every escrow."""
    return _bank().court_trust_account().iban


def accepts_transfer(invoice: Invoice) -> bool:
    """A bank transfer is offered for a payable invoice of a large amount (PAYMENTS_BANK_TRANSFER_MIN)."""
    return invoice.is_payable and invoice.amount >= conf.bank_transfer_min()


def _lock_invoice(invoice) -> Invoice:
    if isinstance(invoice, Invoice):
        return Invoice.objects.select_for_update().get(pk=invoice.pk)
    return Invoice.objects.select_for_update().get(bill_number=str(invoice))


def _status_for(paid: Decimal, amount: Decimal) -> str:
    if paid >= amount:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if paid > 0 else InvoiceStatus.UNPAID


def _expire_if_due(invoice: Invoice) -> None:
    if invoice.status in OPEN_STATUSES and invoice.is_expired:
        invoice.status = InvoiceStatus.EXPIRED
        invoice.closed_at = clock.now()
        invoice.save(update_fields=["status", "closed_at"])


def amend_invoice_amount(invoice, amount) -> Invoice:
    """Change what an open invoice asks for (a reduced claim, an added publication cost).
    It may not go below what was already paid; reaching it makes the invoice paid. A refusal is
    raised once the block that read the invoice has ended having written nothing, so the block
    needs no savepoint."""
    amount = _amendment_amount(amount)
    with transaction.atomic(savepoint=False):
        invoice = _lock_invoice(invoice)
        refusal = _amendment_refused(invoice, amount)
        if refusal is None:
            _amend([(invoice, amount)])
    if refusal is not None:
        raise refusal
    return invoice


def lock_open_invoices(purposes) -> dict[int, Invoice]:
    """The newest invoice still taking payments of each purpose (selectors.open_invoice_for),
    locked, in one statement: {purpose pk: invoice}; a purpose with none is left out."""
    purposes = list(purposes)
    if not purposes:
        return {}
    types = {ContentType.objects.get_for_model(purpose).pk for purpose in purposes}
    if len(types) != 1:
        raise ValueError("purposes of one kind")
    newest = {}
    for invoice in (Invoice.objects.select_for_update()
                    .filter(purpose_type_id=types.pop(), purpose_id__in=[p.pk for p in purposes],
                            status__in=OPEN_STATUSES)
                    .order_by("purpose_id", "-created_at", "-id")):
        newest.setdefault(invoice.purpose_id, invoice)
    return newest


def amend_locked_invoices(amendments) -> None:
    """amend_invoice_amount for many invoices the caller has locked (lock_open_invoices), each
    with its new amount: one statement for all. Every amendment is checked before any is written,
    so a refusal (raised) leaves nothing changed."""
    amendments = [(invoice, _amendment_amount(amount)) for invoice, amount in amendments]
    for invoice, amount in amendments:
        refusal = _amendment_refused(invoice, amount)
        if refusal is not None:
            raise refusal
    _amend(amendments)


def _amendment_amount(amount) -> Decimal:
    amount = checked_amount(amount, signed=True)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
    return amount


def _amend(amendments) -> None:
    now = clock.now()
    for invoice, amount in amendments:
        invoice.amount = amount
        invoice.status = _status_for(invoice.paid, amount)
        invoice.closed_at = now if invoice.status == InvoiceStatus.PAID else None
    update_rows([invoice for invoice, _amount in amendments], ["amount", "status", "closed_at"])


def _amendment_refused(invoice, amount) -> ValidationError | None:
    if invoice.status not in OPEN_STATUSES:
        return ValidationError(_("This invoice is closed and cannot be changed."), code="invoice_closed")
    if amount < invoice.paid:
        return ValidationError(_("The amount cannot be less than what was already paid."), code="below_paid")
    return None


@transaction.atomic
def cancel_invoice_remainder(invoice) -> Invoice:
    """Stop an open invoice from taking more money (what was paid stays paid). No-op if closed."""
    invoice = _lock_invoice(invoice)
    if invoice.status in OPEN_STATUSES:
        invoice.status = InvoiceStatus.CANCELLED
        invoice.closed_at = clock.now()
        invoice.save(update_fields=["status", "closed_at"])
    return invoice


def expire_invoices(batch_size: int = 500) -> int:
    """Mark open invoices past their expiry as expired; returns how many. Idempotent."""
    count = 0
    ids = list(
        Invoice.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=clock.now()).values_list("pk", flat=True)[
            :batch_size
        ]
    )
    for pk in ids:
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=pk)
            before = invoice.status
            _expire_if_due(invoice)
            count += invoice.status != before
    return count


def _split(invoice: Invoice, amount: Decimal, method: str = PaymentMethod.MADA) -> Decimal:
    """How much of a confirmed gateway payment applies to the invoice (the rest is refunded).

    A closed or expired invoice takes nothing; an invoice that must be paid in full takes a card or
    SADAD payment only if it covers the whole outstanding, while bank transfers add up on it until
    the whole amount is in; otherwise up to the outstanding applies.
    """
    if not invoice.is_payable:
        return ZERO
    outstanding = invoice.outstanding
    if not invoice.allow_partial and method != PaymentMethod.TRANSFER and amount < outstanding:
        return ZERO
    return min(amount, outstanding)


@transaction.atomic
def record_gateway_payment(invoice, txn_id: str, amount, method: str) -> tuple[Payment, bool]:
    """Record money the gateway confirmed for `invoice` (an Invoice or its bill number).

    Idempotent on `txn_id`: a repeated confirmation returns (the payment, False) and changes
    nothing. The gateway has already taken the money, so a confirmation is never refused: what
    the invoice cannot take (beyond the outstanding, a partial amount for a pay-in-full invoice,
    a closed invoice) is recorded and refunded to the payer in the same transaction.
    """
    amount = checked_amount(amount, signed=True)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
    if method not in PaymentMethod.values:
        raise ValidationError(_("Unknown payment method."), code="unknown_method")
    existing = Payment.objects.filter(gateway_txn_id=txn_id).first()
    if existing:
        return existing, False
    invoice = _lock_invoice(invoice)
    existing = Payment.objects.filter(gateway_txn_id=txn_id).first()  # another request won the lock first
    if existing:
        return existing, False
    _expire_if_due(invoice)
    applied = _split(invoice, amount, method)
    excess = amount - applied
    now = clock.now()
    try:
        with transaction.atomic():
            bank = _bank()
            trust_iban = bank.court_trust_account().iban
            bank.credit(trust_iban, amount, txn_id)  # the gateway settles into the trust account
            txn = post_transaction(
                TransactionKind.PAYMENT,
                txn_id,
                [
                    (LedgerAccount.COURT_TRUST, amount),
                    (invoice.holding_account.code, -applied),
                    (LedgerAccount.REFUNDS, -excess),
                ],
                memo=f"{method} bill {invoice.bill_number}",
                purpose=invoice.purpose,
            )
            refund_txn = None
            if excess:
                bank.debit(trust_iban, excess, f"{txn_id}/refund")  # returned to the payer by the gateway
                refund_txn = post_transaction(
                    TransactionKind.REFUND,
                    f"{txn_id}/refund",
                    [(LedgerAccount.REFUNDS, excess), (LedgerAccount.COURT_TRUST, -excess)],
                    memo=f"overpayment of bill {invoice.bill_number} returned by the gateway",
                    purpose=invoice.purpose,
                )
            payment = Payment.objects.create(
                invoice=invoice,
                gateway_txn_id=txn_id,
                method=method,
                amount=amount,
                applied_amount=applied,
                refunded_amount=excess,
                received_at=now,
                ledger_transaction=txn,
                refund_transaction=refund_txn,
            )
    except IntegrityError:
        existing = Payment.objects.filter(gateway_txn_id=txn_id).first()
        if existing is None:
            raise
        return existing, False
    if applied:
        invoice.paid += applied
        invoice.status = _status_for(invoice.paid, invoice.amount)
        if invoice.status == InvoiceStatus.PAID:
            invoice.closed_at = now
        invoice.save(update_fields=["paid", "status", "closed_at"])
        invoice_pk, payment_pk = invoice.pk, payment.pk
        transaction.on_commit(lambda: _send_invoice_paid(invoice_pk, payment_pk))
    return payment, True


def _send_robust(signal, sender, **kwargs):
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("payments signal receiver %r failed", receiver, exc_info=result)


def _send_invoice_paid(invoice_pk, payment_pk):
    invoice = Invoice.objects.get(pk=invoice_pk)
    payment = Payment.objects.get(pk=payment_pk)
    _send_robust(signals.invoice_paid, Invoice, invoice=invoice, payment=payment, purpose=invoice.purpose)


class Seizure(NamedTuple):
    """A balance frozen under `ref` at the bank, to seize into the court trust account for `purpose`."""

    purpose: object
    iban: str
    ref: str


def _seizure_ref(seizure: Seizure) -> str:
    return f"{seizure.ref}/{normalize_iban(seizure.iban)}"


def _seized_amounts(refs) -> dict[str, Decimal]:
    """What the seizures posted under these ledger refs put into the court trust account."""
    rows = (
        LedgerEntry.objects.filter(transaction__kind=TransactionKind.SEIZURE, transaction__ref__in=set(refs),
                                   amount__gt=0)
        .values("transaction__ref")
        .annotate(total=Sum("amount"))
    )
    return {row["transaction__ref"]: _cents(row["total"]) for row in rows}


def seize_to_trust(purpose, iban: str, *, ref: str) -> Decimal:
    """Seize the frozen balance of `iban` into the court trust account and hold it for
    `purpose`; returns the amount (zero if nothing was frozen). Idempotent on (iban, ref)."""
    return seize_to_trust_many([Seizure(purpose, iban, ref)])[0]


@transaction.atomic(savepoint=False)
def seize_to_trust_many(seizures) -> list[Decimal]:
    """seize_to_trust for many, in a few statements for all (registries.seize_frozen_many, then
    post_transactions): the amounts, in the order given."""
    seizures = list(seizures)
    refs = [_seizure_ref(seizure) for seizure in seizures]
    posted = _seized_amounts(refs) if seizures else {}
    amounts = [posted.get(ref, ZERO) for ref in refs]
    todo = [i for i, ref in enumerate(refs) if ref not in posted]
    if not todo:
        return amounts
    seized = _bank().seize_frozen_many([(seizures[i].iban, seizures[i].ref) for i in todo])
    for i, amount in zip(todo, seized, strict=True):
        amounts[i] = checked_amount(amount or ZERO, signed=True)
    # A second look: a concurrent replay that waited on the bank's claim finds the other's posting.
    posted, postings = _seized_amounts(refs[i] for i in todo), {}
    for i in todo:
        if amounts[i] > 0 and refs[i] not in posted and refs[i] not in postings:
            code = holding_account_code(seizures[i].purpose)
            postings[refs[i]] = Posting(
                TransactionKind.SEIZURE, refs[i], [(LedgerAccount.COURT_TRUST, amounts[i]), (code, -amounts[i])],
                memo=f"seized from {normalize_iban(seizures[i].iban)}", purpose=seizures[i].purpose,
            )
    post_transactions(postings.values())
    return amounts


# --- Disbursements --------------------------------------------------------------------------


@transaction.atomic
def request_disbursement(
    purpose, iban: str, amount, *, ref: str, kind: str = DisbursementKind.PAYOUT, beneficiary: str = ""
) -> Disbursement:
    """Pay `amount` of what the court holds for `purpose` to `iban`; executed by the task
    `payments.execute_disbursement` after commit. Idempotent on (purpose, ref)."""
    amount = checked_amount(amount, signed=True)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
    iban = normalize_iban(iban)
    if not is_valid_saudi_iban(iban):
        raise ValidationError(_("Enter a valid Saudi IBAN: 24 characters starting with SA."), code="invalid_iban")
    purpose_type = ContentType.objects.get_for_model(purpose)
    holding = LedgerAccount.objects.select_for_update().get(pk=ledger_account(holding_account_code(purpose)).pk)
    existing = Disbursement.objects.filter(purpose_type=purpose_type, purpose_id=purpose.pk, ref=ref).first()
    if existing:
        if (existing.iban, existing.amount, existing.kind) != (iban, amount, kind):
            raise ValidationError(_("This disbursement reference is already used."), code="ref_used")
        return existing
    if amount > held_for(purpose) - _pending_disbursements(holding):
        raise ValidationError(
            _("The court does not hold enough for this case to pay that amount."), code="insufficient"
        )
    return _new_disbursement(purpose, holding, iban, amount, ref=ref, kind=kind, beneficiary=beneficiary)


def _new_disbursement(purpose, holding, iban, amount, *, ref, kind, beneficiary) -> Disbursement:
    disbursement = _disbursement(purpose, holding, iban, amount, ref=ref, kind=kind, beneficiary=beneficiary)
    disbursement.save(force_insert=True)
    enqueue_disbursement(disbursement.pk)
    return disbursement


def _disbursement(purpose, holding, iban, amount, *, ref, kind, beneficiary) -> Disbursement:
    """A disbursement not yet saved."""
    return Disbursement(
        purpose_type=ContentType.objects.get_for_model(purpose),
        purpose_id=purpose.pk,
        purpose_ref=purpose_ref(purpose),
        ref=ref,
        kind=kind,
        iban=iban,
        beneficiary=beneficiary[:200],
        amount=amount,
        holding_account=holding,
        requested_at=clock.now(),
    )


class Payout(NamedTuple):
    """A payout for pay_out_held_many: to `iban`, of what the court holds for `purpose`, up to `claim`."""

    purpose: object
    iban: str
    claim: Decimal
    ref_prefix: str
    beneficiary: str = ""


def pay_out_held(purpose, iban: str, *, claim, ref_prefix: str, beneficiary: str = "") -> Disbursement | None:
    """A payout to `iban` of what the court holds for `purpose` and no pending disbursement will
    take, such that the purpose's payouts (failed ones aside) never add up to more than `claim`:
    the creditor is paid what has come in, up to what they are owed. Its ref is
    `<ref_prefix>/<n>`, n counting the purpose's disbursements. None when there is nothing to pay."""
    return pay_out_held_many([Payout(purpose, iban, claim, ref_prefix, beneficiary)])[0]


def pay_out_held_many(payouts) -> list[Disbursement | None]:
    """pay_out_held for many purposes (one payout each), in four statements for all: the holding
    accounts locked, the disbursements summed, the holdings' balances, the insert. A refusal (an
    IBAN) is raised before any write."""
    payouts = [payout._replace(iban=normalize_iban(payout.iban), claim=checked_amount(payout.claim, signed=True))
               for payout in payouts]
    for payout in payouts:
        if not is_valid_saudi_iban(payout.iban):
            raise ValidationError(_("Enter a valid Saudi IBAN: 24 characters starting with SA."), code="invalid_iban")
    if not payouts:
        return []
    with transaction.atomic(savepoint=False):
        return _pay_out_held_many(payouts)


def _pay_out_held_many(payouts) -> list[Disbursement | None]:
    codes = [holding_account_code(payout.purpose) for payout in payouts]
    keys = [(ContentType.objects.get_for_model(payout.purpose).pk, payout.purpose.pk) for payout in payouts]
    if len(set(keys)) != len(keys):
        raise ValueError("one payout per purpose")  # each is reckoned from the purpose's figures before any
    holdings = {account.code: account for account in
                LedgerAccount.objects.select_for_update().filter(code__in=codes).order_by("code")}
    held = dict(
        LedgerEntry.objects.filter(account__in=list(holdings.values())).values_list("account_id")
        .annotate(total=Sum("amount")).order_by()
    ) if holdings else {}
    which = Q()
    for type_id, purpose_id in keys:
        which |= Q(purpose_type_id=type_id, purpose_id=purpose_id)
    figures = {
        (row["purpose_type_id"], row["purpose_id"]): row
        for row in Disbursement.objects.filter(which).values("purpose_type_id", "purpose_id").annotate(
            count=Count("pk"),
            pending=Sum("amount", filter=Q(status=DisbursementStatus.PENDING)),
            paid_out=Sum("amount", filter=Q(kind=DisbursementKind.PAYOUT) & ~Q(status=DisbursementStatus.FAILED)),
        ).order_by()
    } if holdings else {}
    made, new = [], []
    for payout, code, key in zip(payouts, codes, keys, strict=True):
        holding = holdings.get(code)
        if holding is None:  # nothing was ever held for it
            made.append(None)
            continue
        row = figures.get(key, {})
        amount = min(-_cents(held.get(holding.pk)) - _cents(row.get("pending")),
                     payout.claim - _cents(row.get("paid_out")))
        if amount <= 0:
            made.append(None)
            continue
        disbursement = _disbursement(payout.purpose, holding, payout.iban, amount,
                                     ref=f"{payout.ref_prefix}/{row.get('count', 0) + 1}",
                                     kind=DisbursementKind.PAYOUT, beneficiary=payout.beneficiary)
        made.append(disbursement)
        new.append(disbursement)
    Disbursement.objects.bulk_create(new)
    for disbursement in new:
        enqueue_disbursement(disbursement.pk)
    return made


def refund(purpose, iban: str, amount, *, ref: str, beneficiary: str = "") -> Disbursement:
    """Return money held for `purpose` to a payer's IBAN (e.g. an overpayment at closure)."""
    return request_disbursement(purpose, iban, amount, ref=ref, kind=DisbursementKind.REFUND, beneficiary=beneficiary)


_together = threading.local()


@contextmanager
def disbursements_together():
    """The disbursements requested inside are executed by one task once the transaction commits
    (execute_disbursements), not by a task each: a deadline sweep's page pays its creditors
    together. The block must end inside the caller's transaction. Blocks do not nest: an inner
    one leaves its disbursements to the outer."""
    with gathered(_together) as ids:
        yield
    if ids:
        from .tasks import execute_disbursements

        enqueue_on_commit(execute_disbursements, ids)


def enqueue_disbursement(disbursement_pk: int) -> None:
    together = gathering(_together)
    if together is not None:
        together.append(disbursement_pk)
        return
    from .tasks import execute_disbursement

    enqueue_on_commit(execute_disbursement, disbursement_pk)


def _disbursement_posting(disbursement: Disbursement) -> Posting:
    payout = disbursement.kind == DisbursementKind.PAYOUT
    return Posting(
        TransactionKind.DISBURSEMENT if payout else TransactionKind.REFUND,
        disbursement.bank_ref,
        [(disbursement.holding_account.code, disbursement.amount), (LedgerAccount.COURT_TRUST, -disbursement.amount)],
        memo=f"{disbursement.kind} to {disbursement.iban}",
        purpose=disbursement.purpose,
    )


def execute_disbursements(disbursement_ids) -> list[Disbursement]:
    """execute_disbursement for many, in one transaction: the bank's transfers out of the court
    trust account made together (transfer_many), the ledger's postings too. Those no longer
    pending (or gone with a rolled-back request) are left alone. A bank error moves nothing and
    is raised, no attempt recorded: the task then gives each disbursement a task of its own."""
    with transaction.atomic():
        pending = list(
            Disbursement.objects.select_for_update(of=("self",))
            .filter(pk__in=disbursement_ids, status=DisbursementStatus.PENDING)
            .select_related("holding_account")
            .prefetch_related("purpose")
            .order_by("pk")
        )
        if not pending:
            return []
        bank = _bank()
        trust_iban = bank.court_trust_account().iban
        bank.transfer_many([bank.Transfer(trust_iban, d.iban, d.amount, d.bank_ref) for d in pending])
        txns = post_transactions(_disbursement_posting(d) for d in pending)
        now = clock.now()
        for disbursement, txn in zip(pending, txns, strict=True):
            disbursement.attempts += 1
            disbursement.status, disbursement.done_at, disbursement.last_attempt_at = DisbursementStatus.DONE, now, now
            disbursement.ledger_transaction, disbursement.last_error = txn, ""
        Disbursement.objects.bulk_update(
            pending, ["attempts", "status", "done_at", "last_attempt_at", "ledger_transaction", "last_error"]
        )

        transaction.on_commit(lambda: _send_robust(signals.disbursements_done, Disbursement, disbursements=pending))
    return pending


def execute_disbursement(disbursement_id: int) -> Disbursement:
    """Move the money at the bank and post it, once. Does nothing unless pending. On a bank
    error the attempt is recorded and the error re-raised (the task retries with backoff),
    until the last allowed attempt, which marks the disbursement failed."""
    BankError = bank_error_class()
    error = None
    with transaction.atomic():
        disbursement = Disbursement.objects.select_for_update().get(pk=disbursement_id)
        if disbursement.status != DisbursementStatus.PENDING:
            return disbursement
        now = clock.now()
        disbursement.attempts += 1
        disbursement.last_attempt_at = now
        try:
            with transaction.atomic():
                bank = _bank()
                trust_iban = bank.court_trust_account().iban
                moves = [
                    (trust_iban, bank.debit),  # out of the court trust account...
                    (disbursement.iban, bank.credit),  # ...into the beneficiary's
                ]
                for iban, move in sorted(moves, key=lambda pair: pair[0]):  # accounts locked in IBAN order
                    move(iban, disbursement.amount, disbursement.bank_ref)
                (txn,) = post_transactions([_disbursement_posting(disbursement)])
        except BankError as exc:
            disbursement.last_error = str(exc)[:500] or exc.__class__.__name__
            if disbursement.attempts >= conf.disbursement_max_attempts():
                disbursement.status = DisbursementStatus.FAILED
                transaction.on_commit(lambda: _send_disbursement(signals.disbursement_failed, disbursement_id))
            else:
                error = exc
        else:
            disbursement.status = DisbursementStatus.DONE
            disbursement.done_at = now
            disbursement.ledger_transaction = txn
            disbursement.last_error = ""
            transaction.on_commit(lambda: _send_disbursement(signals.disbursement_done, disbursement_id))
        disbursement.save()
    if error is not None:
        raise error
    return disbursement


def _send_disbursement(signal, disbursement_pk):
    disbursement = Disbursement.objects.get(pk=disbursement_pk)
    _send_robust(signal, Disbursement, disbursement=disbursement, purpose=disbursement.purpose)


@transaction.atomic
def retry_disbursement(disbursement: Disbursement, *, iban: str | None = None) -> Disbursement:
    """Put a failed disbursement back in the queue, optionally to a corrected IBAN."""
    disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if disbursement.status != DisbursementStatus.FAILED:
        return disbursement
    if iban is not None:
        iban = normalize_iban(iban)
        if not is_valid_saudi_iban(iban):
            raise ValidationError(_("Enter a valid Saudi IBAN: 24 characters starting with SA."), code="invalid_iban")
        disbursement.iban = iban
    disbursement.status = DisbursementStatus.PENDING
    disbursement.attempts = 0
    disbursement.save(update_fields=["iban", "status", "attempts"])
    enqueue_disbursement(disbursement.pk)
    return disbursement


def requeue_stalled_disbursements(batch_size: int = 200) -> int:
    """Safety net for a lost task: re-enqueue pending disbursements nobody tried lately."""
    cutoff = clock.now() - conf.stalled_after()
    ids = list(
        Disbursement.objects.filter(status=DisbursementStatus.PENDING)
        .filter(Q(last_attempt_at__lte=cutoff) | Q(last_attempt_at__isnull=True, requested_at__lte=cutoff))
        .values_list("pk", flat=True)[:batch_size]
    )
    from .tasks import execute_disbursement

    for pk in ids:
        enqueue(execute_disbursement, pk)
    return len(ids)
