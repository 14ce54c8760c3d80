"""Every official document of the portal, fetched as its reader would: through the client."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from enforcement import services as enforcement
from enforcement.models import EnforcementRequest
from najiz.accounts.services import user_for_person
from payments import services as payments
from payments.models import Invoice
from tests.conveyance.conftest import sale  # noqa: F401  (fixture)
from tests.einstruments.conftest import active_note, parties  # noqa: F401  (fixture)
from tests.linkage.conftest import make_entity
from tests.linkage.test_pages import act_as, seed

KINDS = ("deed", "order", "report", "invoice", "receipt", "note", "aggregate", "information")


def get_pdf(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    draft = enforcement.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        enforcement.submit(draft, user=case.user)
    request = EnforcementRequest.objects.get(pk=draft.pk)
    invoice = Invoice.objects.get(purpose_id=request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "T-DOCUMENTS", Decimal("1000.00"), "mada")
    return request


@pytest.fixture
def fetch(client, case, issued, sale, parties, circuits):  # noqa: F811
    """fetch(kind, lang="ar") -> the PDF bytes of that kind of document, as served."""
    invoice = Invoice.objects.get(purpose_id=issued.pk)
    payment = invoice.payments.get()
    note = active_note(parties)
    entity = make_entity()
    seed(entity, 2, start=900)

    def _fetch(kind, lang="ar"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        if kind == "deed":
            client.force_login(sale.seller_user)
            return get_pdf(client, reverse("conveyance:deed_pdf", args=[sale.deed.number]))
        if kind == "note":
            client.force_login(parties.creditor_user)
            return get_pdf(client, reverse("einstruments:pdf", args=[note.number]))
        if kind == "aggregate":
            act_as(client, entity)
            return get_pdf(client, "/linkage/report/pdf/")
        client.force_login(user_for_person(case.debtor) if kind != "information" else case.user)
        urls = {
            "order": reverse("enforcement:order_pdf", args=[issued.number]),
            "report": reverse("enforcement:report_pdf", args=[issued.number]),
            "invoice": reverse("payments:invoice_pdf", args=[invoice.bill_number]),
            "receipt": reverse("payments:receipt", args=[payment.pk]),
            "information": reverse("enforcement:dashboard_report"),
        }
        return get_pdf(client, urls[kind])

    _fetch.issued, _fetch.sale, _fetch.note, _fetch.invoice, _fetch.payment = issued, sale, note, invoice, payment
    return _fetch
