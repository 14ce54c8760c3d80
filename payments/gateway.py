"""The payment gateway simulator (Mada card + OTP, SADAD bank screen, bank transfer).

The portal opens a checkout (`start_session`) for an invoice and an amount and sends the payer to
the simulator's pages. When the simulated bank approves, the simulator confirms to the portal
exactly as a real gateway would: a JSON body signed with HMAC-SHA256, handed to the same code
the HTTP callback endpoint runs (`callbacks.process`). A confirmation the portal did not
acknowledge is re-sent by the sweep. Card numbers and CVVs are never stored.

A bank transfer is made at the simulated bank (`bank_transfer`): the payer types the transfer
reference the invoice shows and any amount; the bank confirms each transfer by the same signed
callback (method `transfer`, with the reference), and the portal adds the transfers up.

All of it exists only with PAYMENT_GATEWAY_SIMULATOR (never in production): otherwise no session
opens, no confirmation is sent and the pages are not mounted.
"""

import hmac
import logging
import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.money import checked_amount

from . import callbacks, conf
from .models import FINAL_STATES, GatewaySession, Invoice, PaymentMethod, SessionState

logger = logging.getLogger(__name__)

FAILURE_MESSAGES = {
    "declined": _("The card issuer declined the payment."),
    "bank_timeout": _("The bank did not answer in time. No money was taken."),
    "otp": _("Too many wrong one-time passwords. No money was taken."),
    "expired": _("The payment session expired before it was completed."),
    "sadad_declined": _("Your bank declined the SADAD payment."),
    "not_payable": _("The invoice can no longer be paid with this amount. No money was taken."),
}


class SadadOutcome:
    APPROVE, DECLINE, TIMEOUT = "approve", "decline", "timeout"
    CHOICES = [
        (APPROVE, _("Approve")),
        (DECLINE, _("Decline (insufficient balance)")),
        (TIMEOUT, _("No answer from the bank")),
    ]


class StepError(Exception):
    """The step cannot be taken now (wrong state, wrong bill number, wrong OTP): nothing is paid."""

    def __init__(self, message, status_code=409):
        super().__init__(str(message))
        self.message = message
        self.status_code = status_code


def failure_message(session: GatewaySession) -> str:
    return FAILURE_MESSAGES.get(session.failure_reason, "")


def check_amount(invoice: Invoice, amount) -> Decimal:
    """The amount a checkout may take for an invoice, or ValidationError."""
    amount = checked_amount(amount, signed=True)
    if not invoice.is_payable:
        raise ValidationError(_("This invoice can no longer be paid."), code="not_payable")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
    if amount > invoice.outstanding:
        raise ValidationError(_("The amount cannot be more than the outstanding amount."), code="above_outstanding")
    if not invoice.allow_partial and amount != invoice.outstanding:
        raise ValidationError(_("This invoice must be paid in full."), code="partial_not_allowed")
    return amount


@transaction.atomic
def start_session(invoice: Invoice, amount, *, user=None) -> GatewaySession:
    if not conf.simulator_enabled():
        raise ImproperlyConfigured("the payment gateway simulator is off (PAYMENT_GATEWAY_SIMULATOR)")
    invoice = Invoice.objects.get(pk=invoice.pk)
    amount = check_amount(invoice, amount)
    now = clock.now()
    return GatewaySession.objects.create(
        token=secrets.token_urlsafe(32),
        txn_id="GW" + secrets.token_hex(10).upper(),
        invoice=invoice,
        amount=amount,
        started_by=user if user is not None and user.is_authenticated else None,
        created_at=now,
        expires_at=now + conf.gateway_session_ttl(),
    )


def _finish(session: GatewaySession, state: str, reason: str = "") -> None:
    session.state = state
    session.failure_reason = reason
    session.finished_at = clock.now()
    if state != SessionState.OTP_SENT:
        session.otp = ""
    session.save()


def _locked(token: str) -> GatewaySession:
    session = GatewaySession.objects.select_for_update().select_related("invoice").get(token=token)
    if not session.is_final and session.expires_at <= clock.now():
        _finish(session, SessionState.TIMED_OUT, "expired")
    return session


