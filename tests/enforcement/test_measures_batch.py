"""Lapsed periods are applied by the page: the sweep sends ENFORCEMENT_MEASURES_BATCH_SIZE requests
to one task, which applies each in a savepoint of its own. A request whose measures fail is rolled
back alone and sent to its own task; the rest of the page is committed in the same pass."""

from datetime import timedelta
from decimal import Decimal

import pytest

from enforcement import dispatch, services, tasks
from enforcement.models import EnforcementRequest, Measure, MeasureKind
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines
from najiz.registries import services as registries
from notifications.models import Notification
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db
PERIOD = timedelta(days=6)


@pytest.fixture
def orders(case, django_capture_on_commit_callbacks):
    """Three orders, each on its own instrument against its own debtor, who holds 300 SAR and a deed."""
    return _orders(case, 3, django_capture_on_commit_callbacks)


def _orders(case, n, django_capture_on_commit_callbacks):
    drafts = []
    for _ in range(n):
        debtor = factories.PersonFactory()
        factories.AccountFactory(person=debtor, balance=Decimal("300.00"))
        factories.DeedFactory(owners=[debtor])
        instrument = factories.InstrumentFactory(creditor_person=case.creditor, debtors=[debtor],
                                                 amount=Decimal("8000.00"))
        drafts.append(services.save_draft(user=case.user, acting_entity=None, instrument_number=instrument.number,
                                          debtor_ids=[debtor.national_id], amount=Decimal("1000.00"),
                                          iban=case.account.iban))
    with django_capture_on_commit_callbacks(execute=True):
        for draft in drafts:
            services.submit(draft, user=case.user)
    requests = list(EnforcementRequest.objects.filter(pk__in=[d.pk for d in drafts]).order_by("pk"))
    assert {r.status for r in requests} == {Status.ORDER_ISSUED}
    return requests


@pytest.fixture
def sent(monkeypatch):
    """The tasks the sweep sends, instead of running them."""
    calls = []
    monkeypatch.setattr(dispatch, "enqueue", lambda task, *args, **kw: calls.append((task.name, args)) or True)
    return calls


def test_the_sweep_sends_lapsed_periods_by_the_page(orders, sent, settings, travel):
    settings.ENFORCEMENT_MEASURES_BATCH_SIZE = 2
    with travel(PERIOD):
        counts = sweep_deadlines()
    assert counts["enforcement.apply_measures"] == 3
    pages = [args[0] for name, args in sent if name == "enforcement.apply_measures_batch"]
    assert pages == [[orders[0].pk, orders[1].pk], [orders[2].pk]]
    assert not [name for name, _args in sent if name == "enforcement.apply_measures"]


def test_a_failing_request_is_rolled_back_alone_and_sent_to_its_own_task(
    orders, monkeypatch, travel, django_capture_on_commit_callbacks
):
    bad = orders[1]
    gather = services.gather_measure_inputs

    def failing_for_one(request):
        if request.pk == bad.pk:
            raise RuntimeError("a registry answer the step cannot read")
        return gather(request)

    monkeypatch.setattr(services, "gather_measure_inputs", failing_for_one)
    trust_before = registries.court_trust_account().balance
    retried = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **kw: retried.append((task.name, args)))
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.apply_measures_batch([o.pk for o in orders])
    assert outcome == {str(orders[0].pk): Status.MEASURES_APPLIED, str(orders[2].pk): Status.MEASURES_APPLIED}
    assert retried == [("enforcement.apply_measures", (bad.pk,))]
    statuses = dict(EnforcementRequest.objects.filter(pk__in=[o.pk for o in orders]).values_list("pk", "status"))
    assert statuses == {orders[0].pk: Status.MEASURES_APPLIED, bad.pk: Status.ORDER_ISSUED,
                        orders[2].pk: Status.MEASURES_APPLIED}
    assert not Measure.objects.filter(request=bad).exists()
    for good in (orders[0], orders[2]):
        kinds = sorted(good.measures.values_list("kind", flat=True))
        assert kinds == sorted([MeasureKind.DISCLOSE_ASSETS, MeasureKind.FREEZE_BALANCE, MeasureKind.SEIZE_BALANCE,
                                MeasureKind.TRAVEL_BAN, MeasureKind.STOP_POA, MeasureKind.DEED_SEIZURE,
                                MeasureKind.CREDIT_REPORT, MeasureKind.DEALINGS_BAR])
        assert EnforcementRequest.objects.get(pk=good.pk).collected == Decimal("300.00")
    told = Notification.objects.filter(kind="enforcement.measures_applied")
    assert sorted(set(told.values_list("case_id", flat=True))) == [orders[0].pk, orders[2].pk]
    trust = registries.court_trust_account()  # credited at the page's end, then paid out to the creditor
    credited = trust.movements.filter(kind="seized_in").values_list("ref", "amount")
    assert sorted(credited) == [(orders[0].number, Decimal("300.00")), (orders[2].number, Decimal("300.00"))]
    assert trust.balance == trust_before

    monkeypatch.setattr(services, "gather_measure_inputs", gather)  # its own task, once the registry answers
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_measures(bad.pk) == Status.MEASURES_APPLIED
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):  # a page run twice changes nothing
        tasks.apply_measures_batch([o.pk for o in orders])
    assert Measure.objects.filter(request__in=orders).count() == 24


