"""The review queue: rejections and high amounts first, filters, counts, fixed queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from najiz.casefile.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_requests(file_request):
    ordered = file_request(amount=Decimal("5000.00"))  # audit, referral, order
    rejected = file_request(amount=Decimal("1000.00"))  # another request open on the instrument
    assert ordered.status == "order_issued" and rejected.status == "rejected"
    return ordered, rejected


def rows(response):
    return [(row["decision"].step, row["decision"].outcome) for row in response.context["rows"]]


def test_rejections_first_then_high_amounts(judge_client, two_requests):
    response = judge_client.get(reverse("supervision:queue"))
    listed = rows(response)
    assert listed[0] == ("audit", "rejected")
    assert sorted(listed[1:]) == sorted([("audit", "accepted"), ("referral", "jeddah-1"), ("order", "order_issued")])
    assert response.context["counts"] == {"pending": 4, "reviewed": 0}


def test_filters(judge_client, two_requests):
    url = reverse("supervision:queue")
    assert rows(judge_client.get(url, {"step": "order"})) == [("order", "order_issued")]
    assert rows(judge_client.get(url, {"outcome": "rejected"})) == [("audit", "rejected")]
    assert ("audit", "rejected") not in rows(judge_client.get(url, {"amount_min": "2000"}))
    assert rows(judge_client.get(url, {"amount_max": "1000"})) == [("audit", "rejected")]
    assert rows(judge_client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"})) == []
    assert rows(judge_client.get(url, {"state": "reviewed"})) == []


def test_amount_filters_read_amounts_as_people_type_them(judge_client, two_requests):
    url = reverse("supervision:queue")
    assert rows(judge_client.get(url, {"amount_max": "1,000"})) == [("audit", "rejected")]
    response = judge_client.get(url, {"amount_min": "2e3"})  # no exponent
    assert "amount_min" in response.context["form"].errors
    assert len(response.context["rows"]) == 4  # the default queue


def test_bad_filters_are_form_errors(judge_client, two_requests):
    response = judge_client.get(
        reverse("supervision:queue"), {"amount_min": "abc", "date_from": "not-a-date", "step": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["rows"]) == 4  # the default queue


def test_reviewed_decisions_leave_the_pending_queue(judge_client, judge, two_requests):
    from najiz.casefile.services import review_decision

    review_decision(Decision.objects.get(step="order"), judge=judge, state="confirmed", reason="سليم")
    response = judge_client.get(reverse("supervision:queue"))
    assert response.context["counts"] == {"pending": 3, "reviewed": 1}
    assert ("order", "order_issued") not in rows(response)
    assert rows(judge_client.get(reverse("supervision:queue"), {"state": "reviewed"})) == [("order", "order_issued")]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queue_and_decision_take_a_fixed_number_of_queries(
    judge_client, case, file_request, travel, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from enforcement.tasks import sweep_deadlines

    first = file_request()
    queue_url = reverse("supervision:queue")
    decision_url = reverse(
        "supervision:decision", args=[Decision.objects.filter(case_id=first.pk, step="order").get().pk]
    )
    few = _queries(judge_client, queue_url), _queries(judge_client, decision_url)
    file_request(amount=Decimal("1000.00"))  # more decisions, and on the first request measures and their events
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    many = _queries(judge_client, queue_url), _queries(judge_client, decision_url)
    assert few == many
    with django_assert_max_num_queries(12):
        judge_client.get(queue_url)
    with django_assert_max_num_queries(14):
        judge_client.get(decision_url)
