# ruff: noqa: F811 - the fixtures of test_motions, imported, are the tests' arguments
"""Instalment settlement (تقسيط) through HTTP: the debtor proposes a plan, the creditor accepts or
declines it; an accepted plan is paid to the end, defaults on an instalment, or is ended early by
the creditor withdrawing. In every branch the books balance and each measure is applied, and
lifted, once at the registries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from enforcement.models import Instalment, Motion
from enforcement.states import Status
from enforcement.tasks import sweep_instalments
from najiz.accounts.services import user_for_person
from najiz.casefile.models import Decision, Event
from najiz.casefile.selectors import timeline
from najiz.common import clock
from payments import services as payments
from payments.models import Invoice
from payments.selectors import invoices_for
from tests.enforcement.test_motions import (  # noqa: F401 - fixtures
    assert_books_balance,
    assert_each_measure_once,
    creditor_client,
    debtor_client,
    judge,
    measured,
    post,
    reload,
)

pytestmark = pytest.mark.django_db


def propose(client, request, capture, **data):
    first_due = (clock.today() + timedelta(days=7)).isoformat()
    fields = {"plan-count": "4", "plan-amount": "500.00", "plan-first_due": first_due,
              "plan-statement": "أسدد على أربعة أشهر", "plan-confirm": "on"}
    fields.update({f"plan-{key}": value for key, value in data.items()})
    return post(client, reverse("enforcement:motion", args=[request.number, "plan"]), capture, fields)


def answer(client, request, capture, name="plan_accept", reason="موافق على الخطة"):
    return post(client, reverse("enforcement:motion", args=[request.number, name]), capture,
                {f"{name}-reason": reason, f"{name}-confirm": "on"})


def pay(invoice, capture, txn):
    with capture(execute=True):
        payments.record_gateway_payment(invoice, txn, invoice.outstanding, "sadad")


def instalments(request):
    return list(Instalment.objects.filter(request=request, motion__status="granted").select_related("invoice")
                .order_by("number"))


@pytest.fixture
def accepted(debtor_client, creditor_client, measured, django_capture_on_commit_callbacks):
    """The measured request (2,000 SAR still owed after 3,000 seized) in settlement: 4 × 500."""
    capture = django_capture_on_commit_callbacks
    assert propose(debtor_client, measured, capture).status_code == 302
    assert answer(creditor_client, measured, capture).status_code == 302
    return reload(measured)


def test_proposed_plan_waits_for_the_creditor_and_enforcement_goes_on(
    debtor_client, creditor_client, judge, case, measured, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    assert propose(debtor_client, measured, capture).status_code == 302
    motion = Motion.objects.get(request=measured, kind="settlement")
    assert motion.status == "pending"
    assert [(i.number, i.amount) for i in motion.instalments.all()] == [(n, Decimal("500.00")) for n in range(1, 5)]
    assert reload(measured).status == Status.MEASURES_APPLIED
    decision = Decision.objects.get(case_id=measured.pk, step="settlement_proposal")
    assert decision.outcome == "awaiting_creditor" and all(rule["passed"] for rule in decision.rules)
    assert Notification.objects.filter(recipient=case.user, kind="enforcement.plan_proposed").exists()
    # the circuit judge sees it in the queue, with its case, named in words
    from django.test import Client

    judge_client = Client()
    judge_client.force_login(judge)
    queue = judge_client.get(reverse("supervision:queue"))
    row = next(row for row in queue.context["rows"] if row["decision"] == decision)
    assert row["step"] == "خطة تقسيط مقترحة"
    page = creditor_client.get(reverse("enforcement:detail", args=[measured.number]))
    assert {"plan_accept", "plan_decline"} <= set(page.context["motion_forms"])
    assert "plan" not in page.context["motion_forms"]  # the debtor's to propose
    again = propose(debtor_client, measured, capture)  # one plan at a time
    assert again.status_code == 409
    assert propose(creditor_client, measured, capture).status_code == 404


def test_accepted_plan_lifts_the_measures_once_and_bills_each_instalment(
    accepted, case, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    request = accepted
    assert request.status == Status.SETTLEMENT and request.public_status == "settlement"
    assert not request.measures.filter(status="applied").exists()
    assert_each_measure_once(request, case.debtor)
    plan = instalments(request)
    assert [i.amount for i in plan] == [Decimal("500.00")] * 4
    dues = [i.due_on for i in plan]
    assert dues[1].month == dues[0].month % 12 + 1  # monthly
    # the request's invoice gave way to one invoice per instalment, each due on its date
    bills = list(invoices_for(request).order_by("created_at", "id"))
    assert bills[0].status == "cancelled"
    assert [b.pk for b in bills[1:]] == [i.invoice_id for i in plan]
    assert all(not b.allow_partial and b.amount == Decimal("500.00") for b in bills[1:])
    assert plan[0].due_on.isoformat() in plan[0].invoice.description_ar
    decision = Decision.objects.get(case_id=request.pk, step="settlement")
    assert decision.outcome == "settlement" and decision.rules[-1]["id"] == "creditor_accepted"
    debtor_user = user_for_person(case.debtor)
    for user in (case.user, debtor_user):
        assert Notification.objects.filter(recipient=user, kind="enforcement.plan_accepted").exists()
    # the debtor's page offers the first instalment's bill
    from django.test import Client

    debtor = Client()
    debtor.force_login(debtor_user)
    page = debtor.get(reverse("enforcement:detail", args=[request.number]))
    assert page.context["invoice"] == plan[0].invoice
    shown = {motion.kind: [i.pk for i in motion.plan] for motion in page.context["motions"]}
    assert shown["settlement"] == [i.pk for i in plan]
    assert_books_balance()


def test_plan_paid_to_the_end_closes_the_request(accepted, case, travel, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    request = accepted
    for instalment in instalments(request)[:3]:
        pay(instalment.invoice, capture, f"INST-{instalment.number}")
        assert reload(request).status == Status.SETTLEMENT
    with capture(execute=True):
        assert sweep_instalments() == 0  # nothing is overdue
    last = instalments(request)[3]
    with travel(timedelta(days=100)):  # paid late but before the plan ends for want of it
        pay(last.invoice, capture, "INST-4")
    request = reload(request)
    assert request.status == Status.CLOSED
    assert request.collected == Decimal("5000.00") and request.outstanding == 0
    assert all(i.paid_at for i in instalments(request))
    assert Motion.objects.get(request=request, kind="settlement").ended_at is not None
    assert not request.measures.filter(status="applied").exists()
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    kinds = [e.kind for e in Event.objects.filter(case_id=request.pk).order_by("at", "id")]
    assert kinds.count("enforcement.instalment_paid") == 4
    assert kinds.index("enforcement.settled") < kinds.index("enforcement.closed")


def test_an_instalment_unpaid_past_its_time_ends_the_plan_and_enforcement_reactivates(
    accepted, case, travel, settings, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    settings.ENFORCEMENT_INSTALMENT_DEFAULT_DAYS = 10
    request = accepted
    first, second = instalments(request)[:2]
    pay(first.invoice, capture, "INST-1")
    days_to_second = (second.due_on - clock.today()).days
    with travel(timedelta(days=days_to_second + 9)):  # nine days late: still in time
        with capture(execute=True):
            assert sweep_instalments() == 0
        assert reload(request).status == Status.SETTLEMENT
    with travel(timedelta(days=days_to_second + 10)):
        with capture(execute=True):
            assert sweep_instalments() == 1
        request = reload(request)
        assert request.status == Status.MEASURES_APPLIED
        with capture(execute=True):  # twice changes nothing
            assert sweep_instalments() == 0
    motion = Motion.objects.get(request=request, kind="settlement")
    assert motion.ended_at is not None
    decision = Decision.objects.get(case_id=request.pk, step="settlement_default")
    assert decision.rules[0]["id"] == "instalment_overdue" and decision.outcome == "reactivated"
    # the instalments left stop taking money; one invoice asks for the whole remainder
    assert {i.invoice.status for i in instalments(request)[1:]} == {"cancelled"}
    open_bill = Invoice.objects.get(pk=invoices_for(request).filter(status="unpaid").get().pk)
    assert open_bill.amount == Decimal("1500.00") == request.outstanding and open_bill.allow_partial
    # the measures apply again, under the round's reference, once each
    again = request.measures.filter(status="applied")
    assert {"travel_ban", "stop_poa", "dealings_bar", "credit_report"} <= set(again.values_list("kind", flat=True))
    assert set(again.values_list("ref", flat=True)) == {f"{request.number}/2"}
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    for user in (case.user, user_for_person(case.debtor)):
        assert Notification.objects.filter(recipient=user, kind="enforcement.plan_defaulted").exists()
    assert any("2" in e.message for e in timeline(request) if e.kind == "enforcement.plan_defaulted")


def test_declined_plan_leaves_enforcement_as_it_was(
    debtor_client, creditor_client, case, measured, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    propose(debtor_client, measured, capture)
    before = set(measured.measures.filter(status="applied").values_list("pk", flat=True))
    assert answer(creditor_client, measured, capture, "plan_decline", "المبلغ الشهري قليل").status_code == 302
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED
    assert set(request.measures.filter(status="applied").values_list("pk", flat=True)) == before
    motion = Motion.objects.get(request=request, kind="settlement")
    assert (motion.status, motion.reasons) == ("declined", "المبلغ الشهري قليل")
    assert Decision.objects.get(case_id=request.pk, step="settlement").outcome == "declined"
    told = Notification.objects.get(recipient=user_for_person(case.debtor), kind="enforcement.plan_declined")
    assert "المبلغ الشهري قليل" in told.body_ar
    assert not Invoice.objects.filter(status="cancelled").exists()
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()
    # another plan may be proposed; answering one that is no longer pending is refused
    assert answer(creditor_client, measured, capture).status_code == 409
    assert propose(debtor_client, measured, capture).status_code == 302


def test_the_creditor_withdrawing_during_the_plan_stops_every_bill(
    accepted, creditor_client, case, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    request = accepted
    pay(instalments(request)[0].invoice, capture, "INST-1")
    response = post(creditor_client, reverse("enforcement:act", args=[request.number, "withdraw"]), capture,
                    {"withdraw-confirm": "on"})
    assert response.status_code == 302
    request = reload(request)
    assert request.status == Status.CLOSED and request.withdrawn
    assert not invoices_for(request).filter(status__in=["unpaid", "partly_paid"]).exists()
    with capture(execute=True):
        assert sweep_instalments() == 0
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def test_a_certified_payment_shortens_the_plan_from_its_end(
    accepted, creditor_client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    request = accepted
    response = post(creditor_client, reverse("enforcement:act", args=[request.number, "certify"]), capture,
                    {"certify-amount": "700.00", "certify-confirm": "on"})
    assert response.status_code == 302
    plan = instalments(request)
    assert [(i.invoice.status, i.invoice.amount) for i in plan] == [
        ("unpaid", Decimal("500.00")), ("unpaid", Decimal("500.00")), ("unpaid", Decimal("300.00")),
        ("cancelled", Decimal("500.00")),
    ]
    assert sum(i.invoice.outstanding for i in plan) == reload(request).outstanding


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "400.00"}, "amount"),  # 4 × 400 leaves 800 for the last: more than the others
        ({"amount": "700.00"}, "amount"),  # 3 × 700 is more than owed already
        ({"count": "1"}, "count"),
        ({"count": "99999"}, "count"),
        ({"first_due": "2020-01-01"}, "first_due"),  # a date already past
        ({"first_due": "not a date"}, "first_due"),
        ({"statement": "ا" * 1001}, "statement"),
        ({"amount": "9" * 40}, "amount"),
        ({"amount": "-500.00"}, "amount"),
        ({"first_due": "9" * 300}, "first_due"),
        ({"confirm": ""}, "confirm"),
    ],
)
def test_bad_plan_is_a_400_with_its_message(debtor_client, measured, data, field, django_capture_on_commit_callbacks):
    response = propose(debtor_client, measured, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 400
    errors = response.context["motion_forms"]["plan"].errors
    assert field in errors and str(errors[field][0])
    assert not Motion.objects.exists() and not Instalment.objects.exists()
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED and invoices_for(request).filter(status="unpaid").count() == 1


def test_a_plan_that_no_longer_adds_up_cannot_be_accepted(
    debtor_client, creditor_client, measured, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    propose(debtor_client, measured, capture)
    post(creditor_client, reverse("enforcement:act", args=[measured.number, "reduce"]), capture,
         {"reduce-amount": "4000.00", "reduce-confirm": "on"})
    response = answer(creditor_client, measured, capture)
    assert response.status_code == 409 and response.context["action_error"]
    assert reload(measured).status == Status.MEASURES_APPLIED
    assert Motion.objects.get(kind="settlement").status == "pending"


@pytest.mark.parametrize("field", ["count", "amount", "first_due", "statement"])
def test_a_nul_in_the_plan_is_a_400(debtor_client, measured, field, django_capture_on_commit_callbacks):
    response = propose(debtor_client, measured, django_capture_on_commit_callbacks, **{field: "5\x00"})
    assert response.status_code == 400 and b"<html" in response.content  # the portal's error page
    assert not Motion.objects.exists()


@pytest.fixture
def debtor_deed(case):
    """A villa of the debtor's, seized with the other measures when the period lapses."""
    from tests.factories import registries as factories

    return factories.DeedFactory(owners=[case.debtor])