def test_a_round_that_fails_midway_leaves_nothing_of_it_in_the_pages_writes(
    orders, monkeypatch, travel, django_capture_on_commit_callbacks
):
    """The page writes its rounds' decisions, moves and measures together after the last round;
    one that fails after its decision was made (here, at its account's freeze) is dropped from
    them with its savepoint."""
    from najiz.casefile.selectors import decisions_of, timeline
    from najiz.registries.models import Account

    bad = orders[1]
    bad_iban = Account.objects.get(person=bad.debtors.get().person).iban
    freeze = registries.FreezePlan.freeze

    def failing_for_one(plan, iban, amount, ref):
        if iban == bad_iban:
            raise registries.BankError("the bank did not answer")
        return freeze(plan, iban, amount, ref)

    monkeypatch.setattr(registries.FreezePlan, "freeze", failing_for_one)
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **kw: None)
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.apply_measures_batch([o.pk for o in orders])
    assert outcome == {str(orders[0].pk): Status.MEASURES_APPLIED, str(orders[2].pk): Status.MEASURES_APPLIED}
    assert EnforcementRequest.objects.get(pk=bad.pk).status == Status.ORDER_ISSUED
    assert not decisions_of(bad).filter(step="measures").exists()
    assert not Measure.objects.filter(request=bad).exists()
    assert Account.objects.get(iban=bad_iban).frozen == 0
    assert not timeline(bad, public_only=False).filter(kind="enforcement.measures_applied").exists()
    for good in (orders[0], orders[2]):
        decision = decisions_of(good).get(step="measures")
        assert set(good.measures.values_list("decision_id", flat=True)) == {decision.pk}
        assert good.measures.count() == 8
        moved = timeline(good, public_only=False).get(kind="enforcement.measures_applied")
        assert moved.decision_id == decision.pk


def test_a_failing_seizure_rolls_the_page_back_and_sends_each_request_to_its_own_task(
    orders, monkeypatch, travel, django_capture_on_commit_callbacks
):
    from payments import services as payments

    seize = payments.seize_to_trust_many

    def failing_for_one(seizures):
        seizures = list(seizures)
        if any(seizure.purpose.pk == orders[2].pk for seizure in seizures):
            raise RuntimeError("the bank did not answer")
        return seize(seizures)

    monkeypatch.setattr(payments, "seize_to_trust_many", failing_for_one)
    retried = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **kw: retried.append((task.name, args)))
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_measures_batch([o.pk for o in orders]) == {}
    assert retried == [("enforcement.apply_measures", (o.pk,)) for o in orders]
    assert set(EnforcementRequest.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)) == {
        Status.ORDER_ISSUED}
    assert not Measure.objects.filter(request__in=orders).exists()
    assert not Notification.objects.filter(kind="enforcement.measures_applied").exists()


