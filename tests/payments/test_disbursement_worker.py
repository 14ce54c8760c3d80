"""The same disbursement retry through Redis and a real worker: backoff retries, done once."""

from decimal import Decimal

import pytest

from najiz.registries import services as registries
from najiz.registries.models import AccountMovement
from payments import services
from payments.models import Disbursement, DisbursementStatus, LedgerTransaction, TransactionKind
from tests.factories.registries import AccountFactory
from tests.integration.conftest import celery_worker, wait_for  # noqa: F401 - the fixture

from .conftest import new_txn_id

pytestmark = pytest.mark.integration
D = Decimal


def test_worker_retries_a_failing_bank_with_backoff_and_pays_once(celery_worker, make_invoice, case, monkeypatch):  # noqa: F811
    invoice = make_invoice("1000.00")
    services.record_gateway_payment(invoice, new_txn_id(), D("1000.00"), "sadad")
    creditor = AccountFactory(balance=D("0.00"))
    real_credit = registries.credit
    calls = []

    def flaky_credit(iban, amount, ref):
        calls.append(ref)
        if len(calls) <= 2:
            raise registries.BankError("bank unavailable")
        return real_credit(iban, amount, ref)

    monkeypatch.setattr(registries, "credit", flaky_credit)
    disbursement = services.request_disbursement(case, creditor.iban, D("1000.00"), ref="payout-1")
    wait_for(lambda: Disbursement.objects.get(pk=disbursement.pk).status == DisbursementStatus.DONE, timeout=30)
    disbursement.refresh_from_db()
    assert disbursement.attempts == 3 and len(calls) == 3
    creditor.refresh_from_db()
    assert creditor.balance == D("1000.00")
    assert AccountMovement.objects.filter(account=creditor).count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.DISBURSEMENT).count() == 1
    assert services.held_for(case) == D("0.00")