def assert_deed_seized_while_in_force(request, deed):
    """The registry holds one seizure of the deed while a measure in force says so, none otherwise."""
    from najiz.registries.models import Encumbrance

    in_force = request.measures.filter(kind="deed_seizure", target=deed.number, status="applied").count()
    assert in_force <= 1
    assert Encumbrance.objects.filter(deed=deed, kind="seizure", active=True).count() == in_force


def test_the_creditor_ends_the_plan_early_and_enforcement_reactivates_for_the_remainder(
    debtor_deed, debtor_client, creditor_client, judge, case, measured, django_capture_on_commit_callbacks
):
    from django.test import Client

    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    assert measured.measures.filter(kind="deed_seizure", status="applied").count() == 1
    assert propose(debtor_client, measured, capture).status_code == 302
    assert answer(creditor_client, measured, capture).status_code == 302
    request = reload(measured)
    assert_deed_seized_while_in_force(request, debtor_deed)
    first = instalments(request)[0]
    pay(first.invoice, capture, "INST-1")
    page = creditor_client.get(reverse("enforcement:detail", args=[request.number]))
    assert "plan_end" in page.context["motion_forms"]
    assert "plan_end" not in debtor_client.get(reverse("enforcement:detail", args=[request.number])).context[
        "motion_forms"]
    url = reverse("enforcement:motion", args=[request.number, "plan_end"])
    fields = {"plan_end-reason": "تأخر المدين في التواصل وأطلب استئناف التنفيذ", "plan_end-confirm": "on"}
    assert post(debtor_client, url, capture, fields).status_code == 404  # the creditor's to end

    assert post(creditor_client, url, capture, fields).status_code == 302
    request = reload(request)
    assert request.status == Status.MEASURES_APPLIED
    motion = Motion.objects.get(request=request, kind="settlement")
    assert motion.status == "granted" and motion.ended_at is not None
    # the unpaid instalments' bills stop taking money; the paid one stays paid; one invoice for the rest
    plan = instalments(request)
    assert [i.invoice.status for i in plan] == ["paid", "cancelled", "cancelled", "cancelled"]
    open_bill = invoices_for(request).get(status="unpaid")
    assert open_bill.amount == Decimal("1500.00") == request.outstanding and open_bill.allow_partial
    # the decision, with the creditor's reasons, for the supervision queue
    decision = Decision.objects.get(case_id=request.pk, step="settlement_ended")
    assert decision.outcome == "reactivated" and decision.rules[0]["id"] == "plan_ended_by_creditor"
    assert decision.inputs["reason"] == fields["plan_end-reason"] and decision.inputs["unpaid"] == [2, 3, 4]
    assert decision.circuit == request.circuit and decision.review_state == "pending"
    judge_client = Client()
    judge_client.force_login(judge)
    row = next(row for row in judge_client.get(reverse("supervision:queue")).context["rows"]
               if row["decision"] == decision)
    assert row["step"] == "خطة تقسيط أنهاها طالب التنفيذ"
    shown = judge_client.get(reverse("supervision:decision", args=[decision.pk]))
    assert shown.status_code == 200 and fields["plan_end-reason"] in shown.content.decode()
    # the measures apply again for the whole remainder, under the round's reference, each once
    again = request.measures.filter(status="applied")
    assert {"travel_ban", "stop_poa", "dealings_bar", "credit_report", "deed_seizure"} <= set(
        again.values_list("kind", flat=True))
    assert set(again.values_list("ref", flat=True)) == {f"{request.number}/2"}
    assert again.get(kind="credit_report").amount == Decimal("1500.00")
    assert_each_measure_once(request, case.debtor)
    assert_deed_seized_while_in_force(request, debtor_deed)
    assert_books_balance()
    # both parties are told, with the reasons, and both read it on the request's timeline
    for user in (case.user, user_for_person(case.debtor)):
        told = Notification.objects.get(recipient=user, kind="enforcement.plan_ended")
        assert fields["plan_end-reason"] in told.body_ar and "1,500.00" in told.body_ar
    for party in (creditor_client, debtor_client):
        page = party.get(reverse("enforcement:timeline", args=[request.number]))
        assert fields["plan_end-reason"] in page.content.decode()
    # once ended, it cannot be ended again, and the sweep finds nothing overdue
    assert post(creditor_client, url, capture, fields).status_code == 409
    with capture(execute=True):
        assert sweep_instalments() == 0
    # the debtor pays the remainder: every measure lifted once, the request closes
    pay(open_bill, capture, "REMAINDER")
    request = reload(request)
    assert request.status == Status.CLOSED and request.collected == Decimal("5000.00")
    assert not request.measures.filter(status="applied").exists()
    assert_each_measure_once(request, case.debtor)
    assert_deed_seized_while_in_force(request, debtor_deed)
    assert_books_balance()


