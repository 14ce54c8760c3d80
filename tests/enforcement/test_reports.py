"""Printable documents: the Art. 34 execution order, the request report, the dashboard report,
and the invoice and receipts as seen from the request; each only for whoever may see it."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest
from najiz.accounts.services import user_for_person
from payments import services as payments
from payments.models import Invoice
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def words_of(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=60).stdout
    return BIDI_CONTROLS.sub("", text.decode("utf-8")).split()


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, user=case.user)
    return EnforcementRequest.objects.get(pk=draft.pk)


def get_pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response.content


@needs_poppler
def test_the_execution_order_pdf(client, case, issued):
    client.force_login(user_for_person(case.debtor))
    data = get_pdf(client, reverse("enforcement:order_pdf", args=[issued.number]))
    words = words_of(data)
    assert issued.order.number in words and issued.number in words
    assert any("5,000.00" in word for word in words)
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True, timeout=60).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M)  # the order fits on one page
    text = " ".join(words)
    assert re.search(r"هـ ?14\d\d|14\d\d ?هـ", text)  # the Hijri date
    assert str(issued.order.issued_at.year) in text  # and the Gregorian one
    english(client)
    words = words_of(get_pdf(client, reverse("enforcement:order_pdf", args=[issued.number])))
    text = " ".join(words)
    assert "Execution order" in text and "within 5 days" in text
    assert "Article 46" in text and issued.circuit.name_en in text and "Enforcement Court" in text
    assert case.instrument.number in words
    assert case.creditor.name_en.split()[0] in words and case.debtor.name_en.split()[0] in words


def test_the_order_pdf_carries_a_qr_to_its_public_verification_page(client, case, issued, monkeypatch):
    from enforcement import reports

    seen = {}
    real = reports.render_pdf

    def spy(template, context, **kwargs):
        seen.update(context)
        return real(template, context, **kwargs)

    monkeypatch.setattr(reports, "render_pdf", spy)
    client.force_login(case.user)
    get_pdf(client, reverse("enforcement:order_pdf", args=[issued.number]))
    path = reverse("verify_enforcement:order", args=[issued.order.number])
    assert seen["verify_url"].startswith(f"http://testserver{path}?code=")
    client.logout()
    page = client.get(seen["verify_url"].removeprefix("http://testserver")).content.decode()
    assert "The verification code matches this document." in page or "رمز التحقق مطابق" in page
    assert case.debtor.name_ar not in page


@needs_poppler
def test_the_request_report_pdf(client, case, issued, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(purpose_id=issued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "T-REPORT", Decimal("1000.00"), "mada")
    client.force_login(case.user)
    english(client)
    words = words_of(get_pdf(client, reverse("enforcement:report_pdf", args=[issued.number])))
    text = " ".join(words)
    assert issued.number in words and "Timeline" in text and "Amounts" in text
    assert "1,000.00" in text and "4,000.00" in text  # collected, outstanding
    assert case.account.iban in text  # the filer sees where the money goes
    client.force_login(user_for_person(case.debtor))
    english(client)
    text = " ".join(words_of(get_pdf(client, reverse("enforcement:report_pdf", args=[issued.number]))))
    assert case.account.iban not in text  # the debtor does not


@needs_poppler
def test_the_dashboard_report_pdf(client, case, issued):
    client.force_login(case.user)
    english(client)
    words = words_of(get_pdf(client, reverse("enforcement:dashboard_report")))
    text = " ".join(words)
    assert "Enforcement information" in text and issued.number in words and "5,000.00" in text
    client.force_login(UserFactory())
    words = words_of(get_pdf(client, reverse("enforcement:dashboard_report")))
    assert issued.number not in words


def test_invoice_and_receipt_from_the_request_page(client, case, issued, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(purpose_id=issued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "T-DOCS", Decimal("5000.00"), "mada")
    payment = invoice.payments.get()
    for user in (case.user, user_for_person(case.debtor)):
        client.force_login(user)
        html = client.get(reverse("enforcement:detail", args=[issued.number])).content.decode()
        urls = [
            reverse("enforcement:order_pdf", args=[issued.number]),
            reverse("enforcement:report_pdf", args=[issued.number]),
            reverse("enforcement:invoice_pdf", args=[issued.number, invoice.bill_number]),
            reverse("enforcement:receipt_pdf", args=[issued.number, payment.pk]),
        ]
        for url in urls:
            assert url in html
        get_pdf(client, urls[2])
        get_pdf(client, urls[3])
        assert "data-print" in html


def test_documents_are_404_for_anyone_else(client, case, issued, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(purpose_id=issued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "T-404", Decimal("10.00"), "mada")
    payment = invoice.payments.get()
    client.force_login(UserFactory())
    for url in [
        reverse("enforcement:order_pdf", args=[issued.number]),
        reverse("enforcement:report_pdf", args=[issued.number]),
        reverse("enforcement:invoice_pdf", args=[issued.number, invoice.bill_number]),
        reverse("enforcement:receipt_pdf", args=[issued.number, payment.pk]),
        reverse("enforcement:order_pdf", args=["EN-1900-000001"]),
    ]:
        assert client.get(url).status_code == 404, url
    client.logout()
    assert client.get(reverse("enforcement:dashboard_report")).status_code == 302


def test_no_order_pdf_before_the_order(client, case):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("100.00"), iban=case.account.iban,
    )
    services.submit(draft, user=case.user)  # not advanced: no order yet
    request = EnforcementRequest.objects.get(pk=draft.pk)
    client.force_login(case.user)
    assert client.get(reverse("enforcement:order_pdf", args=[request.number])).status_code == 404
    get_pdf(client, reverse("enforcement:report_pdf", args=[request.number]))
    html = client.get(reverse("enforcement:detail", args=[request.number])).content.decode()
    assert reverse("enforcement:order_pdf", args=[request.number]) not in html


def test_a_receipt_of_another_request_is_404(client, case, issued, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(purpose_id=issued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "T-OTHER", Decimal("10.00"), "mada")
    payment = invoice.payments.get()
    other = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number)
    other.number = "EN-2030-999999"
    other.status = "submitted"
    other.save()
    client.force_login(case.user)
    assert client.get(reverse("enforcement:receipt_pdf", args=[other.number, payment.pk])).status_code == 404
    assert client.get(reverse("enforcement:invoice_pdf", args=[other.number, invoice.bill_number])).status_code == 404
