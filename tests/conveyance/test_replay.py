"""A judge or notary can replay a conveyance's eligibility decision against today's rules."""

import pytest

from conveyance import rules
from najiz.casefile.rules import result
from najiz.casefile.selectors import decisions_of
from supervision import replay

from .helpers import file_sale, reload

pytestmark = pytest.mark.django_db


def test_eligibility_replays_to_the_same_outcome_until_a_rule_changes(
    sale, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale)
    decision = decisions_of(reload(conveyance)).get(step="eligibility")
    again = replay.replay(decision)
    assert again.outcome == decision.outcome == "awaiting_consents"

    today = rules.run_eligibility
    monkeypatch.setattr(
        rules, "run_eligibility", lambda inputs: [*today(inputs), result("new_rule", False, "a new condition")]
    )
    changed = replay.replay(decision)
    assert changed.outcome == "rejected"
    assert [row["id"] for row in changed.comparison() if row["changed"]] == ["new_rule"]
