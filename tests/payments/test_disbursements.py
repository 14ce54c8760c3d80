"""Disbursements to an IBAN through the banks registry: retried until done, never twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from najiz.common.identifiers import make_saudi_iban
from najiz.registries import services as registries
from najiz.registries.models import Account, AccountMovement
from payments import services, signals, tasks
from payments.models import Disbursement, DisbursementStatus, LedgerAccount, LedgerTransaction, TransactionKind
from tests.factories.registries import AccountFactory

from .conftest import new_txn_id

D = Decimal


@pytest.fixture
def funded_case(make_invoice, case):
    """A case for which the court holds 1,000 SAR (paid through its invoice)."""
    invoice = make_invoice("1000.00")
    services.record_gateway_payment(invoice, new_txn_id(), D("1000.00"), "mada")
    return case


def _flaky_credit(monkeypatch, failures: int):
    """The bank refuses the first `failures` credits, then works; returns the call log."""
    real_credit = registries.credit
    calls = []

    def credit(iban, amount, ref):
        calls.append(ref)
        if len(calls) <= failures:
            raise registries.BankError("bank unavailable")
        return real_credit(iban, amount, ref)

    monkeypatch.setattr(registries, "credit", credit)
    return calls


def test_disbursement_fails_twice_at_the_bank_then_completes_exactly_once(
    funded_case, creditor_account, monkeypatch, travel, django_capture_on_commit_callbacks
):
    """In-process (no broker) the sweep is what retries; tests/payments/test_disbursement_worker.py
    shows the same with a real worker retrying with backoff."""
    calls = _flaky_credit(monkeypatch, failures=2)
    done = []
    receiver = lambda sender, disbursement, **kw: done.append(disbursement.pk)  # noqa: E731
    signals.disbursement_done.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            disbursement = services.request_disbursement(
                funded_case, creditor_account.iban, D("600.00"), ref="payout-1"
            )
        disbursement.refresh_from_db()
        assert (disbursement.status, disbursement.attempts, disbursement.last_error) == (
            DisbursementStatus.PENDING, 1, "bank unavailable"
        )
        for hours, attempts, status in [(1, 2, DisbursementStatus.PENDING), (2, 3, DisbursementStatus.DONE)]:
            with travel(timedelta(hours=hours)), django_capture_on_commit_callbacks(execute=True):
                assert tasks.sweep_disbursements.delay().get() == 1
            disbursement.refresh_from_db()
            assert (disbursement.status, disbursement.attempts) == (status, attempts)
        assert disbursement.last_error == "" and disbursement.done_at is not None
        # running it again (a duplicate delivery, the sweep) changes nothing
        with travel(timedelta(hours=3)), django_capture_on_commit_callbacks(execute=True):
            tasks.execute_disbursement.delay(disbursement.pk)
            services.execute_disbursement(disbursement.pk)
            assert tasks.sweep_disbursements.delay().get() == 0
    finally:
        signals.disbursement_done.disconnect(receiver)
    disbursement.refresh_from_db()
    assert disbursement.attempts == 3
    assert len(calls) == 3
    creditor_account.refresh_from_db()
    assert creditor_account.balance == D("600.00")
    assert AccountMovement.objects.filter(account=creditor_account).count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.DISBURSEMENT).count() == 1
    assert services.held_for(funded_case) == D("400.00")
    assert registries.court_trust_account().balance == services.balance(LedgerAccount.COURT_TRUST) == D("400.00")
    assert done == [disbursement.pk]


def test_a_failed_attempt_is_recorded_and_the_error_raised_for_the_retry(funded_case, creditor_account, monkeypatch):
    _flaky_credit(monkeypatch, failures=1)
    disbursement = services.request_disbursement(funded_case, creditor_account.iban, D("100.00"), ref="payout-1")
    with pytest.raises(registries.BankError):
        services.execute_disbursement(disbursement.pk)
    disbursement.refresh_from_db()
    assert (disbursement.status, disbursement.attempts, disbursement.last_error) == (
        DisbursementStatus.PENDING, 1, "bank unavailable"
    )
    assert services.held_for(funded_case) == D("1000.00")
    assert registries.court_trust_account().balance == D("1000.00")  # the trust debit was rolled back too
    services.execute_disbursement(disbursement.pk)
    disbursement.refresh_from_db()
    assert disbursement.status == DisbursementStatus.DONE


def test_a_closed_account_fails_after_the_last_attempt(
    funded_case, creditor_account, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS = 3
    Account.objects.filter(pk=creditor_account.pk).update(status=Account.Status.CLOSED)
    failed = []
    receiver = lambda sender, disbursement, **kw: failed.append(disbursement.pk)  # noqa: E731
    signals.disbursement_failed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            disbursement = services.request_disbursement(
                funded_case, creditor_account.iban, D("100.00"), ref="payout-1"
            )
            tasks.execute_disbursement.delay(disbursement.pk)
            tasks.execute_disbursement.delay(disbursement.pk)
            tasks.execute_disbursement.delay(disbursement.pk)  # already failed: nothing more
    finally:
        signals.disbursement_failed.disconnect(receiver)
    disbursement.refresh_from_db()
    assert (disbursement.status, disbursement.attempts) == (DisbursementStatus.FAILED, 3)
    assert "Closed account" in disbursement.last_error
    assert failed == [disbursement.pk]
    assert services.held_for(funded_case) == D("1000.00")
    assert services.available_for_disbursement(funded_case) == D("1000.00")
    # the creditor gives another IBAN: the same disbursement goes again
    other = AccountFactory(balance=D("0.00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_disbursement(disbursement, iban=other.iban)
    disbursement.refresh_from_db()
    assert disbursement.status == DisbursementStatus.DONE and disbursement.iban == other.iban
    other.refresh_from_db()
    assert other.balance == D("100.00")


def test_cannot_disburse_more_than_is_held_and_pending_counts(funded_case, creditor_account):
    services.request_disbursement(funded_case, creditor_account.iban, D("700.00"), ref="payout-1")
    assert services.available_for_disbursement(funded_case) == D("300.00")
    with pytest.raises(ValidationError):
        services.request_disbursement(funded_case, creditor_account.iban, D("300.01"), ref="payout-2")
    services.request_disbursement(funded_case, creditor_account.iban, D("300.00"), ref="payout-2")


def test_request_is_idempotent_on_its_reference(funded_case, creditor_account):
    first = services.request_disbursement(funded_case, creditor_account.iban, D("100.00"), ref="payout-1")
    again = services.request_disbursement(funded_case, creditor_account.iban, D("100.00"), ref="payout-1")
    assert first == again and Disbursement.objects.count() == 1
    with pytest.raises(ValidationError):
        services.request_disbursement(funded_case, creditor_account.iban, D("200.00"), ref="payout-1")


@pytest.mark.parametrize(
    "iban, amount", [("SA00123", "10.00"), (make_saudi_iban("80", "1"), "0"), (make_saudi_iban("80", "1"), "-1")]
)
def test_bad_disbursement_requests_are_refused(funded_case, iban, amount):
    with pytest.raises(ValidationError):
        services.request_disbursement(funded_case, iban, amount, ref="x")
    assert not Disbursement.objects.exists()


def test_refund_to_the_payer(funded_case, payer_person, django_capture_on_commit_callbacks):
    account = registries.accounts_of(payer_person)[0]
    before = account.balance
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund(funded_case, account.iban, D("150.00"), ref="overpayment")
    refund.refresh_from_db()
    assert refund.status == DisbursementStatus.DONE
    account.refresh_from_db()
    assert account.balance == before + D("150.00")
    assert LedgerTransaction.objects.filter(kind=TransactionKind.REFUND).count() == 1
    assert services.held_for(funded_case) == D("850.00")


def test_seized_funds_are_held_for_the_case(case, payer, payer_person):
    account = registries.accounts_of(payer_person)[0]
    registries.freeze(account.iban, D("700.00"), "EN-1")
    assert services.seize_to_trust(case, account.iban, ref="EN-1") == D("700.00")
    assert services.seize_to_trust(case, account.iban, ref="EN-1") == D("700.00")  # idempotent
    assert services.held_for(case) == D("700.00") == services.collected_for(case)
    assert registries.court_trust_account().balance == services.balance(LedgerAccount.COURT_TRUST) == D("700.00")
    assert LedgerTransaction.objects.filter(kind=TransactionKind.SEIZURE).count() == 1


def test_sweep_requeues_stalled_disbursements(funded_case, creditor_account, travel):
    disbursement = services.request_disbursement(funded_case, creditor_account.iban, D("100.00"), ref="payout-1")
    assert services.requeue_stalled_disbursements() == 0  # just requested
    with travel(timedelta(hours=1)):
        assert services.requeue_stalled_disbursements() == 1
    disbursement.refresh_from_db()
    assert disbursement.status == DisbursementStatus.DONE
    with travel(timedelta(hours=2)):
        assert services.requeue_stalled_disbursements() == 0


def test_disbursements_requested_together_are_executed_by_one_task(
    funded_case, creditor_account, monkeypatch, django_capture_on_commit_callbacks
):
    """Inside disbursements_together one execute_disbursements task makes them all, as each would
    have been made alone: the bank's transfers, a ledger posting each, done, reported together."""
    other = AccountFactory(balance=D("0.00"))
    done = []
    receiver = lambda sender, disbursements, **kw: done.append([d.pk for d in disbursements])  # noqa: E731
    signals.disbursements_done.connect(receiver)
    sent = []
    real_apply = tasks.execute_disbursements.apply_async
    monkeypatch.setattr(tasks.execute_disbursement, "apply_async", lambda *a, **kw: pytest.fail("a task each"))
    monkeypatch.setattr(tasks.execute_disbursements, "apply_async",
                        lambda *a, **kw: sent.append(kw["args"]) or real_apply(*a, **kw))
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            with services.disbursements_together():
                first = services.request_disbursement(funded_case, creditor_account.iban, D("600.00"), ref="p-1")
                second = services.request_disbursement(funded_case, other.iban, D("250.25"), ref="p-2")
    finally:
        signals.disbursements_done.disconnect(receiver)
    assert sent == [([first.pk, second.pk],)]
    for disbursement in (first, second):
        disbursement.refresh_from_db()
        assert (disbursement.status, disbursement.attempts) == (DisbursementStatus.DONE, 1)
        assert disbursement.ledger_transaction.kind == TransactionKind.DISBURSEMENT
    assert done == [[first.pk, second.pk]]  # one signal for the two
    creditor_account.refresh_from_db(), other.refresh_from_db()
    assert (creditor_account.balance, other.balance) == (D("600.00"), D("250.25"))
    assert services.held_for(funded_case) == D("149.75")
    trust = registries.court_trust_account()
    assert trust.balance == services.balance(LedgerAccount.COURT_TRUST) == D("149.75")
    out = AccountMovement.objects.filter(account=trust, kind=AccountMovement.Kind.DEBIT).order_by("pk")
    assert [(m.amount, m.balance_after) for m in out] == [(D("-600.00"), D("400.00")), (D("-250.25"), D("149.75"))]
    assert services.execute_disbursements([first.pk, second.pk]) == []  # done: nothing again


