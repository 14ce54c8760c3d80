from decimal import Decimal

import pytest

from enforcement import services
from enforcement.models import EnforcementRequest
from tests.conveyance.conftest import sale  # noqa: F401  (a seller, a buyer and a deed)
from tests.factories import registries as factories


@pytest.fixture
def file_request(case, django_capture_on_commit_callbacks):
    """File a request for the case on an instrument of its own; `run=False` leaves it submitted
    (its automatic steps never sent), as a lost task would."""

    def _file(*, iban=None, run=True):
        instrument = factories.InstrumentFactory(creditor_person=case.creditor, debtors=[case.debtor],
                                                 amount=Decimal("8000.00"), kind="cheque")
        request = services.save_draft(
            user=case.user, acting_entity=None, instrument_number=instrument.number,
            debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=iban or case.account.iban,
        )
        with django_capture_on_commit_callbacks(execute=run):
            services.submit(request, user=case.user)
        return EnforcementRequest.objects.get(pk=request.pk)

    return _file