def _require(session: GatewaySession, state: str, method: str | None = None) -> None:
    if session.state != state or (method is not None and session.method != method):
        if session.is_final:
            raise StepError(_("This payment session has already ended."))
        raise StepError(_("This step is not available now."))


def _still_payable(session: GatewaySession) -> bool:
    invoice = session.invoice
    try:
        check_amount(invoice, session.amount)
    except ValidationError:
        return False
    return True


def get(token: str) -> GatewaySession:
    """The session for a token, timed out first if its time is up."""
    with transaction.atomic():
        return _locked(token)


@transaction.atomic
def choose_method(token: str, method: str) -> GatewaySession:
    session = _locked(token)
    _require(session, SessionState.STARTED)
    if method not in (PaymentMethod.MADA, PaymentMethod.SADAD):
        raise StepError(_("Choose Mada or SADAD."), status_code=400)
    session.method = method
    session.save(update_fields=["method"])
    return session


@transaction.atomic
def submit_card(token: str, *, number: str) -> GatewaySession:
    """A valid card at the simulated issuer: the declined test card fails, the timeout test card
    times out, any other card is approved and an OTP is 'sent' (shown on the simulator). The card
    form checks the expiry and CVV; the simulated issuer decides by the number alone."""
    session = _locked(token)
    _require(session, SessionState.STARTED, PaymentMethod.MADA)
    session.card_last4 = number[-4:]
    if number == conf.CARD_DECLINED:
        _finish(session, SessionState.FAILED, "declined")
    elif number == conf.CARD_TIMEOUT:
        _finish(session, SessionState.TIMED_OUT, "bank_timeout")
    else:
        session.state = SessionState.OTP_SENT
        session.otp = f"{secrets.randbelow(10**6):06d}"
        session.save()
    return session


def submit_otp(token: str, otp: str) -> GatewaySession:
    """Right OTP: the payment succeeds and the portal is told. Wrong: StepError, and after
    PAYMENTS_GATEWAY_OTP_ATTEMPTS wrong ones the payment fails."""
    wrong = False
    with transaction.atomic():
        session = _locked(token)
        _require(session, SessionState.OTP_SENT, PaymentMethod.MADA)
        if hmac.compare_digest(session.otp.encode(), (otp or "").strip().encode()):
            if _still_payable(session):
                _finish(session, SessionState.SUCCEEDED)
            else:
                _finish(session, SessionState.FAILED, "not_payable")
        else:
            session.otp_failures += 1
            if session.otp_failures >= conf.otp_attempts():
                _finish(session, SessionState.FAILED, "otp")
            else:
                session.save(update_fields=["otp_failures"])
                wrong = True
    if wrong:
        raise StepError(_("Wrong one-time password. Try again."), status_code=400)
    if session.state == SessionState.SUCCEEDED:
        deliver_callback(session.pk)
    return session


def pay_sadad(token: str, *, bill_number: str, outcome: str) -> GatewaySession:
    """The simulated bank screen: the payer types the bill number; the outcome is the bank's."""
    with transaction.atomic():
        session = _locked(token)
        _require(session, SessionState.STARTED, PaymentMethod.SADAD)
        if bill_number != session.invoice.bill_number:
            raise StepError(
                _("No bill with this number is waiting for this payment. Check the number."), status_code=400
            )
        if outcome == SadadOutcome.DECLINE:
            _finish(session, SessionState.FAILED, "sadad_declined")
        elif outcome == SadadOutcome.TIMEOUT:
            _finish(session, SessionState.TIMED_OUT, "bank_timeout")
        elif _still_payable(session):
            _finish(session, SessionState.SUCCEEDED)
        else:
            _finish(session, SessionState.FAILED, "not_payable")
    if session.state == SessionState.SUCCEEDED:
        deliver_callback(session.pk)
    return session


@transaction.atomic
def cancel(token: str) -> GatewaySession:
    session = _locked(token)
    if not session.is_final:
        _finish(session, SessionState.CANCELLED)
    return session


