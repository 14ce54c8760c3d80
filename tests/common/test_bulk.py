"""Bulk writes: COPY with keys drawn first (insert_rows), one UPDATE … FROM VALUES (update_rows)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from najiz.casefile.models import Decision, Event
from najiz.common import clock
from najiz.common.bulk import insert_rows, update_rows
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def case_type():
    from django.contrib.contenttypes.models import ContentType

    from enforcement.models import EnforcementRequest

    return ContentType.objects.get_for_model(EnforcementRequest).pk


def test_insert_rows_gives_keys_and_keeps_every_value(case, django_assert_num_queries):
    at = clock.now() - timedelta(hours=1)
    decisions = [
        Decision(
            case_type_id=case_type(),
            case_id=n,
            step="audit",
            inputs={"n": n, "text": 'quote " back\\slash \t tab'},
            rules=[{"id": "r", "passed": None}],
            rules_version="1",
            outcome="accepted",
            amount=Decimal("12.34"),
            at=at,
        )
        for n in range(3)
    ]
    events = [
        Event(case_type_id=case_type(), case_id=d.case_id, kind="enforcement.audited", decision=d, params={"ar": "نص"})
        for d in decisions
    ]
    with django_assert_num_queries(1):  # the keys; the COPY is not an execute() of Django's
        insert_rows(decisions)
    insert_rows(events)
    assert all(d.pk for d in decisions) and len({d.pk for d in decisions}) == 3
    for decision, event in zip(decisions, events, strict=True):
        stored = Decision.objects.get(pk=decision.pk)
        assert (stored.inputs, stored.rules, stored.amount, stored.at) == (
            decision.inputs,
            decision.rules,
            Decimal("12.34"),
            at,
        )
        assert Event.objects.get(pk=event.pk).decision_id == decision.pk
        assert Event.objects.get(pk=event.pk).params == {"ar": "نص"}
    later = Decision(case_type_id=case_type(), case_id=9, step="audit", rules_version="1", outcome="x")
    later.save()
    assert later.pk > max(d.pk for d in decisions)  # the sequence moved on


def test_update_rows_writes_only_the_fields_named(case):
    notifications = insert_rows(
        Notification(recipient=case.user, kind="k", subject_ar="a", body_ar="b", subject_en="c", body_en="d")
        for _ in range(2)
    )
    deliveries = insert_rows(Delivery(notification=n, channel="sms", address="0500000000") for n in notifications)
    sent = clock.now()
    for delivery in deliveries:
        delivery.status, delivery.delivered_at, delivery.attempts, delivery.address = "sent", sent, 1, "changed"
    assert update_rows(deliveries, ["status", "delivered_at", "attempts"]) == 2
    for delivery in deliveries:
        stored = Delivery.objects.get(pk=delivery.pk)
        assert (stored.status, stored.delivered_at, stored.attempts, stored.address) == ("sent", sent, 1, "0500000000")

