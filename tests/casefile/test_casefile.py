from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from najiz.accounts.models import User
from najiz.casefile import messages, selectors, services
from najiz.casefile.models import Decision, Event, ImmutableRowError, ReviewState
from najiz.casefile.rules import message_for, result

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    """Any model instance can be a case; a user stands in for one here."""
    return User.objects.create_user("1012345672", name_ar="صاحب القضية")


def test_decision_keeps_every_rule_in_both_languages(case):
    rules = [
        result("amount_positive", True, _("Amount is positive")),
        result("iban_valid", False, _("Enter a valid Saudi IBAN: 24 characters starting with SA.")),
    ]
    decision = services.record_decision(
        case,
        "audit",
        rules=rules,
        outcome="rejected",
        inputs={"amount": "10.00"},
        rules_version="1",
        amount=Decimal("10.00"),
    )
    stored = Decision.objects.get(pk=decision.pk)
    assert [rule["id"] for rule in stored.rules] == ["amount_positive", "iban_valid"]
    assert not stored.passed
    assert stored.failed_rules()[0]["message_en"].startswith("Enter a valid Saudi IBAN")
    assert stored.failed_rules()[0]["message_ar"] != stored.failed_rules()[0]["message_en"]
    with translation.override("en"):
        assert message_for(stored.failed_rules()[0]).startswith("Enter a valid Saudi IBAN")


def test_timeline_lists_public_events_in_order_with_their_decision(case):
    decision = services.record_decision(case, "audit", rules=[], outcome="accepted", rules_version="1")
    services.record_event(case, "test.filed", user=case, actor="person")
    services.record_event(case, "test.audited", decision=decision)
    services.record_event(case, "test.internal", public=False)
    assert [e.kind for e in selectors.timeline(case)] == ["test.filed", "test.audited"]
    assert [e.kind for e in selectors.timeline(case, public_only=False)][-1] == "test.internal"
    assert selectors.timeline(case)[1].decision == decision


def test_event_message_follows_the_readers_language(case):
    messages.register({"test.amount": _("Request filed for {amount}")})
    event = services.record_event(case, "test.amount", params={"amount": "100.00"})
    with translation.override("en"):
        assert event.message == "Request filed for SAR 100.00"  # amounts through najiz.common.formats
    assert messages.render("unknown.kind") == "unknown.kind"


def test_review_changes_only_the_review(case):
    decision = services.record_decision(case, "audit", rules=[], outcome="rejected", rules_version="1")
    services.review_decision(decision, judge=case, state=ReviewState.OVERRIDDEN, reason="المستند صحيح")
    decision.refresh_from_db()
    assert decision.review_state == ReviewState.OVERRIDDEN and decision.reviewed_at is not None
    decision.outcome = "accepted"
    with pytest.raises(ImmutableRowError):
        decision.save()


def test_model_guard_refuses_changing_or_deleting_events(case):
    event = services.record_event(case, "test.filed")
    with pytest.raises(ImmutableRowError):
        event.save()
    with pytest.raises(ImmutableRowError):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE casefile_event SET kind = 'forged'",
        "DELETE FROM casefile_event",
        "UPDATE casefile_decision SET outcome = 'accepted'",
        "DELETE FROM casefile_decision",
    ],
)
def test_postgres_refuses_rewriting_the_case_file(case, sql):
    decision = services.record_decision(case, "audit", rules=[], outcome="rejected", rules_version="1")
    services.record_event(case, "test.filed", decision=decision)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Event.objects.filter(kind="test.filed").count() == 1
    assert Decision.objects.get().outcome == "rejected"


def test_postgres_allows_recording_a_review(case):
    decision = services.record_decision(case, "audit", rules=[], outcome="rejected", rules_version="1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casefile_decision SET review_state = 'confirmed' WHERE id = %s", [decision.pk])
    decision.refresh_from_db()
    assert decision.review_state == "confirmed"


def test_case_numbers_are_sequential_per_prefix():
    from najiz.common import clock

    year = clock.today().year
    assert services.next_case_number("EN") == f"EN-{year}-000001"
    assert services.next_case_number("EN") == f"EN-{year}-000002"
    assert services.next_case_number("CV") == f"CV-{year}-000001"