def bank_transfer(*, reference: str, amount, user=None) -> GatewaySession:
    """The simulated bank sends a transfer to the escrow account with this reference and tells the
    portal. A reference that names no invoice is refused (StepError) before any money moves. The
    bank does not know what the invoice still asks for: whatever arrives beyond it is returned."""
    from . import services

    if not conf.simulator_enabled():
        raise ImproperlyConfigured("the payment gateway simulator is off (PAYMENT_GATEWAY_SIMULATOR)")
    bill_number = services.bill_number_of_reference(reference)
    if bill_number is None:
        raise StepError(_("This is not a transfer reference: it is NJZ followed by the 11-digit bill number. "
                          "Check it against the invoice."), status_code=400)
    amount = checked_amount(amount, signed=True)
    if amount <= 0:
        raise StepError(_("The amount must be more than zero."), status_code=400)
    with transaction.atomic():
        invoice = Invoice.objects.filter(bill_number=bill_number).first()
        if invoice is None:
            raise StepError(_("No invoice is waiting for a transfer with this reference. Check the reference."),
                            status_code=400)
        now = clock.now()
        session = GatewaySession.objects.create(
            token=secrets.token_urlsafe(32), txn_id="BT" + secrets.token_hex(10).upper(), invoice=invoice,
            amount=amount, method=PaymentMethod.TRANSFER, state=SessionState.SUCCEEDED,
            started_by=user if user is not None and user.is_authenticated else None,
            created_at=now, expires_at=now, finished_at=now,
        )
    deliver_callback(session.pk)
    return session


def callback_body(session: GatewaySession) -> bytes:
    payload = {
        "txn_id": session.txn_id,
        "amount": str(session.amount),
        "method": session.method,
        "status": session.state,
    }
    if session.method == PaymentMethod.TRANSFER:
        from . import services

        payload["reference"] = services.transfer_reference(session.invoice)
    else:
        payload["bill_number"] = session.invoice.bill_number
    return callbacks.encode(payload)


def deliver_callback(session_pk: int) -> callbacks.Outcome | None:
    """Confirm a succeeded payment to the portal (signed), once acknowledged; never raises."""
    if not conf.simulator_enabled():
        return None
    session = GatewaySession.objects.select_related("invoice").get(pk=session_pk)
    if session.state != SessionState.SUCCEEDED or session.callback_acknowledged_at:
        return None
    GatewaySession.objects.filter(pk=session_pk).update(callback_attempts=F("callback_attempts") + 1)
    body = callback_body(session)
    try:
        outcome = callbacks.process(body, callbacks.signature(body))
    except Exception:
        logger.exception("gateway callback for %s failed; the sweep will send it again", session.txn_id)
        return None
    if outcome.status_code == 200:
        GatewaySession.objects.filter(pk=session_pk).update(callback_acknowledged_at=clock.now())
    else:
        logger.error("gateway callback for %s refused: %s %s", session.txn_id, outcome.status_code, outcome.body)
    return outcome


def sweep(batch_size: int = 200) -> dict:
    """Time out abandoned sessions; re-send unacknowledged confirmations. Idempotent."""
    if not conf.simulator_enabled():
        return {"timed_out": 0, "resent": 0}
    now = clock.now()
    timed_out = 0
    for token in (
        GatewaySession.objects.exclude(state__in=FINAL_STATES)
        .filter(expires_at__lte=now)
        .values_list("token", flat=True)[:batch_size]
    ):
        with transaction.atomic():
            timed_out += _locked(token).state == SessionState.TIMED_OUT
    resent = 0
    stale = now - timedelta(seconds=30)
    for pk in GatewaySession.objects.filter(
        state=SessionState.SUCCEEDED, callback_acknowledged_at__isnull=True, finished_at__lte=stale
    ).values_list("pk", flat=True)[:batch_size]:
        outcome = deliver_callback(pk)
        resent += bool(outcome and outcome.status_code == 200)
    return {"timed_out": timed_out, "resent": resent}