@pytest.mark.parametrize(("data", "field"), [
    ({"reason": ""}, "reason"), ({"reason": "لا"}, "reason"), ({"reason": "ا" * 1001}, "reason"),
    ({"confirm": ""}, "confirm"),
])
def test_ending_a_plan_without_reasons_is_a_400_and_changes_nothing(
    accepted, creditor_client, data, field, django_capture_on_commit_callbacks
):
    fields = {"plan_end-reason": "أطلب استئناف التنفيذ", "plan_end-confirm": "on"}
    fields.update({f"plan_end-{key}": value for key, value in data.items()})
    response = post(creditor_client, reverse("enforcement:motion", args=[accepted.number, "plan_end"]),
                    django_capture_on_commit_callbacks, fields)
    assert response.status_code == 400
    errors = response.context["motion_forms"]["plan_end"].errors
    assert field in errors and str(errors[field][0])
    request = reload(accepted)
    assert request.status == Status.SETTLEMENT
    assert Motion.objects.get(request=request, kind="settlement").ended_at is None
    assert not Decision.objects.filter(case_id=request.pk, step="settlement_ended").exists()


def test_a_paid_instalment_leaves_a_decision_and_a_timeline_entry_for_both_parties(
    accepted, creditor_client, debtor_client, judge, django_capture_on_commit_callbacks
):
    from django.test import Client

    capture = django_capture_on_commit_callbacks
    request = accepted
    first = instalments(request)[0]
    pay(first.invoice, capture, "INST-1")
    decision = Decision.objects.get(case_id=request.pk, step="instalment_paid")
    assert decision.outcome == "instalment_paid" and decision.amount == Decimal("500.00")
    assert decision.circuit == request.circuit and decision.review_state == "pending"
    [rule] = decision.rules
    assert rule["id"] == "instalment_paid" and rule["passed"] is True
    assert "1" in rule["message_en"] and "1,500.00" in rule["message_en"] and "in time" in rule["message_en"]
    assert (decision.inputs["number"], decision.inputs["count"], decision.inputs["bill"]) == (
        1, 4, first.invoice.bill_number)
    event = Event.objects.get(case_id=request.pk, kind="enforcement.instalment_paid")
    assert event.decision == decision and event.public
    for party in (creditor_client, debtor_client):
        page = party.get(reverse("enforcement:timeline", args=[request.number])).content.decode()
        assert event.message in page
    judge_client = Client()
    judge_client.force_login(judge)
    queue = judge_client.get(reverse("supervision:queue"))
    row = next(row for row in queue.context["rows"] if row["decision"] == decision)
    assert row["step"] == "قسط مسدد"
    assert judge_client.get(reverse("supervision:decision", args=[decision.pk])).status_code == 200


