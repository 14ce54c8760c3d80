"""A request whose automatic step fails is set aside: the rest of its batch goes on in the same pass,
it stays out of the fresh batches, is retried alone with backoff, and after
ENFORCEMENT_STEP_MAX_FAILURES waits for a judge, who can have it retried."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import pipeline, quarantine, services
from enforcement.models import EnforcementRequest, StepFailure
from enforcement.states import Status
from enforcement.tasks import sweep_set_aside, sweep_stalled
from najiz.casefile import selectors as casefile
from najiz.casefile.models import ReviewState
from najiz.registries.models import Person
from tests.factories import registries as factories
from tests.supervision.conftest import make_judge

pytestmark = pytest.mark.django_db


def submitted(case, n, capture):
    """n requests of the case's creditor, each on its own instrument against its own debtor,
    submitted with none of their automatic steps run yet."""
    drafts = []
    for _ in range(n):
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
    with capture(execute=False):
        for draft in drafts:
            services.submit(draft, user=case.user)
    return list(EnforcementRequest.objects.filter(pk__in=[d.pk for d in drafts]).order_by("pk"))


def poison(request):
    """Registry data the order step cannot handle: the debtor's national id fails its check digit,
    so no portal account can be made for them."""
    person = request.debtors.get().person
    valid = person.national_id
    Person.objects.filter(pk=person.pk).update(national_id=valid[:-1] + str((int(valid[-1]) + 1) % 10))
    return person, valid


@pytest.fixture
def batch_runs(monkeypatch):
    """The sizes of the batches run."""
    runs, real = [], pipeline.Batch.run

    def run(self):
        runs.append(len(self.requests))
        return real(self)

    monkeypatch.setattr(pipeline.Batch, "run", run)
    return runs


def speak(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def statuses(drafts):
    return dict(EnforcementRequest.objects.filter(pk__in=[d.pk for d in drafts]).values_list("pk", "status"))


def test_one_bad_request_in_a_batch_of_fifty_is_set_aside_and_the_others_get_their_order_in_one_pass(
        case, batch_runs, django_capture_on_commit_callbacks):
    drafts = submitted(case, 50, django_capture_on_commit_callbacks)
    bad = drafts[17]
    poison(bad)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.advance(drafts[0].pk) == Status.ORDER_ISSUED
    assert batch_runs == [50]  # one batch, not redone one by one
    seen = statuses(drafts)
    assert seen.pop(bad.pk) == Status.SUBMITTED  # rolled back whole: no audit, referral or order of its own
    assert set(seen.values()) == {Status.ORDER_ISSUED} and len(seen) == 49
    assert not casefile.decisions_of(bad).exists()
    failure = StepFailure.objects.get(request=bad)
    assert (failure.step, failure.error, failure.failures) == ("order", "django.core.exceptions.ValidationError", 1)
    assert failure.retry_at == failure.last_failed_at + timedelta(seconds=60)


def test_a_request_set_aside_is_left_out_of_fresh_batches_and_retried_alone_after_its_backoff(
        case, batch_runs, travel, django_capture_on_commit_callbacks):
    bad = submitted(case, 1, django_capture_on_commit_callbacks)[0]
    person, valid = poison(bad)
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(bad.pk)
    assert StepFailure.objects.get(request=bad).failures == 1

    later = submitted(case, 1, django_capture_on_commit_callbacks)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(later.pk)
    assert statuses([later]) == {later.pk: Status.ORDER_ISSUED}
    assert batch_runs == [1, 1]  # the second batch had the new request alone
    assert StepFailure.objects.get(request=bad).failures == 1
    with travel(timedelta(seconds=30)):
        assert sweep_set_aside() == 0  # not yet due
    with travel(timedelta(minutes=10)):
        assert sweep_stalled() == 0  # not the stalled sweep's

    with travel(timedelta(seconds=61)):
        assert sweep_set_aside() == 1
    failure = StepFailure.objects.get(request=bad)
    assert failure.failures == 2 and failure.retry_at == failure.last_failed_at + timedelta(seconds=120)

    Person.objects.filter(pk=person.pk).update(national_id=valid)  # the registry is put right
    with travel(timedelta(seconds=61 + 121)):
        assert sweep_set_aside() == 1
    assert statuses([bad]) == {bad.pk: Status.ORDER_ISSUED}
    assert not StepFailure.objects.filter(request=bad).exists()
    assert batch_runs == [1, 1, 1, 1]  # each retry alone


def test_the_backoff_doubles_and_is_capped(settings):
    settings.ENFORCEMENT_STEP_RETRY_DELAY = timedelta(minutes=1)
    settings.ENFORCEMENT_STEP_RETRY_MAX_DELAY = timedelta(minutes=30)
    assert [quarantine.retry_delay(n) for n in (1, 2, 3, 6, 20)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 30, 30)]


def fail_until_a_judge_is_needed(bad, travel, capture):
    """Run the request and every retry until it has failed ENFORCEMENT_STEP_MAX_FAILURES times."""
    with capture(execute=True):
        services.advance(bad.pk)
    offset = timedelta(0)
    for failures in range(1, 5):
        offset += quarantine.retry_delay(failures) + timedelta(seconds=1)
        with travel(offset):
            assert sweep_set_aside() == 1
    with travel(offset + timedelta(days=1)):
        assert sweep_set_aside() == 0  # no more automatic retries


def test_after_the_last_failure_allowed_a_judge_sees_it_and_the_creditor_sees_it_delayed(
        case, circuits, client, travel, django_capture_on_commit_callbacks):
    bad = submitted(case, 1, django_capture_on_commit_callbacks)[0]
    person, valid = poison(bad)
    fail_until_a_judge_is_needed(bad, travel, django_capture_on_commit_callbacks)
    failure = StepFailure.objects.get(request=bad)
    assert failure.failures == 5 and failure.retry_at is None
    decision = failure.decision
    assert (decision.step, decision.outcome, decision.review_state) == (
        "set_aside",
        "needs_person",
        ReviewState.PENDING,
    )
    assert decision.circuit == circuits["riyadh-1"]  # not referred yet: the capital's
    assert decision.inputs["error"] == "django.core.exceptions.ValidationError" and decision.inputs["step"] == "order"

    judge = make_judge(circuits["riyadh-1"])
    client.force_login(judge)
    speak(client, "en")
    queue = client.get(reverse("supervision:queue")).content.decode()
    assert bad.number in queue and "Needs a person" in queue

    client.force_login(case.user)
    speak(client, "en")
    page = client.get(reverse("enforcement:detail", args=[bad.number]))
    text = page.content.decode()
    assert page.status_code == 200 and "Under review: delayed" in text
    assert "ValidationError" not in text and "Traceback" not in text
    assert 'hx-trigger="every 2s"' not in text  # nothing running to follow
    speak(client, "ar")
    arabic = client.get(reverse("enforcement:detail", args=[bad.number])).content.decode()
    assert "قيد المراجعة: متأخر" in arabic

    # the judge has it run again once the registry is put right
    Person.objects.filter(pk=person.pk).update(national_id=valid)
    client.force_login(judge)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:act", args=[decision.pk, "retry"]),
                               {"reason": "The civil registry corrected the debtor's id."})
    assert response.status_code == 302
    assert statuses([bad]) == {bad.pk: Status.ORDER_ISSUED}
    assert not StepFailure.objects.filter(request=bad).exists()
    decision.refresh_from_db()
    assert decision.review_state == ReviewState.CONFIRMED and decision.reviewed_by == judge
    assert "enforcement.steps_retried" in [e.kind for e in casefile.timeline(bad)]


def test_the_judge_cannot_retry_a_request_no_longer_set_aside(case, circuits, client, travel,
                                                               django_capture_on_commit_callbacks):
    bad = submitted(case, 1, django_capture_on_commit_callbacks)[0]
    poison(bad)
    fail_until_a_judge_is_needed(bad, travel, django_capture_on_commit_callbacks)
    decision = StepFailure.objects.get(request=bad).decision
    StepFailure.objects.filter(request=bad).delete()
    client.force_login(make_judge(circuits["riyadh-1"]))
    speak(client, "en")
    response = client.post(reverse("supervision:act", args=[decision.pk, "retry"]), {"reason": "Try it once more."})
    assert response.status_code == 409
    assert "This action is not possible in the request" in response.content.decode()


def test_a_fault_in_the_batchs_shared_writes_sets_aside_only_the_request_at_fault(
        case, monkeypatch, batch_runs, django_capture_on_commit_callbacks):
    """Not every fault shows in a request's own steps: if the invoices of the batch cannot be
    written, the batch is split until the request at fault is found; the others are written."""
    from payments import services as payments

    drafts = submitted(case, 8, django_capture_on_commit_callbacks)
    bad = drafts[5]
    real = payments.create_invoices

    def create_invoices(rows):
        if any(row["purpose"].pk == bad.pk for row in rows):
            raise ValueError("the bank refused the payer's details")
        return real(rows)

    monkeypatch.setattr(payments, "create_invoices", create_invoices)
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(drafts[0].pk)
    assert batch_runs == [8, 4, 4, 2, 1, 1, 2]  # halved down to the request at fault, not one by one
    seen = statuses(drafts)
    assert seen.pop(bad.pk) == Status.SUBMITTED
    assert set(seen.values()) == {Status.ORDER_ISSUED}
    failure = StepFailure.objects.get(request=bad)
    assert (failure.step, failure.error) == ("order", "ValueError")
    for request in EnforcementRequest.objects.filter(pk__in=seen):
        assert [d.step for d in casefile.decisions_of(request)] == ["audit", "referral", "order"]
