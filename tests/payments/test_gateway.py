"""Paying invoices through the gateway simulator end to end over HTTP (Mada and SADAD)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from najiz.registries import services as registries
from payments import conf, gateway, services
from payments.models import GatewaySession, InvoiceStatus, LedgerAccount, LedgerTransaction, Payment, SessionState

D = Decimal
OTP_RE = re.compile(r'data-testid="otp">(\d{6})<')


def _start(client, invoice, amount):
    response = client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": amount})
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    assert url.startswith("/gateway/s/")
    return url


def _choose(client, url, method):
    page = client.get(url)
    assert page.status_code == 200 and 'name="method"' in page.content.decode()
    response = client.post(url + "method/", {"method": method})
    assert response.status_code == 302 and response["Location"] == url


def pay_by_mada(client, invoice, amount, *, card=conf.CARD_APPROVED):
    url = _start(client, invoice, amount)
    _choose(client, url, "mada")
    response = client.post(url + "card/", {"number": card, "expiry": "12/39", "cvv": "123"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    match = OTP_RE.search(page)
    if not match:
        return url, None
    response = client.post(url + "otp/", {"otp": match.group(1)})
    return url, response


def pay_by_sadad(client, invoice, amount, *, outcome="approve", bill_number=None):
    url = _start(client, invoice, amount)
    _choose(client, url, "sadad")
    page = client.get(url).content.decode()
    assert 'name="bill_number"' in page
    response = client.post(url + "sadad/", {"bill_number": bill_number or invoice.bill_number, "outcome": outcome})
    return url, response


def _invoice_page(client, invoice):
    response = client.get(f"/payments/invoices/{invoice.bill_number}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def payer_client(client, payer):
    client.force_login(payer)
    return client


def test_mada_full_payment_end_to_end(payer_client, make_invoice, case):
    invoice = make_invoice("1500.00", allow_partial=False)
    _url, response = pay_by_mada(payer_client, invoice, "1500.00")
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid) == (InvoiceStatus.PAID, D("1500.00"))
    payment = Payment.objects.get()
    assert payment.method == "mada" and payment.gateway_txn_id == GatewaySession.objects.get().txn_id
    page = _invoice_page(payer_client, invoice)
    assert payment.get_receipt_url() in page
    assert "مدفوعة" in page
    receipt = payer_client.get(payment.get_receipt_url())
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert services.held_for(case) == D("1500.00")
    assert GatewaySession.objects.get().callback_acknowledged_at is not None


def test_mada_partial_then_sadad_rest(payer_client, make_invoice, case):
    invoice = make_invoice("1000.00", allow_partial=True)
    _url, response = pay_by_mada(payer_client, invoice, "300.00")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid, invoice.outstanding) == (InvoiceStatus.PARTLY_PAID, D("300.00"), D("700.00"))
    assert "مدفوعة جزئيًا" in _invoice_page(payer_client, invoice) or "مدفوعة جزئياً" in _invoice_page(
        payer_client, invoice
    )
    _url, response = pay_by_sadad(payer_client, invoice, "700.00")
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid) == (InvoiceStatus.PAID, D("1000.00"))
    assert sorted(Payment.objects.values_list("method", flat=True)) == ["mada", "sadad"]
    assert services.held_for(case) == D("1000.00")
    assert registries.court_trust_account().balance == services.balance(LedgerAccount.COURT_TRUST) == D("1000.00")


def test_sadad_full_and_partial(payer_client, make_invoice):
    invoice = make_invoice("800.00", allow_partial=True)
    _url, response = pay_by_sadad(payer_client, invoice, "200.00")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTLY_PAID
    full = make_invoice("450.00", allow_partial=False)
    _url, response = pay_by_sadad(payer_client, full, "450.00")
    full.refresh_from_db()
    assert full.status == InvoiceStatus.PAID and Payment.objects.filter(invoice=full, method="sadad").exists()


def test_pay_in_full_invoice_refuses_a_partial_amount_at_checkout(payer_client, make_invoice):
    invoice = make_invoice("2000.00", allow_partial=False)
    response = payer_client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": "500.00"})
    assert response.status_code == 400
    assert "كاملة" in response.content.decode() or "in full" in response.content.decode()
    assert not GatewaySession.objects.exists()


@pytest.mark.parametrize(
    "amount", ["1000.01", "0", "-1", "abc", "", "1.001", "1e999999", "NaN", "x" * 30, "1e2", "5E1", "1,00"]
)
def test_bad_amounts_at_checkout_are_400(payer_client, make_invoice, amount):
    invoice = make_invoice("1000.00", allow_partial=True)
    response = payer_client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": amount})
    assert response.status_code == 400
    assert not GatewaySession.objects.exists()


def test_arabic_digits_are_accepted(payer_client, make_invoice):
    invoice = make_invoice("1000.00", allow_partial=True)
    response = payer_client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": "٢٥٠٫٥٠"})
    assert response.status_code == 302
    assert GatewaySession.objects.get().amount == D("250.50")


@pytest.mark.parametrize(
    "card, state, reason",
    [
        (conf.CARD_DECLINED, SessionState.FAILED, "declined"),
        (conf.CARD_TIMEOUT, SessionState.TIMED_OUT, "bank_timeout"),
    ],
)
def test_declined_and_timing_out_cards_take_nothing(payer_client, make_invoice, card, state, reason):
    invoice = make_invoice("100.00")
    url, response = pay_by_mada(payer_client, invoice, "100.00", card=card)
    assert response is None
    session = GatewaySession.objects.get()
    assert (session.state, session.failure_reason) == (state, reason)
    page = payer_client.get(url).content.decode()
    assert str(gateway.FAILURE_MESSAGES[reason]) in page
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert not Payment.objects.exists() and not LedgerTransaction.objects.exists()
    # a new attempt is possible
    _url, response = pay_by_mada(payer_client, invoice, "100.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_invalid_card_details_are_400(payer_client, make_invoice):
    invoice = make_invoice("100.00")
    url = _start(payer_client, invoice, "100.00")
    _choose(payer_client, url, "mada")
    for data in (
        {"number": "4464040000000008", "expiry": "12/39", "cvv": "123"},  # Luhn fails
        {"number": conf.CARD_APPROVED, "expiry": "13/39", "cvv": "123"},
        {"number": conf.CARD_APPROVED, "expiry": "01/20", "cvv": "123"},
        {"number": conf.CARD_APPROVED, "expiry": "12/39", "cvv": "12"},
    ):
        assert payer_client.post(url + "card/", data).status_code == 400
    assert GatewaySession.objects.get().state == SessionState.STARTED


def test_wrong_otp_three_times_fails_the_payment(payer_client, make_invoice):
    invoice = make_invoice("100.00")
    url = _start(payer_client, invoice, "100.00")
    _choose(payer_client, url, "mada")
    payer_client.post(url + "card/", {"number": conf.CARD_APPROVED, "expiry": "12/39", "cvv": "123"})
    right = GatewaySession.objects.get().otp
    wrong = "000000" if right != "000000" else "111111"
    assert payer_client.post(url + "otp/", {"otp": wrong}).status_code == 400
    assert payer_client.post(url + "otp/", {"otp": wrong}).status_code == 400
    response = payer_client.post(url + "otp/", {"otp": wrong})
    assert response.status_code == 302
    session = GatewaySession.objects.get()
    assert (session.state, session.failure_reason, session.otp) == (SessionState.FAILED, "otp", "")
    assert payer_client.post(url + "otp/", {"otp": right}).status_code == 409
    assert not Payment.objects.exists()


def test_sadad_wrong_bill_number_and_bank_outcomes(payer_client, make_invoice):
    invoice = make_invoice("100.00")
    other = make_invoice("100.00")
    url, response = pay_by_sadad(payer_client, invoice, "100.00", bill_number=other.bill_number)
    assert response.status_code == 400
    assert GatewaySession.objects.get().state == SessionState.STARTED
    response = payer_client.post(url + "sadad/", {"bill_number": "12345", "outcome": "approve"})
    assert response.status_code == 400
    response = payer_client.post(url + "sadad/", {"bill_number": invoice.bill_number, "outcome": "decline"})
    assert response.status_code == 302
    assert GatewaySession.objects.get().state == SessionState.FAILED
    _url, response = pay_by_sadad(payer_client, invoice, "100.00", outcome="timeout")
    assert GatewaySession.objects.filter(state=SessionState.TIMED_OUT).count() == 1
    assert not Payment.objects.exists()


def test_cancel_returns_to_the_invoice(payer_client, make_invoice):
    invoice = make_invoice("100.00")
    url = _start(payer_client, invoice, "100.00")
    _choose(payer_client, url, "mada")
    response = payer_client.post(url + "cancel/")
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    assert GatewaySession.objects.get().state == SessionState.CANCELLED
    assert payer_client.post(url + "cancel/").status_code == 409
    assert (
        payer_client.post(url + "card/", {"number": conf.CARD_APPROVED, "expiry": "12/39", "cvv": "123"}).status_code
        == 409
    )
    assert not Payment.objects.exists()


def test_an_abandoned_session_times_out(payer_client, make_invoice, travel):
    invoice = make_invoice("100.00")
    url = _start(payer_client, invoice, "100.00")
    _choose(payer_client, url, "sadad")
    with travel(conf.gateway_session_ttl() + timedelta(seconds=1)):
        page = payer_client.get(url)
        assert page.status_code == 200
        session = GatewaySession.objects.get()
        assert (session.state, session.failure_reason) == (SessionState.TIMED_OUT, "expired")
        response = payer_client.post(url + "sadad/", {"bill_number": invoice.bill_number, "outcome": "approve"})
        assert response.status_code == 409
    assert not Payment.objects.exists()


def test_sweep_times_out_sessions_and_resends_lost_confirmations(payer_client, make_invoice, travel, monkeypatch):
    invoice = make_invoice("100.00")
    abandoned = gateway.start_session(invoice, D("100.00"))
    original = gateway.callbacks.process
    monkeypatch.setattr(gateway.callbacks, "process", lambda *a: (_ for _ in ()).throw(RuntimeError("portal down")))
    _url, response = pay_by_sadad(payer_client, invoice, "100.00")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID  # the confirmation was lost
    monkeypatch.setattr(gateway.callbacks, "process", original)
    with travel(timedelta(hours=1)):
        assert gateway.sweep() == {"timed_out": 1, "resent": 1}
        assert gateway.sweep() == {"timed_out": 0, "resent": 0}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    abandoned.refresh_from_db()
    assert abandoned.state == SessionState.TIMED_OUT


def test_a_second_checkout_cannot_pay_what_the_first_already_paid(payer_client, make_invoice):
    invoice = make_invoice("100.00", allow_partial=False)
    first = _start(payer_client, invoice, "100.00")
    _url, _response = pay_by_sadad(payer_client, invoice, "100.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    _choose(payer_client, first, "sadad")
    payer_client.post(first + "sadad/", {"bill_number": invoice.bill_number, "outcome": "approve"})
    session = GatewaySession.objects.get(token=first.split("/")[3])
    assert (session.state, session.failure_reason) == (SessionState.FAILED, "not_payable")
    assert Payment.objects.count() == 1


def test_invoice_pages_are_for_the_payer_only(client, payer, other_user, make_invoice):
    invoice = make_invoice("100.00")
    services.record_gateway_payment(invoice, "TESTPAYMENT1", D("50.00"), "mada")
    payment = Payment.objects.get()
    urls = [
        f"/payments/invoices/{invoice.bill_number}/",
        f"/payments/invoices/{invoice.bill_number}.pdf",
        payment.get_receipt_url(),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(other_user)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": "50.00"}).status_code == 404
    assert client.get("/payments/invoices/00000000000/").status_code == 404
    assert invoice.bill_number not in client.get("/payments/").content.decode()
    client.force_login(payer)
    for url in urls:
        assert client.get(url).status_code == 200
    assert invoice.bill_number in client.get("/payments/").content.decode()


def test_english_pages_and_pdf(payer_client, make_invoice):
    invoice = make_invoice("100.00")
    payer_client.cookies["najiz_language"] = "en"
    page = payer_client.get(f"/payments/invoices/{invoice.bill_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Outstanding" in page.content.decode()
    pdf = payer_client.get(f"/payments/invoices/{invoice.bill_number}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_unknown_gateway_session_is_404(client, db):
    assert client.get("/gateway/s/nope/").status_code == 404
    assert client.post("/gateway/s/nope/cancel/").status_code == 404


def test_closed_invoice_shows_no_pay_form(payer_client, make_invoice):
    invoice = services.cancel_invoice_remainder(make_invoice("100.00"))
    page = _invoice_page(payer_client, invoice)
    assert f"/payments/invoices/{invoice.bill_number}/pay/" not in page
    assert payer_client.post(f"/payments/invoices/{invoice.bill_number}/pay/", {"amount": "100.00"}).status_code == 409


def test_without_a_gateway_secret_every_callback_is_refused(payer_client, make_invoice, settings):
    settings.GATEWAY_SECRET = ""
    invoice = make_invoice("100.00")
    _url, _response = pay_by_sadad(payer_client, invoice, "100.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert GatewaySession.objects.get().callback_acknowledged_at is None


def test_invoice_screens_do_not_query_per_row(payer_client, make_invoice, django_assert_max_num_queries):
    invoices = [make_invoice("100.00") for _ in range(3)]
    for index, invoice in enumerate(invoices):
        services.record_gateway_payment(invoice, f"TESTROWS{index:04d}", D("40.00"), "mada")
        services.record_gateway_payment(invoice, f"TESTROWS{index:04d}B", D("10.00"), "sadad")
    payer_client.get("/payments/")  # warm the session and content-type caches
    with django_assert_max_num_queries(8):
        assert payer_client.get("/payments/").status_code == 200
    for _ in range(5):
        make_invoice("100.00")
    with django_assert_max_num_queries(8):
        assert payer_client.get("/payments/").status_code == 200
    with django_assert_max_num_queries(8):
        assert payer_client.get(invoices[0].get_absolute_url()).status_code == 200


def _mistyped(bill_number: str) -> str:
    """The bill number with its last digit changed: still 11 digits, but the check digit fails."""
    return bill_number[:10] + str((int(bill_number[10]) + 1) % 10)


@pytest.mark.parametrize("typed, said, not_said", [
    ("12345", "5", "11-digit"),
    ("1234567890123", "13", "11-digit"),
    ("12345abcde1", "digits only", "11"),
    ("mistyped", "mistyped", "11"),
])
def test_a_wrong_sadad_bill_number_says_what_is_wrong(payer_client, make_invoice, settings, typed, said, not_said):
    from django.utils import translation

    invoice = make_invoice("300.00", allow_partial=False)
    typed = _mistyped(invoice.bill_number) if typed == "mistyped" else typed
    with translation.override("en"):
        payer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        _url, response = pay_by_sadad(payer_client, invoice, "300.00", bill_number=typed)
        errors = " ".join(response.context["form"].errors["bill_number"])
    assert response.status_code == 400
    assert said in errors and not_said not in errors


def test_a_valid_bill_number_of_another_bill_says_no_such_bill_waits(payer_client, make_invoice):
    invoice = make_invoice("300.00", allow_partial=False)
    other = make_invoice("50.00", allow_partial=False)
    _url, response = pay_by_sadad(payer_client, invoice, "300.00", bill_number=other.bill_number)
    assert response.status_code == 400
    assert "لا توجد فاتورة بهذا الرقم" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
