"""With a real worker on Redis: a request filed over HTTP reaches the execution order by itself."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from notifications.models import Delivery
from payments.models import Invoice

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_request_filed_over_http_reaches_order_issued_with_no_further_action(celery_worker, case, client):
    client.force_login(case.user)
    response = client.post(reverse("enforcement:new"), {
        "instrument_number": case.instrument.number, "debtor_ids": case.debtor.national_id,
        "amount": "5000.00", "iban": case.account.iban, "action": "submit",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    request = EnforcementRequest.objects.get(filed_by=case.user)
    assert response["Location"] == reverse("enforcement:detail", args=[request.number])
    wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED, timeout=60)
    request.refresh_from_db()
    assert request.notified_at is not None and request.deadline is not None
    assert Invoice.objects.filter(purpose_id=request.pk, amount=Decimal("5000.00")).exists()
    # the debtor's SMS and e-mail go out through the worker too, with delivery times as proof
    wait_for(lambda: Delivery.objects.filter(
        notification__recipient__national_id=case.debtor.national_id, channel__in=["sms", "email"], status="sent",
        delivered_at__isnull=False,
    ).count() == 2, timeout=60)