def test_instalment_notices_name_the_currency_once(accepted, case, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    capture = django_capture_on_commit_callbacks
    pay(instalments(accepted)[0].invoice, capture, "INST-1")
    debtor = user_for_person(case.debtor)
    notices = Notification.objects.filter(recipient__in=[case.user, debtor], kind__in=[
        "enforcement.plan_proposed", "enforcement.plan_accepted", "enforcement.instalment_paid"])
    assert {n.kind for n in notices} == {"enforcement.plan_proposed", "enforcement.plan_accepted",
                                         "enforcement.instalment_paid"}
    for notice in notices:
        assert "ريال" not in notice.body_ar and notice.body_en.count("SAR") == notice.body_ar.count("ر.س"), notice.kind
        assert "ر.س ر.س" not in notice.body_ar
    accepted_ar = notices.get(kind="enforcement.plan_accepted", recipient=debtor).body_ar
    assert "500.00 ر.س" in accepted_ar  # the instalment written as an amount
    proposed = notices.get(kind="enforcement.plan_proposed")
    assert "500.00 ر.س" in proposed.body_ar and "2,000.00 ر.س" in proposed.body_ar
    assert "SAR 500.00" in proposed.body_en and "SAR 500.00 SAR" not in proposed.body_en
    texts = [e.message for e in timeline(accepted) if e.kind in ("enforcement.plan_proposed",
                                                                   "enforcement.instalment_paid")]
    assert len(texts) == 2 and all("ريال" not in text and "ر.س" in text for text in texts)


def test_the_plan_offer_and_its_reasons_write_each_amount_once(debtor_client, measured,
                                                                django_capture_on_commit_callbacks):
    url = reverse("enforcement:detail", args=[measured.number])
    arabic = debtor_client.get(url).content.decode()
    assert "سداد المبلغ المستحق عليك 2,000.00 ر.س على أقساط" in arabic and "ر.س ريال" not in arabic
    debtor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = debtor_client.get(url).content.decode()
    assert "pay the SAR 2,000.00 you owe" in english and "2,000.00 SAR" not in english
    del debtor_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert propose(debtor_client, measured, django_capture_on_commit_callbacks).status_code == 302
    decision = Decision.objects.filter(step="settlement_proposal").latest("pk")
    reason = next(r for r in decision.rules if r["id"] == "plan_adds_up")
    assert "500.00 ر.س" in reason["message_ar"] and "2,000.00 ر.س" in reason["message_ar"]
    assert "SAR 500.00" in reason["message_en"] and "ريال" not in reason["message_ar"]
