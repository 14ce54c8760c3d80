"""The gateway's signed server-to-server callback at /payments/callback/."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from najiz.registries import services as registries
from payments import callbacks
from payments.models import Invoice, InvoiceStatus, LedgerEntry, LedgerTransaction, Payment

from .conftest import new_txn_id, post_callback

D = Decimal


def _payload(invoice, amount="1000.00", **overrides):
    return {
        "txn_id": new_txn_id(),
        "bill_number": invoice.bill_number,
        "amount": amount,
        "method": "mada",
        "status": "succeeded",
        **overrides,
    }


def test_signed_callback_records_the_payment_once(client, make_invoice):
    invoice = make_invoice("1000.00")
    payload = _payload(invoice)
    response = post_callback(client, payload)
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "recorded"
    again = post_callback(client, payload)
    assert again.status_code == 200 and again.json()["result"] == "already recorded"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert Payment.objects.count() == 1 and LedgerTransaction.objects.count() == 1


@pytest.mark.parametrize(
    "signature, status",
    [
        ("sha256=" + "0" * 64, 403),
        ("sha256=deadbeef", 403),
        ("md5=abc", 403),
        ("", 401),
        (False, 401),
    ],
)
def test_forged_callback_is_refused_and_changes_nothing(client, make_invoice, signature, status):
    invoice = make_invoice("1000.00")
    response = post_callback(client, _payload(invoice), signature=signature)
    assert response.status_code == status
    assert "error" in response.json()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid) == (InvoiceStatus.UNPAID, D("0.00"))
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_signature_of_another_body_is_refused(client, make_invoice):
    invoice = make_invoice("1000.00")
    genuine = callbacks.encode(_payload(invoice, amount="1.00"))
    tampered = _payload(invoice, amount="1000.00")
    response = post_callback(client, tampered, signature=callbacks.signature(genuine))
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_callback_signed_with_another_secret_is_refused(client, make_invoice, settings):
    invoice = make_invoice("1000.00")
    genuine_secret = settings.GATEWAY_SECRET
    settings.GATEWAY_SECRET = "attacker-secret"
    body = callbacks.encode(_payload(invoice))
    forged = callbacks.signature(body)
    settings.GATEWAY_SECRET = genuine_secret
    response = post_callback(client, {}, body=body, signature=forged)
    assert response.status_code == 403
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"txn_id": "ABCDEF12"}', 400),
    ],
)
def test_malformed_bodies_get_400(client, db, body, status):
    response = post_callback(client, {}, body=body)
    assert response.status_code == status and "error" in response.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "abc"},
        {"amount": "-5.00"},
        {"amount": "0"},
        {"amount": "1.005"},
        {"amount": True},
        {"amount": 1.005},
        {"amount": "1e999999"},
        {"amount": "1e2"},
        {"amount": "1000000000000.00"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"amount": None},
        {"method": "visa"},
        {"status": "maybe"},
        {"txn_id": "x"},
        {"txn_id": "a b c d e f"},
        {"bill_number": "12345"},
    ],
)
def test_invalid_fields_get_400_and_change_nothing(client, make_invoice, overrides):
    invoice = make_invoice("1000.00")
    response = post_callback(client, _payload(invoice, **overrides))
    assert response.status_code == 400, response.content
    assert not Payment.objects.exists()


def test_numeric_amounts_are_read_exactly(client, make_invoice):
    invoice = make_invoice("1000.00")
    body = callbacks.encode(_payload(invoice, amount="X")).replace(b'"X"', b"250.10")
    response = post_callback(client, {}, body=body)
    assert response.status_code == 200, response.content
    assert Payment.objects.get().amount == D("250.10")


def test_unknown_bill_is_404(client, db):
    from payments.services import new_bill_number

    response = post_callback(
        client,
        {
            "txn_id": new_txn_id(),
            "bill_number": new_bill_number(),
            "amount": "1.00",
            "method": "mada",
            "status": "succeeded",
        },
    )
    assert response.status_code == 404


def test_failed_payment_notice_is_acknowledged_and_ignored(client, make_invoice):
    invoice = make_invoice("1000.00")
    response = post_callback(client, _payload(invoice, status="failed"))
    assert response.status_code == 200 and response.json()["result"] == "ignored"
    assert not Payment.objects.exists()


def test_callback_accepts_only_post(client, db):
    assert client.get("/payments/callback/").status_code == 405


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_duplicate_callbacks_record_one_payment(make_invoice):
    invoice = make_invoice("1000.00", allow_partial=True)
    registries.court_trust_account()
    payload = _payload(invoice, amount="400.00")
    threads_count = 50
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def deliver():
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = post_callback(client, payload)
            results.append((response.status_code, response.json().get("result")))
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == threads_count
    assert all(code == 200 for code, _ in results), results
    assert sorted(result for _, result in results).count("recorded") == 1
    assert Payment.objects.filter(gateway_txn_id=payload["txn_id"]).count() == 1
    assert LedgerTransaction.objects.count() == 1
    assert LedgerEntry.objects.count() == 2
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.paid, invoice.status) == (D("400.00"), InvoiceStatus.PARTLY_PAID)
    trust = registries.court_trust_account()
    assert trust.balance == D("400.00")
