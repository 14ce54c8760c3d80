"""Bank transfers to the escrow (trust) account: the reference an invoice shows, the simulated
bank's screen, and the bank's signed confirmation at /payments/callback/ (method `transfer`, with
the reference in place of the bill number). Transfers add up on a pay-in-full invoice; what is
beyond the outstanding goes back; a forged, replayed or wrongly referenced one moves nothing."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import override_settings

from najiz.common.identifiers import is_valid_saudi_iban
from najiz.registries import services as registries
from payments import services
from payments.models import InvoiceStatus, LedgerEntry, Payment

from .conftest import new_txn_id, post_callback

D = Decimal


def _transfer(invoice, amount, **overrides):
    return {"txn_id": new_txn_id(), "reference": services.transfer_reference(invoice), "amount": amount,
            "method": "transfer", "status": "succeeded", **overrides}


def _ledger_total():
    return LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or D("0.00")


@pytest.fixture
def big_invoice(make_invoice):
    """A pay-in-full invoice of a large amount (as a conveyance's price is)."""
    return make_invoice("250000.00", allow_partial=False)


def test_the_invoice_page_shows_the_escrow_iban_and_its_own_reference(client, payer, big_invoice, make_invoice):
    client.force_login(payer)
    page = client.get(big_invoice.get_absolute_url()).content.decode()
    iban = registries.court_trust_account().iban
    assert is_valid_saudi_iban(iban)
    reference = services.transfer_reference(big_invoice)
    assert f'data-testid="transfer-iban">{iban}<' in page
    assert f'data-testid="transfer-reference">{reference}<' in page
    assert services.transfer_reference(make_invoice("300000.00")) != reference  # one reference per invoice
    small = make_invoice("1000.00")  # below PAYMENTS_BANK_TRANSFER_MIN: cards and SADAD only
    assert 'data-testid="bank-transfer"' not in client.get(small.get_absolute_url()).content.decode()


def test_transfers_add_up_on_a_pay_in_full_invoice_and_the_excess_goes_back(client, big_invoice, trust):
    first = post_callback(client, _transfer(big_invoice, "100000.00"))
    assert first.status_code == 200 and first.json()["applied"] == "100000.00", first.content
    big_invoice.refresh_from_db()
    assert (big_invoice.status, big_invoice.paid) == (InvoiceStatus.PARTLY_PAID, D("100000.00"))
    second = post_callback(client, _transfer(big_invoice, "160000.00"))
    assert second.json() | {"receipt": ""} == {"result": "recorded", "txn_id": second.json()["txn_id"], "receipt": "",
                                               "applied": "150000.00", "refunded": "10000.00"}
    big_invoice.refresh_from_db()
    assert (big_invoice.status, big_invoice.paid) == (InvoiceStatus.PAID, D("250000.00"))
    assert services.held_for(big_invoice.purpose) == D("250000.00")
    trust.refresh_from_db()
    assert trust.balance == D("250000.00")  # 260,000 in, 10,000 returned
    assert _ledger_total() == D("0.00")


def test_a_card_payment_short_of_a_pay_in_full_invoice_still_goes_back(big_invoice):
    payment, _created = services.record_gateway_payment(big_invoice, new_txn_id(), D("100000.00"), "mada")
    assert (payment.applied_amount, payment.refunded_amount) == (D("0.00"), D("100000.00"))


def test_a_replayed_transfer_is_not_counted_twice(client, big_invoice):
    payload = _transfer(big_invoice, "100000.00")
    assert post_callback(client, payload).json()["result"] == "recorded"
    again = post_callback(client, payload)
    assert again.status_code == 200 and again.json()["result"] == "already recorded"
    big_invoice.refresh_from_db()
    assert big_invoice.paid == D("100000.00") and Payment.objects.count() == 1


def test_a_replay_with_other_figures_is_refused(client, big_invoice):
    payload = _transfer(big_invoice, "100000.00")
    post_callback(client, payload)
    replay = post_callback(client, {**payload, "amount": "250000.00"})  # validly signed, other amount
    assert replay.status_code == 409 and "already recorded" in replay.json()["error"]
    big_invoice.refresh_from_db()
    assert big_invoice.paid == D("100000.00") and Payment.objects.count() == 1


@pytest.mark.parametrize("signature, status", [("sha256=" + "0" * 64, 403), (False, 401)])
def test_a_forged_transfer_is_refused_and_moves_nothing(client, big_invoice, signature, status):
    response = post_callback(client, _transfer(big_invoice, "250000.00"), signature=signature)
    assert response.status_code == status and "error" in response.json()
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_a_transfer_confirmation_changed_after_signing_is_refused(client, big_invoice):
    from payments import callbacks

    body = callbacks.encode(_transfer(big_invoice, "1.00"))
    signature = callbacks.signature(body)
    forged = body.replace(b'"1.00"', b'"250000.00"')
    response = client.post("/payments/callback/", data=forged, content_type="application/json",
                           HTTP_X_GATEWAY_SIGNATURE=signature)
    assert response.status_code == 403 and not Payment.objects.exists()


@pytest.mark.parametrize("reference, status", [
    ("", 400), ("NJZ", 400), ("12345678901", 400), (["NJZ"], 400), ("NJZ" + "0" * 11 + "\x00", 400),
    (None, 404),  # a well-formed reference of no invoice
])
def test_a_wrong_reference_is_a_4xx_with_a_message(client, big_invoice, reference, status):
    if reference is None:
        reference = "NJZ1234567890" + services.luhn_check_digit("1234567890")
    response = post_callback(client, _transfer(big_invoice, "250000.00", reference=reference))
    assert response.status_code == status and "reference" in response.json()["error"]
    assert not Payment.objects.exists()


def test_a_mistyped_digit_of_the_reference_is_caught(big_invoice):
    reference = services.transfer_reference(big_invoice)
    last = str((int(reference[-1]) + 1) % 10)
    assert services.bill_number_of_reference(reference) == big_invoice.bill_number
    assert services.bill_number_of_reference(reference[:-1] + last) is None
    assert services.bill_number_of_reference(reference.lower()) == big_invoice.bill_number


def test_the_simulated_bank_sends_the_transfer_by_the_signed_callback(client, payer, big_invoice,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(payer)
    reference = services.transfer_reference(big_invoice)
    page = client.get(f"/gateway/bank/?reference={reference}").content.decode()
    assert registries.court_trust_account().iban in page and reference in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gateway/bank/", {"reference": reference, "amount": "250000.00"})
    assert response.status_code == 302 and response.url == big_invoice.get_absolute_url()
    payment = Payment.objects.get()
    assert (payment.method, payment.applied_amount, payment.gateway_txn_id[:2]) == ("transfer", D("250000.00"), "BT")
    assert "تحويل بنكي" in client.get(big_invoice.get_absolute_url()).content.decode()


@pytest.mark.parametrize("reference", ["NJZ1", "abc", "NJZ" + "9" * 11])
def test_the_simulated_bank_refuses_a_wrong_reference_with_a_message(client, big_invoice, reference):
    response = client.post("/gateway/bank/", {"reference": reference, "amount": "1000.00"})
    assert response.status_code == 400
    assert "المرجع" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_simulated_bank_refuses_a_reference_of_no_invoice(client, big_invoice):
    reference = "NJZ1234567890" + services.luhn_check_digit("1234567890")
    response = client.post("/gateway/bank/", {"reference": reference, "amount": "1000.00"})
    assert response.status_code == 400 and "لا توجد فاتورة" in response.content.decode()
    assert not Payment.objects.exists()


@override_settings(PAYMENT_GATEWAY_SIMULATOR=False)
def test_without_the_simulator_there_is_no_bank_screen(client, db):
    assert client.get("/gateway/bank/").status_code == 404
