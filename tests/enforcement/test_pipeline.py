"""The automatic steps after filing: audit → referral → execution order, invoice and notice."""

from decimal import Decimal

import pytest

from enforcement import services
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.casefile import selectors as casefile
from notifications.models import Notification
from payments.models import Invoice

pytestmark = pytest.mark.django_db


def file(case, *, amount="5000.00", iban=None, instrument=None, debtors=None, capture=None):
    request = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=instrument or case.instrument.number,
        debtor_ids=debtors or [case.debtor.national_id], amount=Decimal(amount), iban=iban or case.account.iban,
    )
    with capture(execute=True):
        services.submit(request, user=case.user)
    return EnforcementRequest.objects.get(pk=request.pk)


def test_a_sound_request_reaches_the_execution_order_by_itself(case, django_capture_on_commit_callbacks):
    request = file(case, capture=django_capture_on_commit_callbacks)
    assert request.status == Status.ORDER_ISSUED
    assert request.number.startswith("EN-")
    assert request.circuit.code == "jeddah-1"  # the debtor's city
    assert request.order.amount == Decimal("5000.00")
    assert request.deadline == request.notified_at + services.settings.ENFORCEMENT_PAYMENT_PERIOD
    invoice = Invoice.objects.get(purpose_id=request.pk)
    assert invoice.amount == Decimal("5000.00") and invoice.allow_partial
    notice = Notification.objects.get(recipient__national_id=case.debtor.national_id, kind="enforcement.order_issued")
    assert {d.channel for d in notice.deliveries.all()} >= {"in_app", "email", "sms"}
    steps = [d.step for d in casefile.decisions_of(request)]
    assert steps == ["audit", "referral", "order"]
    assert {d.circuit.code for d in casefile.decisions_of(request)} == {"jeddah-1"}  # reviewed by its judges
    kinds = [e.kind for e in casefile.timeline(request)]
    assert kinds == ["enforcement.submitted", "enforcement.audited", "enforcement.accepted", "enforcement.referred",
                     "enforcement.order_issued"]


def test_running_the_automation_again_changes_nothing(case, django_capture_on_commit_callbacks):
    request = file(case, capture=django_capture_on_commit_callbacks)
    assert services.advance(request.pk) == Status.ORDER_ISSUED
    assert len(casefile.decisions_of(request)) == 3
    assert Invoice.objects.filter(purpose_id=request.pk).count() == 1


def test_a_faulty_request_is_rejected_with_its_reasons(case, django_capture_on_commit_callbacks):
    other = services.registries.accounts_of(case.debtor)[0]
    request = file(case, iban=other.iban, capture=django_capture_on_commit_callbacks)
    assert request.status == Status.REJECTED
    audit = casefile.decisions_of(request).get(step="audit")
    assert [r["id"] for r in audit.failed_rules()] == ["iban_held_by_creditor"]
    assert Notification.objects.filter(recipient=case.user, kind="enforcement.rejected").exists()
    assert not Invoice.objects.filter(purpose_id=request.pk).exists()


def test_second_request_on_the_same_instrument_is_refused(case, django_capture_on_commit_callbacks):
    file(case, amount="1000.00", capture=django_capture_on_commit_callbacks)
    second = file(case, amount="1000.00", capture=django_capture_on_commit_callbacks)
    audit = casefile.decisions_of(second).get(step="audit")
    assert [r["id"] for r in audit.failed_rules()] == ["no_open_request"]


def test_debtor_in_a_city_without_a_circuit_goes_to_the_capital(case, django_capture_on_commit_callbacks):
    case.debtor.city = "abha"
    case.debtor.save()
    request = file(case, capture=django_capture_on_commit_callbacks)
    assert request.circuit.city == "riyadh"
    referral = casefile.decisions_of(request).get(step="referral")
    assert referral.inputs["fallback_to_capital"] is True


