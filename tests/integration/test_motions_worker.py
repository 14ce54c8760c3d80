"""With a real worker on Redis: the end of a grace period and an instalment unpaid past its time
each reactivate enforcement by the sweeps alone, the measures applied again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enforcement.models import EnforcementRequest, Motion
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines, sweep_instalments
from najiz.accounts.services import user_for_person
from najiz.common import clock

from .conftest import wait_for

pytestmark = pytest.mark.integration
RESTRICTIONS = {"travel_ban", "stop_poa", "dealings_bar", "credit_report"}


def status_of(request):
    return EnforcementRequest.objects.get(pk=request.pk).status


def measured(case, client, travel_stack):
    """Filed over HTTP; the worker takes it to the order, and past the period to the measures."""
    client.force_login(case.user)
    response = client.post(reverse("enforcement:new"), {
        "instrument_number": case.instrument.number, "debtor_ids": case.debtor.national_id,
        "amount": "5000.00", "iban": case.account.iban, "action": "submit",
    })
    assert response.status_code == 302
    request = EnforcementRequest.objects.get(filed_by=case.user)
    wait_for(lambda: status_of(request) == Status.ORDER_ISSUED, timeout=60)
    travel_stack.enter_context(clock.travel(timedelta(days=6)))
    sweep_deadlines.delay()
    wait_for(lambda: status_of(request) == Status.MEASURES_APPLIED, timeout=60)
    client.force_login(case.user)  # a session from before the travel has expired
    return EnforcementRequest.objects.get(pk=request.pk)


def refs_in_force(request):
    return set(request.measures.filter(status="applied", kind__in=RESTRICTIONS).values_list("ref", flat=True))


@pytest.fixture
def travel_stack():
    import contextlib

    with contextlib.ExitStack() as stack:
        yield stack


def test_the_grace_period_ends_by_the_sweep_and_the_measures_apply_again(celery_worker, case, client, travel_stack):
    request = measured(case, client, travel_stack)
    response = client.post(reverse("enforcement:motion", args=[request.number, "grace"]), {
        "grace-days": "3", "grace-reason": "اتفاق على مهلة للسداد", "grace-confirm": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:detail", args=[request.number])
    assert status_of(request) == Status.GRACE
    assert not request.measures.filter(status="applied").exists()
    travel_stack.enter_context(clock.travel(timedelta(days=4)))
    sweep_deadlines.delay()
    wait_for(lambda: status_of(request) == Status.MEASURES_APPLIED, timeout=60)
    assert refs_in_force(request) == {f"{request.number}/2"}
    assert Motion.objects.get(request=request, kind="grace_grant").ended_at is not None


def test_an_instalment_unpaid_past_its_time_ends_the_plan_by_the_sweep(celery_worker, case, client, travel_stack):
    request = measured(case, client, travel_stack)
    debtor = Client()
    debtor.force_login(user_for_person(case.debtor))
    response = debtor.post(reverse("enforcement:motion", args=[request.number, "plan"]), {
        "plan-count": "2", "plan-amount": "1000.00", "plan-first_due": clock.today().isoformat(),
        "plan-confirm": "on",
    })
    assert response.status_code == 302  # 2,000 SAR owed after 3,000 seized
    response = client.post(reverse("enforcement:motion", args=[request.number, "plan_accept"]),
                           {"plan_accept-confirm": "on"})
    assert response.status_code == 302
    assert status_of(request) == Status.SETTLEMENT
    assert not request.measures.filter(status="applied").exists()
    travel_stack.enter_context(clock.travel(timedelta(days=10)))
    sweep_instalments.delay()
    wait_for(lambda: status_of(request) == Status.MEASURES_APPLIED, timeout=60)
    assert refs_in_force(request) == {f"{request.number}/2"}
    request = EnforcementRequest.objects.get(pk=request.pk)
    assert request.outstanding == Decimal("2000.00")
    assert Motion.objects.get(request=request, kind="settlement").ended_at is not None
