"""With a real worker on Redis: a judge's reversal over HTTP sends the request on through the
automation (referral, order) with no further action."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.accounts.models import JUDGES_GROUP
from najiz.casefile.models import Decision
from najiz.registries import services as registries
from tests.factories.accounts import StaffUserFactory

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_reversed_rejection_reaches_the_order_through_the_worker(celery_worker, case, client):
    request = services.save_draft(
        user=case.user,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("5000.00"),
        iban=registries.accounts_of(case.debtor)[0].iban,
    )
    services.submit(request, user=case.user)
    wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.REJECTED, timeout=60)
    judge = StaffUserFactory()
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    case.circuits["jeddah-1"].judges.add(judge)
    decision = Decision.objects.get(case_id=request.pk, step="audit")

    client.force_login(judge)
    response = client.post(
        reverse("supervision:act", args=[decision.pk, "reverse"]), {"reason": "الحساب للدائن بعد التحقق"}
    )
    assert response.status_code == 302
    wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED, timeout=60)
    assert Decision.objects.get(pk=decision.pk).review_state == "overridden"
