"""Replay a past decision's rules on its stored snapshot with today's rules."""

import pytest
from django.urls import reverse

from enforcement import rules
from najiz.casefile.models import Decision
from supervision import replay

pytestmark = pytest.mark.django_db


def test_untouched_decision_replays_to_the_same_outcome(judge_client, rejected):
    decision = Decision.objects.get(case_id=rejected.pk, step="audit")
    result = replay.replay(decision)
    assert result.outcome == "rejected" and not result.differs and not result.version_changed
    response = judge_client.get(reverse("supervision:replay", args=[decision.pk]))
    assert response.status_code == 200
    assert 'data-replay="same"' in response.content.decode()


def test_replay_would_differ_after_a_rule_change(judge_client, rejected, monkeypatch):
    decision = Decision.objects.get(case_id=rejected.pk, step="audit")
    # Version 2 of the rules no longer requires the IBAN to be the creditor's.
    monkeypatch.setattr(
        rules, "AUDIT_RULES", tuple(r for r in rules.AUDIT_RULES if r is not rules.iban_held_by_creditor)
    )
    monkeypatch.setattr(rules, "RULES_VERSION", "2")
    result = replay.replay(decision)
    assert (result.outcome, result.differs, result.version_changed) == ("accepted", True, True)
    assert [row["id"] for row in result.comparison() if row["changed"]] == ["iban_held_by_creditor"]
    response = judge_client.get(reverse("supervision:replay", args=[decision.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-replay="differs"' in body and "<html" not in body
    # the decision itself never changes
    assert Decision.objects.get(pk=decision.pk).outcome == "rejected"


def test_steps_without_a_replayer_say_so(judge_client, file_request):
    request = file_request()
    decision = Decision.objects.get(case_id=request.pk, step="referral")
    assert replay.replay(decision) is None
    assert judge_client.get(reverse("supervision:replay", args=[decision.pk])).status_code == 200


def test_other_apps_can_register_a_step(rejected):
    decision = Decision.objects.get(case_id=rejected.pk, step="audit")
    key = ("enforcement.enforcementrequest", "audit")
    original = replay._REPLAYERS[key]
    try:
        replay.register(*key)(lambda inputs: ("accepted", [], "9"))
        assert replay.replay(decision).differs
    finally:
        replay._REPLAYERS[key] = original