def test_a_refused_disbursement_sends_each_of_the_page_to_its_own_task(
    funded_case, creditor_account, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS = 1
    closed = AccountFactory(balance=D("0.00"))
    with transaction.atomic(), services.disbursements_together():
        good = services.request_disbursement(funded_case, creditor_account.iban, D("300.00"), ref="p-1")
        bad = services.request_disbursement(funded_case, closed.iban, D("200.00"), ref="p-2")
    Account.objects.filter(pk=closed.pk).update(status=Account.Status.CLOSED)
    with pytest.raises(registries.BankError), transaction.atomic():
        services.execute_disbursements([good.pk, bad.pk])
    good.refresh_from_db()
    assert (good.status, good.attempts) == (DisbursementStatus.PENDING, 0)  # nothing moved, no attempt counted
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.execute_disbursements([good.pk, bad.pk]) == 0
    good.refresh_from_db(), bad.refresh_from_db()
    assert (good.status, bad.status) == (DisbursementStatus.DONE, DisbursementStatus.FAILED)
    creditor_account.refresh_from_db()
    assert creditor_account.balance == D("300.00")
    assert services.held_for(funded_case) == D("700.00")


def test_seizures_to_trust_together_post_each_once(payer_person):
    from tests.factories.registries import InstrumentFactory

    cases = [InstrumentFactory(), InstrumentFactory()]
    account = AccountFactory(person=payer_person, balance=D("1000.00"))
    registries.freeze(account.iban, D("300.00"), "EN-1")
    registries.freeze(account.iban, D("200.25"), "EN-2")
    seizures = [services.Seizure(cases[0], account.iban, "EN-1"), services.Seizure(cases[1], account.iban, "EN-2"),
                services.Seizure(cases[1], account.iban, "EN-3")]
    assert services.seize_to_trust_many(seizures) == [D("300.00"), D("200.25"), D("0.00")]
    assert services.seize_to_trust_many(seizures) == [D("300.00"), D("200.25"), D("0.00")]  # idempotent
    assert [services.held_for(case) for case in cases] == [D("300.00"), D("200.25")]
    assert LedgerTransaction.objects.filter(kind=TransactionKind.SEIZURE).count() == 2
    assert registries.court_trust_account().balance == services.balance(LedgerAccount.COURT_TRUST) == D("500.25")


def test_what_is_held_is_paid_out_up_to_the_claim(funded_case, creditor_account):
    from tests.factories.registries import InstrumentFactory

    first = services.pay_out_held(funded_case, creditor_account.iban, claim=D("600.00"), ref_prefix="EN-1/payout")
    assert (first.ref, first.amount, first.kind) == ("EN-1/payout/1", D("600.00"), "payout")
    again = services.pay_out_held(funded_case, creditor_account.iban, claim=D("600.00"), ref_prefix="EN-1/payout")
    assert again is None
    # more is owed than is held: what no pending payout will take
    second = services.pay_out_held(funded_case, creditor_account.iban, claim=D("1500.00"), ref_prefix="EN-1/payout")
    assert (second.ref, second.amount) == ("EN-1/payout/2", D("400.00"))
    # a failed payout is not counted against the claim, nor held back from the next
    Disbursement.objects.filter(pk=second.pk).update(status=DisbursementStatus.FAILED)
    third = services.pay_out_held(funded_case, creditor_account.iban, claim=D("1500.00"), ref_prefix="EN-1/payout")
    assert (third.ref, third.amount) == ("EN-1/payout/3", D("400.00"))
    nothing_held = InstrumentFactory()
    assert services.pay_out_held(nothing_held, creditor_account.iban, claim=D("10.00"), ref_prefix="x") is None
    with pytest.raises(ValidationError):
        services.pay_out_held(funded_case, "SA00123", claim=D("10.00"), ref_prefix="x")


def test_payouts_of_many_purposes_take_the_same_few_statements_as_one(
    payer_person, creditor_account, django_assert_num_queries
):
    """A sweep's page pays its creditors together: four statements whatever the number of purposes,
    each payout reckoned from its own purpose's holding and disbursements."""
    from tests.factories.registries import InstrumentFactory

    account = AccountFactory(person=payer_person, balance=D("5000.00"))
    cases = [InstrumentFactory() for _ in range(4)]
    for n, case in enumerate(cases[:3]):
        registries.freeze(account.iban, D("100.00") * (n + 1), f"EN-{n}")
        services.seize_to_trust(case, account.iban, ref=f"EN-{n}")
    services.pay_out_held(cases[0], creditor_account.iban, claim=D("50.00"), ref_prefix="EN-0/payout")
    payouts = [services.Payout(case, creditor_account.iban, D("250.00"), f"EN-{n}/payout")
               for n, case in enumerate(cases)]
    with django_assert_num_queries(4):
        made = services.pay_out_held_many(payouts)
    assert [(d.ref, d.amount) if d else None for d in made] == [
        ("EN-0/payout/2", D("50.00")),  # 100 held, 50 already on its way, the claim's 250 not reached
        ("EN-1/payout/1", D("200.00")),
        ("EN-2/payout/1", D("250.00")),  # 300 held, the claim is 250
        None,  # nothing held
    ]
    assert services.pay_out_held_many(payouts[1:3]) == [None, None]
    with pytest.raises(ValueError):
        services.pay_out_held_many([payouts[0], payouts[0]])
