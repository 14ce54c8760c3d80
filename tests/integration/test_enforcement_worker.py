"""With a real worker on Redis: a request filed over HTTP reaches the execution order by itself."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from notifications.models import Delivery
from payments.models import Invoice

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_request_filed_over_http_reaches_order_issued_with_no_further_action(celery_worker, case, client):
    client.force_login(case.user)
    response = client.post(reverse("enforcement:new"), {
        "instrument_number": case.instrument.number, "debtor_ids": case.debtor.national_id,
        "amount": "5000.00", "iban": case.account.iban, "action": "submit",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    request = EnforcementRequest.objects.get(filed_by=case.user)
    assert response["Location"] == reverse("enforcement:detail", args=[request.number])
    wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED, timeout=60)
    request.refresh_from_db()
    assert request.notified_at is not None and request.deadline is not None
    assert Invoice.objects.filter(purpose_id=request.pk, amount=Decimal("5000.00")).exists()
    # the debtor's SMS and e-mail go out through the worker too, with delivery times as proof
    wait_for(lambda: Delivery.objects.filter(
        notification__recipient__national_id=case.debtor.national_id, channel__in=["sms", "email"], status="sent",
        delivered_at__isnull=False,
    ).count() == 2, timeout=60)


def test_a_request_the_worker_cannot_take_through_its_steps_is_set_aside_and_the_others_go_on(celery_worker, case):
    from enforcement import services
    from enforcement.models import StepFailure
    from najiz.registries.models import Person
    from tests.factories import registries as factories

    drafts = []
    for _ in range(3):
        debtor = factories.PersonFactory(city="jeddah")
        instrument = factories.InstrumentFactory(
            creditor_person=case.creditor, debtors=[debtor], amount=Decimal("8000.00")
        )
        drafts.append(
            services.save_draft(
                user=case.user,
                acting_entity=None,
                instrument_number=instrument.number,
                debtor_ids=[debtor.national_id],
                amount=Decimal("100.00"),
                iban=case.account.iban,
            )
        )
    bad = drafts[1].debtors.get().person  # the registry's id fails its check digit: no account can be made
    Person.objects.filter(pk=bad.pk).update(national_id=bad.national_id[:-1] + str((int(bad.national_id[-1]) + 1) % 10))
    for draft in drafts:
        services.submit(draft, user=case.user)
    wait_for(lambda: StepFailure.objects.filter(request=drafts[1]).exists(), timeout=60)
    wait_for(lambda: EnforcementRequest.objects.filter(pk__in=[drafts[0].pk, drafts[2].pk],
                                                       status=Status.ORDER_ISSUED).count() == 2, timeout=60)
    failure = StepFailure.objects.get(request=drafts[1])
    assert (failure.step, failure.failures) == ("order", 1) and failure.retry_at is not None
    assert EnforcementRequest.objects.get(pk=drafts[1].pk).status == Status.SUBMITTED
