"""Invoices, gateway payments, the double-entry ledger and disbursements.

Money is Decimal SAR with two places. Ledger amounts are signed: positive = debit, negative =
credit; every ledger transaction's entries sum to zero and a balance is the sum of an account's
entries, computed by query (never stored). Ledger rows and payments are never updated or deleted:
a database trigger refuses it on PostgreSQL and the model/queryset guards refuse it everywhere.
"""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy as _

from najiz.common import clock
from najiz.common.money import ZERO, MoneyField


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete a row the ledger keeps forever."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRowError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise ImmutableRowError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """Model-level guard (SQLite has no trigger): a stored row is never saved again or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{type(self).__name__} rows are append-only.")


# --- Ledger ---------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")


class LedgerAccount(models.Model):
    """A ledger account: `court_trust` (asset), `case_payable:<ref>` / `escrow:<ref>` (money held
    for a case, liability), `refunds` (overpayments owed back to payers, liability)."""

    COURT_TRUST = "court_trust"
    REFUNDS = "refunds"

    code = models.CharField(_("code"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self):
        return self.code


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", _("Payment received")
    SEIZURE = "seizure", _("Seized funds")
    DISBURSEMENT = "disbursement", _("Disbursement")
    REFUND = "refund", _("Refund")


class LedgerTransaction(AppendOnlyModel):
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    ref = models.CharField(_("reference"), max_length=100, db_index=True)
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    purpose_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose_id = models.PositiveBigIntegerField(null=True, blank=True)
    purpose = GenericForeignKey("purpose_type", "purpose_id")
    at = models.DateTimeField(_("at"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        indexes = [models.Index(fields=["purpose_type", "purpose_id"])]
        # One movement is never posted twice: every poster uses a reference unique to it.
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="ledger_transaction_once_per_ref")]
        triggers = [
            pgtrigger.Protect(name="ledger_transaction_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.kind} {self.ref}"


class LedgerEntry(AppendOnlyModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = MoneyField(_("amount (debit +, credit -)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]
        triggers = [
            pgtrigger.Protect(name="ledger_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # Checked at COMMIT, once all the entries of a transaction are in.
            pgtrigger.Trigger(
                name="ledger_entry_balanced",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                func=pgtrigger.Func(
                    """
                    IF (SELECT COALESCE(SUM({columns.amount}), 0) FROM {meta.db_table}
                        WHERE {columns.transaction} = NEW.{columns.transaction}) <> 0 THEN
                        RAISE EXCEPTION 'ledger transaction % does not balance', NEW.{columns.transaction};
                    END IF;
                    RETURN NULL;
                    """
                ),
            ),
        ]

    def __str__(self):
        return f"{self.account.code} {self.amount}"


# --- Invoices -------------------------------------------------------------------------------


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (InvoiceStatus.UNPAID, InvoiceStatus.PARTLY_PAID)


class PayerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTITY = "entity", _("Entity")


class Invoice(models.Model):
    """A SADAD-style bill for a purpose (an enforcement request, a conveyance, ...).

    `paid` is maintained by the payment service under a row lock on the invoice and always equals
    the sum of the payments' applied amounts.
    """

    bill_number = models.CharField(_("bill number"), max_length=11, unique=True)
    biller_code = models.CharField(_("biller code"), max_length=6)
    payer_kind = models.CharField(_("payer kind"), max_length=10, choices=PayerKind.choices, default=PayerKind.PERSON)
    payer_id_number = models.CharField(_("payer ID / CR number"), max_length=20, db_index=True)
    payer_name_ar = models.CharField(_("payer name (Arabic)"), max_length=200, blank=True)
    payer_name_en = models.CharField(_("payer name (English)"), max_length=200, blank=True)
    payer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    amount = MoneyField(_("amount"))
    paid = MoneyField(_("paid"), default=ZERO)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.UNPAID, db_index=True
    )
    allow_partial = models.BooleanField(_("partial payments allowed"), default=False)
    purpose_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    purpose_id = models.PositiveBigIntegerField()
    purpose = GenericForeignKey("purpose_type", "purpose_id")
    purpose_ref = models.CharField(_("case number"), max_length=100)
    holding_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="invoices")
    description_ar = models.CharField(_("description (Arabic)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("issued"), default=clock.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [models.Index(fields=["purpose_type", "purpose_id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="invoice_paid_within_amount"
            ),
        ]

    def __str__(self):
        return self.bill_number

    def get_absolute_url(self):
        return reverse("payments:invoice_detail", args=[self.bill_number])

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid if self.status in OPEN_STATUSES else ZERO

    @property
    def is_expired(self) -> bool:
        return self.status == InvoiceStatus.EXPIRED or (
            self.status in OPEN_STATUSES and self.expires_at is not None and self.expires_at <= clock.now()
        )

    @property
    def is_payable(self) -> bool:
        return self.status in OPEN_STATUSES and not self.is_expired and self.outstanding > 0

    @property
    def description(self) -> str:
        if (get_language() or "ar").startswith("en"):
            return self.description_en or self.description_ar
        return self.description_ar or self.description_en

    @property
    def payer_name(self) -> str:
        if (get_language() or "ar").startswith("en"):
            return self.payer_name_en or self.payer_name_ar or self.payer_id_number
        return self.payer_name_ar or self.payer_name_en or self.payer_id_number

    @property
    def status_tone(self) -> str:
        return {
            InvoiceStatus.UNPAID: "warning",
            InvoiceStatus.PARTLY_PAID: "info",
            InvoiceStatus.PAID: "success",
            InvoiceStatus.CANCELLED: "neutral",
            InvoiceStatus.EXPIRED: "danger",
        }.get(self.status, "neutral")


class PaymentMethod(models.TextChoices):
    MADA = "mada", _("Mada card")
    SADAD = "sadad", _("SADAD")
    TRANSFER = "transfer", _("Bank transfer")


class Payment(AppendOnlyModel):
    """Money the gateway confirmed for an invoice. `applied_amount` went to the invoice; any
    excess (`refunded_amount`, e.g. two checkouts racing for the same outstanding) was refunded
    to the payer through the gateway in the same transaction."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    gateway_txn_id = models.CharField(_("gateway transaction"), max_length=64, unique=True)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    amount = MoneyField(_("amount received"))
    applied_amount = MoneyField(_("applied to the invoice"))
    refunded_amount = MoneyField(_("refunded"), default=ZERO)
    received_at = models.DateTimeField(_("received"), default=clock.now)
    ledger_transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="payment")
    refund_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_payment"
    )

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount=F("applied_amount") + F("refunded_amount")), name="payment_amount_split"
            ),
        ]
        triggers = [pgtrigger.Protect(name="payment_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return self.receipt_number

    @property
    def receipt_number(self) -> str:
        return f"RC-{self.received_at:%Y}-{self.pk:06d}"

    def get_receipt_url(self):
        return reverse("payments:receipt", args=[self.pk])


# --- Gateway simulator ----------------------------------------------------------------------


class SessionState(models.TextChoices):
    STARTED = "started", _("Started")
    OTP_SENT = "otp_sent", _("Waiting for the one-time password")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    TIMED_OUT = "timed_out", _("Timed out")


FINAL_STATES = (SessionState.SUCCEEDED, SessionState.FAILED, SessionState.CANCELLED, SessionState.TIMED_OUT)


class GatewaySession(models.Model):
    """One checkout at the simulated gateway. Card numbers and CVVs are never stored."""

    token = models.CharField(max_length=64, unique=True)
    txn_id = models.CharField(_("gateway transaction"), max_length=64, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="gateway_sessions")
    amount = MoneyField(_("amount"))
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=SessionState.choices, default=SessionState.STARTED)
    otp = models.CharField(max_length=6, blank=True)
    otp_failures = models.PositiveSmallIntegerField(default=0)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_reason = models.CharField(max_length=30, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    callback_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gateway session")
        verbose_name_plural = _("gateway sessions")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="gateway_session_amount_positive")]

    def __str__(self):
        return self.txn_id

    def get_absolute_url(self):
        return reverse("gateway:session", args=[self.token])

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


# --- Disbursements --------------------------------------------------------------------------


class DisbursementKind(models.TextChoices):
    PAYOUT = "payout", _("Payout")
    REFUND = "refund", _("Refund")


class DisbursementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Disbursement(models.Model):
    """Money paid out of what a purpose holds to an IBAN through the banks registry. Executed under
    a row lock and only from `pending`, so it is done at most once; retried until done."""

    purpose_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    purpose_id = models.PositiveBigIntegerField()
    purpose = GenericForeignKey("purpose_type", "purpose_id")
    purpose_ref = models.CharField(_("case number"), max_length=100)
    ref = models.CharField(_("reference"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=DisbursementKind.choices, default=DisbursementKind.PAYOUT)
    iban = models.CharField(_("IBAN"), max_length=34)
    beneficiary = models.CharField(_("beneficiary"), max_length=200, blank=True)
    amount = MoneyField(_("amount"))
    holding_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="disbursements")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=clock.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    ledger_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursement"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose_type", "purpose_id", "ref"], name="disbursement_ref_unique_per_purpose"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(ledger_transaction__isnull=False, done_at__isnull=False),
                name="disbursement_done_is_posted",
            ),
        ]

    def __str__(self):
        return f"{self.purpose_ref} {self.ref}"

    @property
    def bank_ref(self) -> str:
        """The reference given to the bank: unique per disbursement, so the bank's own
        idempotency on (operation, ref) can never merge two disbursements of one case."""
        return f"{self.purpose_ref}/D{self.pk}"
