"""A large price paid by bank transfer: the buyer's payment page shows the escrow IBAN and the
invoice's transfer reference; the simulated bank's transfers, confirmed by the signed callback,
add up in escrow until the whole price is in, and the conveyance goes on to the transfer of the
deed. Then the seller is paid, the tax authority receives exactly the tax, the ledger balances."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from conveyance import services
from conveyance.states import Status
from najiz.registries import services as registries
from payments import services as payments
from payments.models import InvoiceStatus, LedgerEntry

from .helpers import accept_offer, file_sale, pay_tax, reload

D = Decimal


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def awaiting_payment(sale, run):
    conveyance = run(accept_offer, reload(run(file_sale, sale, price="1200000.00")), user=sale.buyer_user)
    run(pay_tax, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_PAYMENT and conveyance.tax_paid
    return conveyance


def _send(client, run, reference, amount):
    return run(client.post, "/gateway/bank/", {"reference": reference, "amount": amount})


def _ledger_total():
    return LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]


def test_a_price_transferred_in_two_parts_completes_the_escrow_and_the_conveyance(sale, run, client,
                                                                                   awaiting_payment):
    conveyance = awaiting_payment
    client.force_login(sale.buyer_user)
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    reference = payments.transfer_reference(conveyance.invoice)
    assert f'data-testid="transfer-iban">{registries.court_trust_account().iban}<' in page
    assert f'data-testid="transfer-reference">{reference}<' in page

    assert _send(client, run, reference, "700000.00").status_code == 302
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_PAYMENT  # part of the price: nothing transfers yet
    assert conveyance.invoice.status == InvoiceStatus.PARTLY_PAID
    assert payments.held_for(conveyance) == D("700000.00")
    assert registries.deed(sale.deed.number).status == "suspended"
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert "500,000.00" in page  # still to transfer

    assert _send(client, run, reference, "500000.00").status_code == 302
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert conveyance.new_deed.owner_rows.get().person == sale.buyer
    sale.seller_account.refresh_from_db()
    assert sale.seller_account.balance == D("1200000.00")
    assert [p.method for p in conveyance.invoice.payments.order_by("id")] == ["transfer", "transfer"]
    authority = registries.tax_authority_account()
    assert authority.balance == conveyance.tax_amount == D("60000.00")
    assert payments.held_for(conveyance) == D("0.00") and _ledger_total() == 0


def test_a_transfer_beyond_the_price_is_returned(sale, run, client, awaiting_payment):
    conveyance = awaiting_payment
    reference = payments.transfer_reference(conveyance.invoice)
    _send(client, run, reference, "1000000.00")
    _send(client, run, reference, "300000.00")  # 100,000 more than the price
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    last = conveyance.invoice.payments.order_by("id").last()
    assert (last.applied_amount, last.refunded_amount) == (D("200000.00"), D("100000.00"))
    assert payments.held_for(conveyance) == D("0.00") and _ledger_total() == 0


def test_transfers_short_of_the_price_go_back_when_the_offer_expires(sale, run, client, awaiting_payment, travel,
                                                                      settings):
    conveyance = awaiting_payment
    _send(client, run, payments.transfer_reference(conveyance.invoice), "400000.00")
    with travel(settings.CONVEYANCE_OFFER_TTL + timedelta(minutes=1)):
        assert run(services.expire_due) == 1
    conveyance = reload(conveyance)
    assert conveyance.status == Status.EXPIRED
    sale.buyer_account.refresh_from_db()
    assert sale.buyer_account.balance == D("900000.00") + D("400000.00")  # the transfer came back
    assert payments.held_for(conveyance) == D("0.00") and _ledger_total() == 0


def test_a_wrong_reference_at_the_bank_is_refused_with_a_message(sale, run, client, awaiting_payment):
    reference = payments.transfer_reference(awaiting_payment.invoice)
    mistyped = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    response = _send(client, run, mistyped, "1200000.00")
    assert response.status_code == 400 and "المرجع" in response.content.decode()
    assert reload(awaiting_payment).status == Status.AWAITING_PAYMENT
    assert payments.held_for(awaiting_payment) == D("0.00")
