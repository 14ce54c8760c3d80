"""With a real worker on Redis: a request filed through the API runs the same audit and reaches
the execution order by itself."""

import json

import pytest

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.casefile.selectors import decisions_of
from tests.linkage.conftest import filing, make_entity

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_request_filed_through_the_api_is_audited_and_reaches_the_order(celery_worker, circuits, client):
    e = make_entity()
    response = client.post("/api/v1/requests", data=json.dumps(filing(e)), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {e.secret}", HTTP_IDEMPOTENCY_KEY="erp-1")
    assert response.status_code == 201, response.content.decode()[:2000]
    number = response.json()["number"]
    wait_for(lambda: EnforcementRequest.objects.get(number=number).status == Status.ORDER_ISSUED, timeout=60)
    request = EnforcementRequest.objects.get(number=number)
    assert request.creditor_entity == e.entity and request.filed_by == e.user
    audit = decisions_of(request).get(step="audit")
    assert audit.outcome == Status.ACCEPTED and all(rule["passed"] is not False for rule in audit.rules)
    detail = client.get(f"/api/v1/requests/{number}", HTTP_AUTHORIZATION=f"Bearer {e.secret}").json()
    assert detail["status"] == "order_issued" and detail["order"]["amount"] == "5000.00"
    again = client.post("/api/v1/requests", data=json.dumps(filing(e)), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {e.secret}", HTTP_IDEMPOTENCY_KEY="erp-1")
    assert again.json()["number"] == number and EnforcementRequest.objects.filter(creditor_entity=e.entity).count() == 1
