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


def test_a_disclosure_and_its_overruling_reach_the_webhooks(ent, filed, django_capture_on_commit_callbacks):
    from enforcement import disclosure
    from enforcement.models import Motion
    from najiz.casefile.models import Decision
    from tests.factories import registries as factories
    from tests.factories.accounts import StaffUserFactory

    capture = django_capture_on_commit_callbacks
    debtor = filed.debtors.select_related("person").get()
    villa = factories.DeedFactory(owners=[debtor.person], value_of_record=Decimal("1500000.00"))
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        with capture(execute=True):
            disclosure.disclose(filed, user=debtor.user, debtor=debtor, keys=[f"deed:{villa.number}"])
        motion = Motion.objects.get(request=filed, kind="disclosure")
        assert events(filed) == ["motion.filed", "motion.decided"]
        decided = WebhookDelivery.objects.get(request=filed, event_type="motion.decided")
        assert decided.payload["data"]["motion"] == {"id": motion.pk, "kind": "disclosure", "status": "granted"}
        decision = Decision.objects.get(case_id=filed.pk, step="disclosure")
        with capture(execute=True):
            disclosure.overrule(decision, judge=StaffUserFactory(), reason="الأموال المفصح عنها لا تكفي")
    assert events(filed) == ["motion.filed", "motion.decided", "motion.decided"]
    overruled = WebhookDelivery.objects.filter(request=filed, event_type="motion.decided").order_by("id").last()
    assert overruled.payload["data"]["motion"]["status"] == "declined"


def test_a_plan_ended_early_by_the_creditor_reaches_the_webhooks(ent, filed, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    debtor = filed.debtors.get()
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        with capture(execute=True):
            settlement.propose(filed, user=debtor.user, debtor=debtor, count=2, amount=Decimal("2500.00"),
                               first_due=clock.today() + timedelta(days=3))
        with capture(execute=True):
            settlement.accept(filed, user=ent.user)
        with capture(execute=True):
            settlement.end_early(filed, user=ent.user, reason="لم يلتزم المدين بالتواصل")
    assert events(filed) == ["motion.filed", "motion.decided", "plan.accepted", "plan.ended"]
    ended = WebhookDelivery.objects.get(request=filed, event_type="plan.ended")
    assert ended.payload["data"]["status"] == Status.ORDER_ISSUED
    assert ended.payload["data"]["motion"]["kind"] == "settlement"
    assert EnforcementRequest.objects.get(pk=filed.pk).status == Status.MEASURES_APPLIED