def test_referral_prefers_the_least_loaded_circuit(case, circuits, django_capture_on_commit_callbacks):
    case.debtor.city = "riyadh"
    case.debtor.save()
    first = file(case, amount="1000.00", capture=django_capture_on_commit_callbacks)
    assert first.circuit.code == "riyadh-1"
    from tests.factories import registries as factories

    again = factories.InstrumentFactory(creditor_person=case.creditor, debtors=[case.debtor])
    second = file(case, amount="1000.00", instrument=again.number, capture=django_capture_on_commit_callbacks)
    assert second.circuit.code == "riyadh-2"


def test_a_request_whose_task_was_lost_is_pushed_on_by_the_sweep(case, travel):
    from datetime import timedelta

    from enforcement.tasks import sweep_stalled

    request = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    services.submit(request, user=case.user)  # on-commit task never runs: the test transaction never commits
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.SUBMITTED
    assert sweep_stalled() == 0  # not stalled yet
    with travel(timedelta(minutes=10)):
        assert sweep_stalled() == 1
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED


def test_every_status_change_is_announced_in_order(case, django_capture_on_commit_callbacks):
    from enforcement.signals import request_status_changed

    seen = []

    def listener(sender, moves, **kwargs):
        seen.extend(move.status for move in moves)

    request_status_changed.connect(listener)
    try:
        file(case, capture=django_capture_on_commit_callbacks)
    finally:
        request_status_changed.disconnect(listener)
    assert seen == ["submitted", "audited", "accepted", "referred", "order_issued"]


def test_circuit_loads_are_kept_in_the_cache_and_grow_with_each_referral(
    case, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from tests.factories import registries as factories

    settings.ENFORCEMENT_LOADS_CACHE_SECONDS = 30
    cache.clear()
    chosen = []
    for _ in range(4):  # one batch each: the second sees the first's referral through the cache
        debtor = factories.PersonFactory(city="riyadh")
        instrument = factories.InstrumentFactory(
            creditor_person=case.creditor, debtors=[debtor], amount=Decimal("8000.00")
        )
        request = file(case, instrument=instrument.number, debtors=[debtor.national_id],
                       capture=django_capture_on_commit_callbacks)
        chosen.append(request.circuit.code)
    assert chosen == ["riyadh-1", "riyadh-2", "riyadh-1", "riyadh-2"]
    assert cache.get_many([f"enforcement:open-load:{c.pk}" for c in case.circuits.values()]) == {
        f"enforcement:open-load:{case.circuits['riyadh-1'].pk}": 2,
        f"enforcement:open-load:{case.circuits['riyadh-2'].pk}": 2,
        f"enforcement:open-load:{case.circuits['jeddah-1'].pk}": 0,
    }
    referral = casefile.decisions_of(request)[1]
    assert referral.step == "referral" and referral.inputs["loads"] == {"riyadh-1": 2, "riyadh-2": 1}  # before its own
    cache.clear()


def test_a_full_batch_asks_for_the_next_and_every_request_is_done_once(
    case, settings, django_capture_on_commit_callbacks
):
    from tests.factories import registries as factories

    settings.ENFORCEMENT_BATCH_SIZE = 2
    drafts = []
    for _ in range(5):
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
    with django_capture_on_commit_callbacks(execute=False):  # submitted, none of their tasks run
        for draft in drafts:
            services.submit(draft, user=case.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(drafts[0].pk)  # one task: batches of two, each full one asking for the next
    requests = EnforcementRequest.objects.filter(pk__in=[d.pk for d in drafts])
    assert {r.status for r in requests} == {Status.ORDER_ISSUED}
    for request in requests:
        assert [d.step for d in casefile.decisions_of(request)] == ["audit", "referral", "order"]


def test_the_circuits_loads_are_counted_from_their_index_alone(case):
    """Counting the open requests reads the partial index, not the rows: at a million requests
    a third of them open, reading the rows took half a second (make bench's diagnostics)."""
    from django.db import connection

    from enforcement.pipeline import open_counts

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # plan as for a large table
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = open_counts(list(case.circuits.values())).explain()
    assert "Index Only Scan using request_open_per_circuit" in plan, plan
