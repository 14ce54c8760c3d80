"""The parties' motions through HTTP: the debtor objects or asks for a grace period, the creditor
grants one or reactivates early, the circuit judge rules. In every branch the books balance and
each measure is applied, and lifted, once at the registries."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest, Measure, Motion
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines
from najiz.accounts.models import JUDGES_GROUP
from najiz.accounts.services import user_for_person
from najiz.casefile.models import Decision, Event
from najiz.casefile.selectors import timeline
from najiz.common import clock
from najiz.registries.models import CreditReport, DealingBan, PoaIssuingStop, TravelBan
from payments.models import LedgerEntry
from tests.factories.accounts import StaffUserFactory

pytestmark = pytest.mark.django_db
REASON = "نظر القاضي في المنازعة ومستنداتها"
STATEMENT = "سددت المبلغ كاملا قبل صدور أمر التنفيذ بتحويل بنكي"
LAPSED = timedelta(days=6)  # past the payment period


@pytest.fixture
def judge(circuits):
    """The judge of the circuit of the debtor's city (Jeddah), where the case's requests go."""
    judge = StaffUserFactory()
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    circuits["jeddah-1"].judges.add(judge)
    return judge


@pytest.fixture
def debtor_client(client, case, measured):
    """Signed in on the clock of the request (a session dated before the travel would have expired)."""
    client.force_login(user_for_person(case.debtor))
    return client


@pytest.fixture
def measured(case, django_capture_on_commit_callbacks, travel):
    """A request whose period lapsed: measures applied (the debtor's 3,000 SAR seized of 5,000).
    The clock stays past the period for the whole test."""
    request = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                  debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"),
                                  iban=case.account.iban)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(request, user=case.user)
    with travel(LAPSED):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_deadlines()
        request = EnforcementRequest.objects.get(pk=request.pk)
        assert request.status == Status.MEASURES_APPLIED
        yield request


def reload(request):
    return EnforcementRequest.objects.get(pk=request.pk)


def post(client, url, capture, data):
    with capture(execute=True):
        return client.post(url, data)


def object_(client, request, capture, **data):
    fields = {"objection-grounds": "paid_before_order", "objection-reference": "TRX-4411",
              "objection-statement": STATEMENT, "objection-confirm": "on"}
    fields.update({f"objection-{key}": value for key, value in data.items()})
    return post(client, reverse("enforcement:motion", args=[request.number, "objection"]), capture, fields)


def rule(client, decision, action, capture):
    return post(client, reverse("supervision:act", args=[decision.pk, action]), capture, {"reason": REASON})


def assert_books_balance():
    per_transaction = LedgerEntry.objects.values("transaction").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in per_transaction)
    assert (LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0


def assert_each_measure_once(request, debtor):
    """Each measure row was lifted at most once, and the registries hold exactly the restrictions
    that the measures in force say."""
    lifts = Counter(
        (event.params["measure"], event.params["target"])
        for event in Event.objects.filter(case_id=request.pk, kind="enforcement.measure_lifted")
    )
    lifted_rows = Counter((m.kind, m.target) for m in Measure.objects.filter(request=request, status="lifted"))
    assert lifts == lifted_rows
    applied = Counter(Measure.objects.filter(request=request, status="applied").values_list("kind", flat=True))
    for kind, model in [("travel_ban", TravelBan), ("stop_poa", PoaIssuingStop), ("dealings_bar", DealingBan),
                        ("credit_report", CreditReport)]:
        assert model.objects.filter(person=debtor, active=True).count() == applied[kind], kind


def objection_decision(request):
    return Decision.objects.get(case_id=request.pk, step="objection")


def test_objection_suspended_then_dismissed_applies_the_measures_again(
    debtor_client, client, judge, case, measured, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = object_(debtor_client, measured, capture)
    assert response.status_code == 302
    motion = Motion.objects.get(request=measured, kind="objection")
    assert (motion.status, motion.grounds, motion.reference) == ("pending", "paid_before_order", "TRX-4411")
    decision = objection_decision(measured)
    assert (decision.review_state, decision.outcome, decision.circuit) == ("pending", "awaiting_judge",
                                                                           measured.circuit)
    assert reload(measured).status == Status.MEASURES_APPLIED  # enforcement goes on until the judge acts

    client.force_login(judge)
    queue = client.get(reverse("supervision:queue"))
    assert decision in [row["decision"] for row in queue.context["rows"]]
    page = client.get(reverse("supervision:decision", args=[decision.pk]))
    assert [form["name"] for form in page.context["action_forms"]] == ["suspend", "dismiss", "uphold"]

    assert rule(client, decision, "suspend", capture).status_code == 302
    request = reload(measured)
    assert request.status == Status.SUSPENDED
    assert not request.measures.filter(status="applied").exists()
    assert_each_measure_once(request, case.debtor)

    assert rule(client, decision, "dismiss", capture).status_code == 302
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED
    motion.refresh_from_db()
    assert (motion.status, motion.decided_by, motion.reasons) == ("declined", judge, REASON)
    assert Decision.objects.get(pk=decision.pk).review_state == "confirmed"
    # the measures apply again, as new rows under the round's reference, once each
    again = request.measures.filter(status="applied")
    assert {"travel_ban", "stop_poa", "dealings_bar", "credit_report"} <= set(again.values_list("kind", flat=True))
    assert set(again.values_list("ref", flat=True)) == {f"{request.number}/2"}
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    # both timelines tell it, with the judge's reasons
    messages = [event.message for event in timeline(request)]
    assert any(REASON in message for message in messages)
    assert request.collected == Decimal("3000.00")  # nothing seized twice
    # a second ruling is refused, not a crash
    assert rule(client, decision, "uphold", capture).status_code == 409


def test_objection_dismissed_without_suspension_changes_nothing(
    debtor_client, client, judge, case, measured, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    object_(debtor_client, measured, capture, grounds="amount_wrong", reference="")
    client.force_login(judge)
    before = set(Measure.objects.filter(request=measured, status="applied").values_list("pk", flat=True))
    assert rule(client, objection_decision(measured), "dismiss", capture).status_code == 302
    assert reload(measured).status == Status.MEASURES_APPLIED
    assert set(Measure.objects.filter(request=measured, status="applied").values_list("pk", flat=True)) == before
    assert_each_measure_once(measured, case.debtor)
    assert_books_balance()


def test_objection_upheld_ends_the_request_and_tells_the_creditor(
    debtor_client, client, judge, case, measured, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    object_(debtor_client, measured, capture, grounds="not_the_debtor", reference="")
    client.force_login(judge)
    assert rule(client, objection_decision(measured), "uphold", capture).status_code == 302
    request = reload(measured)
    assert request.status == Status.CLOSED
    assert not request.measures.filter(status="applied").exists()
    assert Motion.objects.get(request=request).status == "granted"
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    told = Notification.objects.filter(recipient=case.user, kind="enforcement.objection_upheld").get()
    assert REASON in told.body_ar


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reference": ""}, "reference"),  # paid before the order, without saying how
        ({"statement": "قصير"}, "statement"),
        ({"statement": "ا" * 2001}, "statement"),
        ({"grounds": "bribery"}, "grounds"),
        ({"confirm": ""}, "confirm"),
    ],
)
def test_bad_objection_is_a_400_with_its_message(debtor_client, measured, data, field,
                                                 django_capture_on_commit_callbacks):
    response = object_(debtor_client, measured, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 400
    assert field in response.context["motion_forms"]["objection"].errors
    assert not Motion.objects.exists()


def test_only_the_debtor_objects_and_one_at_a_time(debtor_client, case, measured, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    creditor = Client()
    creditor.force_login(case.user)
    assert object_(creditor, measured, capture).status_code == 404
    assert object_(debtor_client, measured, capture).status_code == 302
    second = object_(debtor_client, measured, capture)
    assert second.status_code == 409 and second.context["action_error"]
    assert Motion.objects.count() == 1


# --- grace period (إمهال) ---------------------------------------------------------------------


def grace(client, request, capture, name="grace", **data):
    fields = {f"{name}-days": "7", f"{name}-reason": "اتفاق على مهلة للسداد", f"{name}-confirm": "on"}
    fields.update({f"{name}-{key}": value for key, value in data.items()})
    return post(client, reverse("enforcement:motion", args=[request.number, name]), capture, fields)


@pytest.fixture
def creditor_client(case, measured):
    creditor = Client()
    creditor.force_login(case.user)
    return creditor


def test_granted_grace_lifts_the_measures_and_its_end_reactivates_enforcement(
    creditor_client, case, measured, travel, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    assert grace(creditor_client, measured, capture).status_code == 302
    request = reload(measured)
    assert request.status == Status.GRACE and request.public_status == "grace"
    assert not request.measures.filter(status="applied").exists()
    motion = Motion.objects.get(request=request, kind="grace_grant")
    assert (motion.status, motion.days) == ("granted", 7)
    assert Decision.objects.filter(case_id=request.pk, step="grace", outcome="grace").exists()
    with capture(execute=True):  # nothing applies during the grace period
        assert sweep_deadlines()["enforcement.end_grace"] == 0
    assert reload(request).status == Status.GRACE

    with travel(timedelta(days=8)):
        with capture(execute=True):
            assert sweep_deadlines()["enforcement.end_grace"] == 1
        request = reload(request)
        assert request.status == Status.MEASURES_APPLIED
        with capture(execute=True):  # twice changes nothing
            assert sweep_deadlines()["enforcement.end_grace"] == 0
    motion.refresh_from_db()
    assert motion.ended_at is not None
    assert set(request.measures.filter(status="applied").values_list("ref", flat=True)) == {f"{request.number}/2"}
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    assert request.collected == Decimal("3000.00")
    kinds = set(Event.objects.filter(case_id=request.pk).values_list("kind", flat=True))
    assert {"enforcement.grace", "enforcement.reactivated", "enforcement.measures_applied"} <= kinds
    debtor_user = user_for_person(case.debtor)
    for user in (case.user, debtor_user):  # both parties told of the start and of the end
        told = set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
        assert {"enforcement.grace_started", "enforcement.reactivated"} <= told


def test_the_creditor_reactivates_early(creditor_client, case, measured, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    grace(creditor_client, measured, capture)
    response = post(creditor_client, reverse("enforcement:motion", args=[measured.number, "reactivate"]), capture,
                    {"reactivate-confirm": "on"})
    assert response.status_code == 302
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED
    assert Decision.objects.get(case_id=request.pk, step="reactivation").rules[0]["id"] == "reactivated_by_creditor"
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    # not in a grace period any more: a second reactivation is refused
    again = post(creditor_client, reverse("enforcement:motion", args=[measured.number, "reactivate"]), capture,
                 {"reactivate-confirm": "on"})
    assert again.status_code == 409


def test_grace_beyond_the_maximum_is_refused(creditor_client, measured, settings, django_capture_on_commit_callbacks):
    settings.ENFORCEMENT_GRACE_MAX_DAYS = 30
    response = grace(creditor_client, measured, django_capture_on_commit_callbacks, days="31")
    assert response.status_code == 400
    assert "30" in str(response.context["motion_forms"]["grace"].errors["days"])
    assert grace(creditor_client, measured, django_capture_on_commit_callbacks, days="0").status_code == 400
    assert reload(measured).status == Status.MEASURES_APPLIED and not Motion.objects.exists()


def test_the_debtor_asks_and_the_judge_refuses_then_allows(
    debtor_client, judge, case, measured, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert grace(debtor_client, measured, capture, name="grace_request").status_code == 302
    assert grace(debtor_client, measured, capture, name="grace").status_code == 404  # the creditor's to grant
    judge_client = Client()
    judge_client.force_login(judge)
    decision = Decision.objects.get(case_id=measured.pk, step="grace_request")
    page = judge_client.get(reverse("supervision:decision", args=[decision.pk]))
    assert [form["name"] for form in page.context["action_forms"]] == ["grant", "refuse"]
    assert rule(judge_client, decision, "refuse", capture).status_code == 302
    assert reload(measured).status == Status.MEASURES_APPLIED
    assert Motion.objects.get(decision=decision).status == "declined"

    assert grace(debtor_client, measured, capture, name="grace_request").status_code == 302
    decision = Decision.objects.filter(case_id=measured.pk, step="grace_request").last()
    assert rule(judge_client, decision, "grant", capture).status_code == 302
    request = reload(measured)
    assert request.status == Status.GRACE
    assert not request.measures.filter(status="applied").exists()
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def test_a_grace_period_within_the_payment_period_gives_back_its_remainder(
    case, judge, django_capture_on_commit_callbacks, travel
):
    capture = django_capture_on_commit_callbacks
    request = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                  debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"),
                                  iban=case.account.iban)
    with capture(execute=True):
        services.submit(request, user=case.user)
    request = reload(request)
    left = request.deadline - clock.now()
    creditor = Client()
    creditor.force_login(case.user)
    assert grace(creditor, request, capture, days="3").status_code == 302
    with travel(timedelta(days=4)):
        with capture(execute=True):
            sweep_deadlines()
        request = reload(request)
        assert request.status == Status.ORDER_ISSUED  # the period runs again, no measure yet
        assert abs((request.deadline - clock.now()) - left) < timedelta(minutes=1)
        assert not request.measures.exists()


@pytest.mark.parametrize("name", ["grace", "grace_request"])
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days": "سبعة"}, "days"),
        ({"days": ""}, "days"),
        ({"days": "-3"}, "days"),
        ({"days": "9" * 30}, "days"),
        ({"reason": "قصير"}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "ا" * 1001}, "reason"),
        ({"confirm": ""}, "confirm"),
    ],
)
def test_bad_grace_input_is_a_400_with_its_message_and_changes_nothing(
    creditor_client, debtor_client, measured, name, data, field, django_capture_on_commit_callbacks
):
    client = creditor_client if name == "grace" else debtor_client
    before = set(measured.measures.filter(status="applied").values_list("pk", flat=True))
    response = grace(client, measured, django_capture_on_commit_callbacks, name=name, **data)
    assert response.status_code == 400
    errors = response.context["motion_forms"][name].errors
    assert field in errors and str(errors[field][0])
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED
    assert set(request.measures.filter(status="applied").values_list("pk", flat=True)) == before
    assert not Motion.objects.exists()
    assert not Decision.objects.filter(case_id=request.pk, step__in=["grace", "grace_request"]).exists()


@pytest.mark.parametrize("name", ["grace", "grace_request"])
@pytest.mark.parametrize("field", ["days", "reason"])
def test_a_nul_in_a_grace_form_is_a_400_on_the_error_page(
    creditor_client, debtor_client, measured, name, field, django_capture_on_commit_callbacks
):
    client = creditor_client if name == "grace" else debtor_client
    response = grace(client, measured, django_capture_on_commit_callbacks, name=name, **{field: "7\x00"})
    assert response.status_code == 400 and b"<html" in response.content  # the portal's error page, in words
    assert reload(measured).status == Status.MEASURES_APPLIED and not Motion.objects.exists()
