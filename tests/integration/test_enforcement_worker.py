"""With a real worker on Redis: a submitted request reaches the execution order by itself."""

from decimal import Decimal

import pytest

from enforcement import services
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from payments.models import Invoice

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_submitted_request_reaches_order_issued_with_no_further_action(celery_worker, case):
    request = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    services.submit(request, user=case.user)
    wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED, timeout=60)
    request.refresh_from_db()
    assert request.notified_at is not None
    assert Invoice.objects.filter(purpose_id=request.pk, amount=Decimal("5000.00")).exists()
