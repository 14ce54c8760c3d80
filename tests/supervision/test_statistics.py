from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from enforcement.tasks import sweep_deadlines
from najiz.casefile.models import Decision
from supervision import services as supervision
from supervision.selectors import statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(judge, rejected, file_request, travel, django_capture_on_commit_callbacks):
    """One rejection reversed (now under measures, 3,000 of 5,000 seized) and one rejected request."""
    decision = Decision.objects.get(case_id=rejected.pk, step="audit")
    with django_capture_on_commit_callbacks(execute=True):
        supervision.reverse_rejection(decision, judge=judge, reason="الحساب للدائن بعد التحقق")
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    second = file_request(amount=Decimal("1000.00"))
    assert second.status == "rejected"
    return rejected, second


def test_circuit_statistics(activity, circuits):
    with translation.override("en"):
        stats = statistics([circuits["jeddah-1"].pk])
        assert {str(label): n for label, n in stats["by_state"]} == {"Enforcement measures applied": 1, "Rejected": 1}
    assert stats["total"] == 2
    assert stats["overrides"] == [("iban_held_by_creditor", 1)]
    assert stats["collection_rate"] == Decimal("60.0")
    assert stats["average_to_order"] is not None
    assert statistics([circuits["riyadh-1"].pk])["total"] == 0


def test_statistics_page_has_a_chart(judge_client, activity, circuits, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = judge_client.get(reverse("supervision:statistics"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "الحساب باسم الدائن" in body and "60.0%" in body  # the rule by its name
    assert "iban_held_by_creditor" not in body
    assert "<script" not in body.split("<main", 1)[-1]
    response = judge_client.get(reverse("supervision:statistics"), {"circuit": "riyadh-1"})  # not theirs: all of theirs
    assert response.context["selected"] is None


def test_statistics_for_a_judge_without_circuits(client, other_judge, activity):
    client.force_login(other_judge)
    response = client.get(reverse("supervision:statistics"))
    assert response.status_code == 200
    assert response.context["stats"]["total"] == 0
