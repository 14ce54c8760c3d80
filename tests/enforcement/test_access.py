"""Every enforcement URL of a request answers 404 to anyone who is not a party to it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest
from najiz.accounts.services import user_for_person
from payments import services as payments
from payments.models import Invoice, Payment
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(case, django_capture_on_commit_callbacks):
    request = services.save_draft(
        user=case.user,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("5000.00"),
        iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(request, user=case.user)
    invoice = Invoice.objects.get(purpose_id=request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "ACCESS-1", Decimal("100.00"), "mada")
    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number)
    return EnforcementRequest.objects.get(pk=request.pk), invoice, Payment.objects.get(gateway_txn_id="ACCESS-1"), draft


def request_urls(request, invoice, payment):
    number = request.number
    gets = [reverse(name, args=[number]) for name in
            ("enforcement:detail", "enforcement:timeline", "enforcement:order_pdf", "enforcement:report_pdf")]
    gets += [reverse("enforcement:invoice_pdf", args=[number, invoice.bill_number]),
             reverse("enforcement:receipt_pdf", args=[number, payment.pk])]
    posts = [reverse("enforcement:act", args=[number, action]) for action in ("withdraw", "certify", "reduce")]
    return gets, posts


def outsiders():
    stranger = user_for_person(factories.PersonFactory())
    other = factories.InstrumentFactory()  # another creditor and debtor on another instrument
    return {
        "stranger": stranger,
        "another creditor": user_for_person(other.creditor_person),
        "another debtor": user_for_person(other.debtors[0]),
    }


def test_outsiders_get_404_on_every_url_of_the_request(filed, client):
    request, invoice, payment, draft = filed
    gets, posts = request_urls(request, invoice, payment)
    for who, user in outsiders().items():
        client.force_login(user)
        for url in gets:
            assert client.get(url).status_code == 404, (who, url)
        for url in posts:
            assert client.post(url, {"confirm": "on", "amount": "1.00"}).status_code == 404, (who, url)
        assert client.get(reverse("enforcement:draft", args=[draft.pk])).status_code == 404, who
    assert EnforcementRequest.objects.get(pk=request.pk).status == "order_issued"


def test_the_parties_see_the_request(filed, client, case):
    request, invoice, payment, _ = filed
    gets, _ = request_urls(request, invoice, payment)
    client.force_login(case.user)
    for url in gets:
        assert client.get(url).status_code == 200, url
    client.force_login(user_for_person(case.debtor))
    for url in gets[:3]:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(filed, client):
    request, invoice, payment, _ = filed
    gets, posts = request_urls(request, invoice, payment)
    for url in gets + posts:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
