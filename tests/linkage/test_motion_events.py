"""The parties' motions for a business's system: each motion's events become webhook events for the
creditor entity's endpoints (motion filed, motion decided, grace started, grace ended, plan accepted,
plan defaulted), and the motions are read through the API, documented in its schema."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from enforcement import motions, settlement
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines, sweep_instalments
from linkage import services, tasks
from linkage.models import WebhookDelivery
from najiz.common import clock

from .conftest import Api
from .test_api import file_ok
from .test_webhooks import closed_port_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(ent, api_for, local_receivers, travel, django_capture_on_commit_callbacks):
    """The entity's request, filed through the API, its period lapsed and the measures applied;
    the entity has a webhook endpoint. The clock stays past the period."""
    services.register_webhook(entity=ent.entity, user=ent.user, url=closed_port_url())
    number = file_ok(api_for(ent), ent, django_capture_on_commit_callbacks).json()["number"]
    with travel(timedelta(days=6)):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_deadlines()
        request = EnforcementRequest.objects.get(number=number)
        assert request.status == Status.MEASURES_APPLIED
        yield request


def events(request):
    return list(WebhookDelivery.objects.filter(request=request).exclude(event_type="request.status_changed")
                .order_by("occurred_at", "id").values_list("event_type", flat=True))


def test_grace_and_plan_events_reach_the_webhooks(ent, filed, travel, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    debtor = filed.debtors.get()
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        with capture(execute=True):
            motions.grant_grace(filed, user=ent.user, days=5, reason="اتفاق")
        with capture(execute=True):
            motions.reactivate(filed, user=ent.user)
        with capture(execute=True):
            settlement.propose(EnforcementRequest.objects.get(pk=filed.pk), user=debtor.user, debtor=debtor, count=2,
                               amount=Decimal("2500.00"), first_due=clock.today())
        with capture(execute=True):
            settlement.accept(filed, user=ent.user)
        with travel(timedelta(days=11)), capture(execute=True):
            assert sweep_instalments() == 1
    assert events(filed) == ["grace.started", "grace.ended", "motion.filed", "motion.decided", "plan.accepted",
                             "plan.defaulted"]
    accepted = WebhookDelivery.objects.get(request=filed, event_type="plan.accepted")
    assert accepted.payload["type"] == "plan.accepted"
    assert accepted.payload["data"]["status"] == Status.SETTLEMENT
    assert accepted.payload["data"]["motion"]["kind"] == "settlement"
    assert accepted.payload["data"]["motion"]["status"] == "granted"
    # the status changes are still told, each once
    statuses = list(WebhookDelivery.objects.filter(request=filed, event_type="request.status_changed")
                    .values_list("request_status", flat=True))
    assert statuses.count(Status.SETTLEMENT) == 1 and statuses.count(Status.GRACE) == 1


def test_motions_are_read_through_the_api(ent, other, api_for, filed, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    debtor = filed.debtors.get()
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        with capture(execute=True):
            settlement.propose(filed, user=debtor.user, debtor=debtor, count=2, amount=Decimal("2500.00"),
                               first_due=clock.today() + timedelta(days=3))
        with capture(execute=True):
            settlement.accept(filed, user=ent.user, reason="موافق")
    response = api_for(ent).get(f"/requests/{filed.number}/motions")
    assert response.status_code == 200
    [plan] = response.json()
    assert (plan["kind"], plan["status"], plan["reasons"]) == ("settlement", "granted", "موافق")
    assert [(i["number"], i["amount"]) for i in plan["instalments"]] == [(1, "2500.00"), (2, "2500.00")]
    assert all(len(i["bill_number"]) == 11 for i in plan["instalments"])
    assert api_for(other).get(f"/requests/{filed.number}/motions").status_code == 404
    assert Api(client).get(f"/requests/{filed.number}/motions").status_code == 401
    schema = Api(client).get("/schema").json()
    assert "/api/v1/requests/{number}/motions" in schema["paths"]
    assert "MotionOut" in schema["components"]["schemas"]
