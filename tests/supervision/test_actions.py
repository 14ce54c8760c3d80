"""Each judge action through HTTP: a reason is required, the action is recorded with the judge,
and it has its effect on the case through the enforcement services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest, Measure
from enforcement.tasks import sweep_deadlines
from najiz.casefile.models import Decision, Event
from najiz.casefile.selectors import timeline
from najiz.registries import services as registries
from najiz.registries.models import Account
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db
REASON = "تحقق القاضي من أن الحساب للدائن"


def reload(request):
    return EnforcementRequest.objects.get(pk=request.pk)


def decision_of(request, step):
    return Decision.objects.filter(case_id=request.pk, step=step).last()


def act(client, decision, action, capture, **data):
    with capture(execute=True):
        return client.post(reverse("supervision:act", args=[decision.pk, action]), {"reason": REASON, **data})


def judge_events(request, judge):
    return list(
        Event.objects.filter(case_id=request.pk, actor="judge", actor_user=judge).values_list("kind", flat=True)
    )


@pytest.mark.parametrize("reason", ["", "   ", "ab"])
def test_every_action_requires_a_reason(judge_client, rejected, reason, django_capture_on_commit_callbacks):
    decision = decision_of(rejected, "audit")
    for action in ("confirm", "reverse", "rerun", "suspend", "end"):
        response = act(judge_client, decision, action, django_capture_on_commit_callbacks, reason=reason)
        assert response.status_code == 400
        forms = {f["name"]: f["form"] for f in response.context["action_forms"]}
        if action in forms:  # suspend / end do not apply to a rejected request; the reason is checked first
            assert "reason" in forms[action].errors
    assert reload(rejected).status == "rejected"
    assert Decision.objects.get(pk=decision.pk).review_state == "pending"
    assert not Event.objects.filter(case_id=rejected.pk, actor="judge").exists()


def test_reversed_rejection_leads_to_an_order(judge_client, judge, case, rejected, django_capture_on_commit_callbacks):
    decision = decision_of(rejected, "audit")
    response = act(judge_client, decision, "reverse", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    request = reload(rejected)
    assert request.status == "order_issued"
    assert request.order.amount == Decimal("5000.00")
    decision.refresh_from_db()
    assert (decision.review_state, decision.reviewed_by, decision.review_reason) == ("overridden", judge, REASON)
    assert {"enforcement.accepted", "decision.overridden"} <= set(judge_events(request, judge))
    # the parties see it on their timeline, with the reason
    public = [event.message for event in timeline(request, public_only=True)]
    assert any(REASON in message for message in public)


def test_confirm(judge_client, judge, rejected, django_capture_on_commit_callbacks):
    decision = decision_of(rejected, "audit")
    assert act(judge_client, decision, "confirm", django_capture_on_commit_callbacks).status_code == 302
    decision.refresh_from_db()
    assert (decision.review_state, decision.reviewed_by) == ("confirmed", judge)
    event = Event.objects.get(case_id=rejected.pk, kind="decision.confirmed")
    assert event.actor_user == judge and event.public and event.decision == decision and REASON in event.message
    assert reload(rejected).status == "rejected"
    # confirming twice is refused, not a crash
    assert act(judge_client, decision, "confirm", django_capture_on_commit_callbacks).status_code == 409


def test_internal_note_is_not_public(judge_client, rejected, django_capture_on_commit_callbacks):
    decision = decision_of(rejected, "audit")
    act(judge_client, decision, "confirm", django_capture_on_commit_callbacks, note="ملاحظة داخلية للقضاة")
    assert "ملاحظة داخلية" not in " ".join(e.message for e in timeline(rejected, public_only=True))
    assert Event.objects.get(case_id=rejected.pk, kind="supervision.note").public is False


def test_rerun_audit(judge_client, judge, case, file_request, django_capture_on_commit_callbacks):
    request = file_request(amount=Decimal("9000.00"))  # more than the instrument
    assert request.status == "rejected"
    case.instrument.amount = Decimal("9500.00")
    case.instrument.save()
    decision = decision_of(request, "audit")
    assert act(judge_client, decision, "rerun", django_capture_on_commit_callbacks).status_code == 302
    assert reload(request).status == "order_issued"
    decision.refresh_from_db()
    assert decision.review_state == "overridden"
    assert Decision.objects.filter(case_id=request.pk, step="audit").count() == 2
    assert "enforcement.audit_rerun" in judge_events(request, judge)


@pytest.fixture
def with_measures(case, file_request, django_capture_on_commit_callbacks, travel):
    factories.DeedFactory(owners=[case.debtor], number="DEBTOR-DEED-9")
    request = file_request()
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    request = reload(request)
    assert request.status == "measures_applied"
    return request


def test_lift_the_deed_seizure(judge_client, judge, with_measures, django_capture_on_commit_callbacks):
    seizure = Measure.objects.get(request=with_measures, kind="deed_seizure")
    assert registries.active_encumbrances(registries.deed("DEBTOR-DEED-9"))
    decision = decision_of(with_measures, "measures")
    response = act(judge_client, decision, "lift", django_capture_on_commit_callbacks, measure=seizure.pk)
    assert response.status_code == 302
    assert not registries.active_encumbrances(registries.deed("DEBTOR-DEED-9"))
    seizure.refresh_from_db()
    assert seizure.status == "lifted"
    assert Measure.objects.filter(request=with_measures, status="applied").exists()  # only that one
    assert "enforcement.measure_lifted_by_judge" in judge_events(with_measures, judge)
    decision.refresh_from_db()
    assert decision.review_state == "overridden"


def test_lift_a_balance_freeze_unfreezes_it(
    judge_client, judge, case, with_measures, django_capture_on_commit_callbacks
):
    """A balance frozen and not (yet) seized, e.g. a second account found later."""
    account = factories.AccountFactory(person=case.debtor, balance=Decimal("700.00"))
    registries.freeze(account.iban, Decimal("500.00"), with_measures.number)
    debtor = with_measures.debtors.get()
    freeze = Measure.objects.create(request=with_measures, debtor=debtor, kind="freeze_balance", target=account.iban,
                                    amount=Decimal("500.00"))
    assert Account.objects.get(pk=account.pk).frozen == Decimal("500.00")
    act(
        judge_client,
        decision_of(with_measures, "measures"),
        "lift",
        django_capture_on_commit_callbacks,
        measure=freeze.pk,
    )
    assert Account.objects.get(pk=account.pk).frozen == Decimal("0.00")
    assert Measure.objects.get(pk=freeze.pk).status == "lifted"


def test_lift_a_measure_of_another_request_is_refused(
    judge_client, with_measures, rejected, django_capture_on_commit_callbacks
):
    measure = Measure.objects.filter(request=with_measures).first()
    response = act(
        judge_client, decision_of(rejected, "audit"), "lift", django_capture_on_commit_callbacks, measure=measure.pk
    )
    assert response.status_code == 409
    assert Measure.objects.get(pk=measure.pk).status == "applied"


def test_suspended_request_is_skipped_by_the_deadline_sweep(judge_client, judge, file_request, travel,
                                                           django_capture_on_commit_callbacks):
    request = file_request()
    decision = decision_of(request, "order")
    assert act(judge_client, decision, "suspend", django_capture_on_commit_callbacks).status_code == 302
    assert reload(request).status == "suspended"
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines()["enforcement.apply_measures"] == 0
    assert reload(request).status == "suspended"
    assert act(judge_client, decision, "resume", django_capture_on_commit_callbacks).status_code == 302
    assert reload(request).status == "order_issued"
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    assert reload(request).status == "measures_applied"
    assert {"enforcement.suspended", "enforcement.resumed"} <= set(judge_events(request, judge))


def test_end_the_request_lifts_every_measure(
    judge_client, judge, case, with_measures, django_capture_on_commit_callbacks
):
    decision = decision_of(with_measures, "measures")
    assert act(judge_client, decision, "end", django_capture_on_commit_callbacks).status_code == 302
    request = reload(with_measures)
    assert request.status == "closed"
    assert not request.measures.filter(status="applied").exists()
    assert not registries.active_encumbrances(registries.deed("DEBTOR-DEED-9"))
    assert "enforcement.ended_by_judge" in judge_events(request, judge)
    # nothing more can be done on a closed request: a message, never a 500
    response = act(judge_client, decision, "suspend", django_capture_on_commit_callbacks)
    assert response.status_code == 409
    assert response.context["error"]


def test_reverse_is_refused_when_not_a_rejection(judge_client, file_request, django_capture_on_commit_callbacks):
    request = file_request()
    response = act(judge_client, decision_of(request, "order"), "reverse", django_capture_on_commit_callbacks)
    assert response.status_code == 409
