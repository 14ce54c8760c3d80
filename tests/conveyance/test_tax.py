"""The real-estate transaction tax: registered with the tax authority once the checks pass, due
before the transfer, invoiced on its own, held in the tax authority's ledger account (never the
seller's), recorded on the new deed by its receipt number, refunded when the transfer fails."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse

from conveyance import services
from conveyance.states import Status
from najiz.registries import services as registries
from payments import services as payments
from payments.models import Disbursement, LedgerEntry
from tests.factories import registries as factories

from .helpers import accept_offer, file_sale, pay, pay_price, pay_tax, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def _balance(account):
    account.refresh_from_db()
    return account.balance


def _ledger_total():
    return LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]


def _tax_account(conveyance):
    return -payments.balance(f"tax_authority:{conveyance.tax_number}")


def _tax_collected(conveyance):
    return payments.collected_for(registries.tax_transaction(conveyance.tax_number))


def _authority_balance():
    return _balance(registries.tax_authority_account())


def _offered(sale, run, price="1200000.00", **extra):
    conveyance = run(file_sale, sale, price=price, **extra)
    return reload(conveyance)


def test_the_tax_is_five_percent_paid_by_the_seller_before_the_transfer(sale, run, client):
    conveyance = _offered(sale, run)
    assert conveyance.status == Status.AWAITING_BUYER
    assert (conveyance.tax_amount, conveyance.tax_exempt_amount, conveyance.tax_payer) == (
        Decimal("60000.00"), Decimal("0.00"), "seller")
    record = registries.tax_transaction(conveyance.tax_number)
    assert record.deed_number == sale.deed.number and record.price == Decimal("1200000.00")
    assert record.seller_ids == [sale.seller.national_id] and record.buyer_ids == [sale.buyer.national_id]

    # Before anyone pays, the offer shows the price, the tax, who pays it and what comes next.
    client.force_login(sale.buyer_user)
    page = client.get(reverse("conveyance:offer", args=[conveyance.number])).content.decode()
    assert "60,000.00" in page and "1,200,000.00" in page and "البائع" in page and 'data-testid="next-step"' in page
    client.force_login(sale.seller_user)
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert "60,000.00" in page and 'data-testid="tax-payer"' in page

    conveyance = run(accept_offer, conveyance, user=sale.buyer_user)
    assert conveyance.tax_invoice.amount == Decimal("60000.00")
    assert conveyance.tax_invoice.payer_id_number == sale.seller.national_id
    assert conveyance.invoice.amount == Decimal("1200000.00")
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert conveyance.tax_invoice.bill_number in page  # the seller's own bill for the tax

    run(pay_price, conveyance)
    assert reload(conveyance).status == Status.AWAITING_PAYMENT  # the price alone does not transfer
    assert registries.deed(sale.deed.number).status == "suspended"
    run(pay_tax, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert conveyance.tax_receipt_number.startswith("ZR")
    assert registries.deed(conveyance.new_deed.number).tax_receipt_number == conveyance.tax_receipt_number
    assert _balance(sale.seller_account) == Decimal("1200000.00")  # the price, none of the tax
    # the tax was held for the authority, then paid out to its account once the deed transferred
    assert _tax_collected(conveyance) == Decimal("60000.00") and _tax_account(conveyance) == Decimal("0.00")
    assert _authority_balance() == Decimal("60000.00")
    assert payments.held_for(conveyance) == Decimal("0.00")
    assert _ledger_total() == 0
    assert registries.tax_transaction(conveyance.tax_number).status == "paid"
    body = client.get(f"/api/v1/conveyances/{conveyance.number}").json()  # the seller's session
    assert body["tax"] == {
        "registered": True, "transaction_number": conveyance.tax_number, "amount": "60000.00",
        "exempt_amount": "0.00", "payer": "seller", "payer_label": "البائع", "is_paid": True,
        "receipt_number": conveyance.tax_receipt_number,
    }
    assert [(s["share"], s["answer"]) for s in body["sellers"]] == [("1/1", "accepted")]
    assert body["buyer_approved_by_nafath"] is True


def test_a_first_home_pays_no_tax_on_its_first_million(sale, run):
    certificate = factories.FirstHomeCertificateFactory(person=sale.buyer)
    conveyance = _offered(sale, run, price="1500000.00", tax_payer="buyer")
    assert (conveyance.tax_amount, conveyance.tax_exempt_amount) == (Decimal("25000.00"), Decimal("1000000.00"))
    conveyance = run(accept_offer, conveyance, user=sale.buyer_user)
    assert conveyance.tax_invoice.payer_id_number == sale.buyer.national_id
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _tax_collected(conveyance) == Decimal("25000.00") and _tax_account(conveyance) == Decimal("0.00")
    assert _authority_balance() == Decimal("25000.00") and _ledger_total() == 0
    certificate.refresh_from_db()
    assert certificate.used_ref == conveyance.number
    assert registries.first_home_certificate(sale.buyer) is None


def test_a_first_home_under_a_million_owes_nothing_and_has_a_receipt_at_once(sale, run):
    factories.FirstHomeCertificateFactory(person=sale.buyer)
    conveyance = _offered(sale, run, price="800000.00")
    assert conveyance.tax_amount == Decimal("0.00")
    conveyance = run(accept_offer, conveyance, user=sale.buyer_user)
    assert conveyance.tax_invoice is None and conveyance.tax_receipt_number
    run(pay_price, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert registries.deed(conveyance.new_deed.number).tax_receipt_number == conveyance.tax_receipt_number
    assert _ledger_total() == 0


@override_settings(CONVEYANCE_TAX_RATE="0.025")
def test_the_rate_is_a_setting(sale, run):
    assert _offered(sale, run, price="1000000.01").tax_amount == Decimal("25000.00")


def test_a_conveyance_rejected_at_the_transfer_refunds_the_tax_too(sale, run):
    seller_before = _balance(sale.seller_account)
    conveyance = run(accept_offer, _offered(sale, run), user=sale.buyer_user)
    registries.place_seizure(sale.deed, by="محكمة التنفيذ بالرياض", ref="EN-2025-000778")
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    refunds = Disbursement.objects.filter(kind="refund", status="done").order_by("id")
    assert sorted(d.amount for d in refunds) == [Decimal("60000.00"), Decimal("1200000.00")]
    assert _balance(sale.seller_account) == seller_before + Decimal("60000.00")  # the tax back to the seller
    assert _tax_account(conveyance) == Decimal("0.00") and payments.held_for(conveyance) == Decimal("0.00")
    assert registries.tax_transaction(conveyance.tax_number).status == "refunded"
    assert _ledger_total() == 0


def test_cancelling_after_the_tax_is_paid_refunds_it(sale, run):
    conveyance = run(accept_offer, _offered(sale, run), user=sale.buyer_user)
    run(pay_tax, conveyance)
    run(services.cancel, reload(conveyance), user=sale.seller_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.CANCELLED and _tax_account(conveyance) == Decimal("0.00")
    assert registries.tax_transaction(conveyance.tax_number).status == "refunded"


@pytest.mark.parametrize("payer", ["notary", "", "seller\x00", "x" * 500])
def test_a_tax_payer_who_is_not_a_party_is_refused(sale, payer):
    with pytest.raises(services.ConveyanceError) as refused:
        file_sale(sale, tax_payer=payer)
    assert refused.value.code == "tax_payer"
    assert not registries.deed(sale.deed.number).conveyances.exists()


def test_the_form_refuses_a_tax_payer_who_is_not_a_party(client, sale):
    client.force_login(sale.seller_user)
    response = client.post(reverse("conveyance:new"), {
        "capacity": "owner", "deed_number": sale.deed.number, "buyer_id": sale.buyer.national_id,
        "price": "500000.00", "payment_method": "mada", "tax_payer": "notary",
    })
    assert response.status_code == 400
    assert "ضريبة التصرفات العقارية" in response.content.decode()
    assert not registries.deed(sale.deed.number).conveyances.exists()


def test_the_tax_is_paid_out_to_the_tax_authority_once_after_the_transfer(sale, run, client):
    from django.db import transaction

    authority_before = _authority_balance()
    conveyance = run(accept_offer, _offered(sale, run), user=sale.buyer_user)
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    payout = Disbursement.objects.get(ref=f"{conveyance.number}/tax-payout")
    assert (payout.status, payout.kind, payout.amount) == ("done", "payout", Decimal("60000.00"))
    assert payout.iban == registries.tax_authority_account().iban and payout.purpose_ref == conveyance.tax_number
    assert _authority_balance() - authority_before == conveyance.tax_amount
    assert _tax_account(conveyance) == Decimal("0.00") and _ledger_total() == 0
    with transaction.atomic():  # asked again: nothing is held, nothing more is paid
        assert services._pay_tax_out(reload(conveyance)) == ""
    assert Disbursement.objects.filter(ref__endswith="/tax-payout").count() == 1
    client.force_login(sale.seller_user)
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert 'data-testid="tax-payout"' in page and conveyance.tax_receipt_number in page

