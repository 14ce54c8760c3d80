"""Invoices and the payment service (record_gateway_payment) without HTTP."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from najiz.common import clock
from payments import selectors, services, signals
from payments.models import InvoiceStatus, LedgerAccount, LedgerTransaction, Payment, PaymentMethod
from tests.factories.registries import DeedFactory

from .conftest import new_txn_id

D = Decimal


def test_invoice_gets_a_checked_bill_number_and_holding_account(make_invoice, case, payer):
    invoice = make_invoice("1500.00")
    assert len(invoice.bill_number) == 11 and services.is_valid_bill_number(invoice.bill_number)
    assert invoice.status == InvoiceStatus.UNPAID and invoice.outstanding == D("1500.00")
    assert invoice.payer_user == payer and invoice.payer_id_number == payer.national_id
    assert invoice.purpose == case and invoice.purpose_ref == case.number
    assert invoice.holding_account.code == f"case_payable:{case.number}"
    wrong = invoice.bill_number[:-1] + str((int(invoice.bill_number[-1]) + 1) % 10)
    assert not services.is_valid_bill_number(wrong)


def test_conveyance_purposes_hold_money_in_escrow(db, settings):
    deed = DeedFactory()
    settings.PAYMENTS_HOLDING_PREFIXES = {"registries": "escrow"}
    assert services.holding_account_code(deed) == f"escrow:{deed.number}"


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001"])
def test_invoice_amount_must_be_positive_money(make_invoice, amount):
    with pytest.raises(ValidationError):
        make_invoice(amount)


def test_partial_then_full_payment(make_invoice, case, django_capture_on_commit_callbacks):
    invoice = make_invoice("1000.00", allow_partial=True)
    heard = []

    def receiver(sender, invoice, payment, purpose, **kw):
        heard.append((invoice.status, payment.applied_amount, purpose))

    signals.invoice_paid.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            payment, created = services.record_gateway_payment(invoice, new_txn_id(), D("400.00"), PaymentMethod.MADA)
        assert created and payment.applied_amount == D("400.00")
        invoice.refresh_from_db()
        assert (invoice.status, invoice.paid, invoice.outstanding) == (
            InvoiceStatus.PARTLY_PAID,
            D("400.00"),
            D("600.00"),
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.record_gateway_payment(invoice.bill_number, new_txn_id(), D("600.00"), PaymentMethod.SADAD)
    finally:
        signals.invoice_paid.disconnect(receiver)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid, invoice.outstanding) == (InvoiceStatus.PAID, D("1000.00"), D("0.00"))
    assert invoice.closed_at is not None
    assert heard == [(InvoiceStatus.PARTLY_PAID, D("400.00"), case), (InvoiceStatus.PAID, D("600.00"), case)]
    assert services.held_for(case) == D("1000.00") == services.collected_for(case)
    assert services.balance(LedgerAccount.COURT_TRUST) == D("1000.00")


def test_a_repeated_confirmation_changes_nothing(make_invoice):
    invoice = make_invoice("300.00")
    txn_id = new_txn_id()
    first, created = services.record_gateway_payment(invoice, txn_id, D("300.00"), PaymentMethod.MADA)
    again, created_again = services.record_gateway_payment(invoice, txn_id, D("300.00"), PaymentMethod.MADA)
    assert created and not created_again and first == again
    assert Payment.objects.count() == 1 and LedgerTransaction.objects.count() == 1


def test_pay_in_full_invoice_refunds_a_partial_amount(make_invoice, trust):
    """Conveyance is paid in full: a partial confirmation is recorded and returned, nothing applied."""
    invoice = make_invoice("2000.00", allow_partial=False)
    payment, _ = services.record_gateway_payment(invoice, new_txn_id(), D("500.00"), PaymentMethod.MADA)
    invoice.refresh_from_db()
    assert (payment.applied_amount, payment.refunded_amount) == (D("0.00"), D("500.00"))
    assert invoice.status == InvoiceStatus.UNPAID and invoice.paid == D("0.00")
    assert services.balance(LedgerAccount.COURT_TRUST) == D("0.00")
    assert services.balance(LedgerAccount.REFUNDS) == D("0.00")
    trust.refresh_from_db()
    assert trust.balance == D("0.00")


def test_overpayment_is_capped_and_the_excess_returned(make_invoice, case, trust):
    invoice = make_invoice("1000.00")
    payment, _ = services.record_gateway_payment(invoice, new_txn_id(), D("1250.00"), PaymentMethod.SADAD)
    invoice.refresh_from_db()
    assert (payment.applied_amount, payment.refunded_amount) == (D("1000.00"), D("250.00"))
    assert invoice.status == InvoiceStatus.PAID
    assert services.held_for(case) == D("1000.00")
    assert services.balance(LedgerAccount.COURT_TRUST) == D("1000.00")
    trust.refresh_from_db()
    assert trust.balance == D("1000.00")  # the bank agrees with the ledger


@pytest.mark.parametrize("closing", ["cancel", "expire"])
def test_a_closed_invoice_takes_nothing(make_invoice, closing, travel):
    invoice = make_invoice("100.00", expires_at=clock.now() + timedelta(days=1))
    if closing == "cancel":
        services.cancel_invoice_remainder(invoice)
        payment, _ = services.record_gateway_payment(invoice, new_txn_id(), D("100.00"), PaymentMethod.MADA)
    else:
        with travel(timedelta(days=2)):
            payment, _ = services.record_gateway_payment(invoice, new_txn_id(), D("100.00"), PaymentMethod.MADA)
    invoice.refresh_from_db()
    assert payment.refunded_amount == D("100.00") and invoice.paid == D("0.00")
    assert invoice.status == (InvoiceStatus.CANCELLED if closing == "cancel" else InvoiceStatus.EXPIRED)


def test_cancel_remainder_keeps_what_was_paid(make_invoice):
    invoice = make_invoice("1000.00")
    services.record_gateway_payment(invoice, new_txn_id(), D("250.00"), PaymentMethod.MADA)
    invoice = services.cancel_invoice_remainder(invoice)
    assert (invoice.status, invoice.paid, invoice.outstanding) == (InvoiceStatus.CANCELLED, D("250.00"), D("0.00"))
    assert services.cancel_invoice_remainder(invoice).status == InvoiceStatus.CANCELLED


def test_amend_invoice_amount(make_invoice):
    invoice = make_invoice("1000.00")
    services.record_gateway_payment(invoice, new_txn_id(), D("400.00"), PaymentMethod.MADA)
    with pytest.raises(ValidationError):
        services.amend_invoice_amount(invoice, D("300.00"))
    assert services.amend_invoice_amount(invoice, D("1200.00")).outstanding == D("800.00")
    invoice = services.amend_invoice_amount(invoice, D("400.00"))
    assert invoice.status == InvoiceStatus.PAID


def test_open_invoices_of_many_purposes_are_locked_and_amended_together(make_invoice, django_assert_num_queries):
    """A sweep's page brings its invoices up to date in two statements: the newest open invoice of
    each purpose locked, then every amendment written; a refusal leaves all of them as they were."""
    from tests.factories.registries import InstrumentFactory

    cases = [InstrumentFactory() for _ in range(3)]
    make_invoice("100.00", purpose=cases[0])
    newest = make_invoice("200.00", purpose=cases[0])
    second = make_invoice("300.00", purpose=cases[1])
    services.record_gateway_payment(second, new_txn_id(), D("50.00"), PaymentMethod.MADA)
    with django_assert_num_queries(2):
        invoices = services.lock_open_invoices(cases)
        services.amend_locked_invoices([(invoices[cases[0].pk], D("150.00")), (invoices[cases[1].pk], D("50.00"))])
    assert set(invoices) == {cases[0].pk, cases[1].pk} and invoices[cases[0].pk].pk == newest.pk
    newest.refresh_from_db()
    second.refresh_from_db()
    assert (newest.amount, newest.status) == (D("150.00"), InvoiceStatus.UNPAID)
    assert (second.amount, second.status, second.closed_at is not None) == (D("50.00"), InvoiceStatus.PAID, True)

    third = make_invoice("300.00", purpose=cases[2])
    services.record_gateway_payment(third, new_txn_id(), D("100.00"), PaymentMethod.MADA)
    invoices = services.lock_open_invoices(cases)
    with pytest.raises(ValidationError):
        services.amend_locked_invoices([(invoices[cases[0].pk], D("120.00")), (invoices[cases[2].pk], D("90.00"))])
    newest.refresh_from_db()
    assert newest.amount == D("150.00")


def test_expiry_sweep_is_idempotent(make_invoice, travel):
    invoice = make_invoice("100.00", expires_at=clock.now() + timedelta(hours=1))
    make_invoice("100.00")  # no expiry
    with travel(timedelta(hours=2)):
        assert services.expire_invoices() == 1
        assert services.expire_invoices() == 0
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.EXPIRED


def test_selectors(make_invoice, case, payer, other_user):
    invoice = make_invoice("100.00")
    assert list(selectors.invoices_for(case)) == [invoice]
    assert selectors.open_invoice_for(case) == invoice
    assert list(selectors.invoices_visible_to(payer)) == [invoice]
    assert not selectors.invoices_visible_to(other_user).exists()


def test_invoice_for_an_entity_is_visible_only_when_acting_for_it(db, case, payer):
    from tests.factories.registries import EntityFactory

    entity = EntityFactory()
    invoice = services.create_invoice(
        purpose=case, payer=entity, amount=D("10.00"), description_ar="ف", description_en="i", allow_partial=True
    )
    assert invoice.payer_kind == "entity" and invoice.payer_user is None
    assert not selectors.invoices_visible_to(payer).exists()
    assert list(selectors.invoices_visible_to(payer, entity)) == [invoice]