def test_the_pages_restrictions_are_placed_together_and_a_refusal_rolls_the_page_back(
    orders, monkeypatch, travel, django_capture_on_commit_callbacks
):
    """The page's bans, stops, bars and reports go to the registries in one call at its end; if
    that fails, nothing of the page stays and each request is sent to its own task."""
    placed = []
    place = registries.place_restrictions

    def refusing(restrictions):
        placed.append(sorted({(r.registry, r.ref) for r in restrictions}))
        raise RuntimeError("the credit bureau did not answer")

    monkeypatch.setattr(registries, "place_restrictions", refusing)
    retried = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **kw: retried.append((task.name, args)))
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_measures_batch([o.pk for o in orders]) == {}
    assert placed == [sorted((registry, o.number) for o in orders
                             for registry in ("travel", "poa_issuing", "credit", "dealings"))]
    assert retried == [("enforcement.apply_measures", (o.pk,)) for o in orders]
    assert not Measure.objects.filter(request__in=orders).exists()
    assert set(EnforcementRequest.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)) == {
        Status.ORDER_ISSUED}

    monkeypatch.setattr(registries, "place_restrictions", place)
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        tasks.apply_measures_batch([o.pk for o in orders])
    assert Measure.objects.filter(request__in=orders).count() == 24


def test_the_pages_payouts_are_made_by_one_task_after_its_commit(
    orders, case, monkeypatch, travel, django_capture_on_commit_callbacks
):
    """Each debtor's 300 SAR is seized and owed to the creditor; the page asks for the three
    payouts together and one task pays them."""
    from payments import tasks as payment_tasks
    from payments.models import Disbursement, DisbursementStatus

    sent = []
    real_apply = payment_tasks.execute_disbursements.apply_async
    monkeypatch.setattr(payment_tasks.execute_disbursement, "apply_async", lambda *a, **kw: pytest.fail("a task each"))
    monkeypatch.setattr(payment_tasks.execute_disbursements, "apply_async",
                        lambda *a, **kw: sent.append(kw["args"]) or real_apply(*a, **kw))
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with travel(PERIOD), django_capture_on_commit_callbacks(execute=True):
        tasks.apply_measures_batch([o.pk for o in orders])
    payouts = list(Disbursement.objects.filter(purpose_id__in=[o.pk for o in orders]).order_by("pk"))
    assert sent == [([d.pk for d in payouts],)] and len(payouts) == 3
    assert {(d.status, d.amount) for d in payouts} == {(DisbursementStatus.DONE, Decimal("300.00"))}
    assert [r.disbursed for r in EnforcementRequest.objects.filter(pk__in=[o.pk for o in orders])] == [
        Decimal("300.00")] * 3
    # the creditor hears of the money before the measures, as when each was sent at once
    told = list(Notification.objects.filter(recipient=case.user, pk__gt=before).order_by("pk")
                .values_list("kind", "params"))
    money = [params["amount"] for kind, params in told if kind == "enforcement.money_received"]
    assert money == ["300.00"] * 3
    assert told[0][0] == "enforcement.money_received"


def test_a_page_reads_and_writes_most_of_its_requests_together(case, travel, django_capture_on_commit_callbacks):
    """A page's statements hardly grow with its requests: it locks them and reads their debtors,
    assets, measures, disclosures and earlier rounds once; it writes their freezes, decisions,
    moves, measures, restrictions, seizures and collections together, pays their creditors and
    amends their invoices together."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _orders(case, 1, django_capture_on_commit_callbacks)  # what only a process's first page reads
    small = _orders(case, 2, django_capture_on_commit_callbacks)
    large = _orders(case, 6, django_capture_on_commit_callbacks)
    counted = []
    with travel(PERIOD):
        services.apply_measures_batch([o.pk for o in first])
        for page in (small, large):
            with CaptureQueriesContext(connection) as statements:
                outcome = services.apply_measures_batch([o.pk for o in page])
            assert set(outcome.values()) == {Status.MEASURES_APPLIED}
            counted.append(len(statements))
    per_request = (counted[1] - counted[0]) / (len(large) - len(small))
    assert per_request <= 4, (per_request, counted)  # its savepoint, and little else
    assert Measure.objects.filter(request__in=small + large).count() == 8 * 8
