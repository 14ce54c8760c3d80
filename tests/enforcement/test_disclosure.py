"""The debtor's disclosure of assets (إفصاح) through HTTP: picked from what the registries hold of
theirs, it limits Art. 46 to seizing those assets when they cover the debt, and is recorded when
they do not. In every branch the books balance and each measure is applied, and lifted, once."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest, Measure, Motion
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines
from najiz.accounts.services import user_for_person
from najiz.casefile.models import Decision, Event
from najiz.registries import services as registries
from najiz.registries.models import Encumbrance
from notifications.models import Notification
from tests.enforcement.test_motions import (  # noqa: F401
    assert_books_balance,
    assert_each_measure_once,
    judge,
    object_,
    reload,
)
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db
LAPSED = timedelta(days=6)
RESTRICTIONS = {"travel_ban", "stop_poa", "credit_report", "dealings_bar"}
REASON = "تبين للدائرة أن الأموال المفصح عنها لا تكفي"


@pytest.fixture
def deeds(case):
    """Two deeds of the debtor's: a whole villa, and half of a plot worth 4,000 SAR (2,000 his)."""
    villa = factories.DeedFactory(owners=[case.debtor], value_of_record=Decimal("1500000.00"))
    plot = factories.DeedFactory(owners=[(case.debtor, "1/2"), (factories.PersonFactory(), "1/2")],
                                 value_of_record=Decimal("4000.00"))
    return {"villa": villa, "plot": plot}


def _file(case, capture, amount="5000.00"):
    request = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                  debtor_ids=[case.debtor.national_id], amount=Decimal(amount),
                                  iban=case.account.iban)
    with capture(execute=True):
        services.submit(request, user=case.user)
    request = reload(request)
    assert request.status == Status.ORDER_ISSUED
    return request


@pytest.fixture
def ordered(case, deeds, django_capture_on_commit_callbacks):
    """The order issued on 5,000 SAR; the period still running."""
    return _file(case, django_capture_on_commit_callbacks)


@pytest.fixture
def measured(case, deeds, django_capture_on_commit_callbacks, travel):
    """The period lapsed: 3,000 SAR seized, both deeds seized, the debtor restricted."""
    request = _file(case, django_capture_on_commit_callbacks)
    with travel(LAPSED):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_deadlines()
        request = reload(request)
        assert request.status == Status.MEASURES_APPLIED
        yield request


@pytest.fixture
def debtor_client(client, case):
    client.force_login(user_for_person(case.debtor))
    return client


def disclose(client, request, capture, keys, confirm=True):
    data = {"disclosure-assets": keys}
    if confirm:
        data["disclosure-confirm"] = "on"
    with capture(execute=True):
        return client.post(reverse("enforcement:disclose", args=[request.number]), data)


def account_key(account):
    return f"account:{account.iban}"


def deed_key(deed):
    return f"deed:{deed.number}"


def in_force(request):
    return Counter(Measure.objects.filter(request=request, status="applied").values_list("kind", flat=True))


def assert_deeds_match(request, deeds):
    """The registry holds a seizure on a deed exactly while a measure in force says so."""
    seized = set(Measure.objects.filter(request=request, kind="deed_seizure", status="applied")
                 .values_list("target", flat=True))
    for deed in deeds.values():
        active = Encumbrance.objects.filter(deed=deed, kind="seizure", active=True).count()
        assert active == (1 if deed.number in seized else 0), deed.number


def sweep(capture):
    with capture(execute=True):
        sweep_deadlines()


def test_the_form_offers_the_debtors_own_assets_masked(debtor_client, case, ordered, deeds):
    other = factories.AccountFactory(person=factories.PersonFactory())
    page = debtor_client.get(reverse("enforcement:detail", args=[ordered.number]))
    assert page.status_code == 200
    form = page.context["disclosure_form"]
    keys = [key for key, _label in form.fields["assets"].choices]
    assert keys == [account_key(case.debtor_account), deed_key(deeds["villa"]), deed_key(deeds["plot"])]
    html = page.content.decode()
    assert case.debtor_account.iban[-4:] in html and case.debtor_account.iban not in html.replace(
        f'value="{account_key(case.debtor_account)}"', "")
    assert other.iban not in html and case.account.iban not in html


def test_a_covering_disclosure_before_the_deadline_limits_the_measures_to_seizing_those_assets(
    debtor_client, client, judge, case, ordered, deeds, django_capture_on_commit_callbacks, travel  # noqa: F811
):
    capture = django_capture_on_commit_callbacks
    response = disclose(debtor_client, ordered, capture, [account_key(case.debtor_account), deed_key(deeds["villa"])])
    assert response.status_code == 302
    motion = Motion.objects.get(request=ordered, kind="disclosure")
    assert motion.status == "granted" and motion.debtor.person == case.debtor
    assert [asset["key"] for asset in motion.assets] == [account_key(case.debtor_account), deed_key(deeds["villa"])]
    decision = Decision.objects.get(case_id=ordered.pk, step="disclosure")
    assert (decision.outcome, decision.review_state, decision.circuit) == ("measures_limited", "pending",
                                                                           ordered.circuit)
    assert [rule["passed"] for rule in decision.rules] == [True, True]
    assert reload(ordered).status == Status.ORDER_ISSUED  # the period still runs; nothing seized yet
    assert not Measure.objects.filter(request=ordered).exists()

    # both parties are told, and both timelines show it
    for person in (case.debtor, case.creditor):
        assert Notification.objects.filter(recipient=user_for_person(person),
                                           kind="enforcement.disclosure_limited").exists()
    for person in (case.debtor, case.creditor):
        client.force_login(user_for_person(person))
        page = client.get(reverse("enforcement:detail", args=[ordered.number]))
        body = page.content.decode()
        assert "disclosure-record" in body
        assert "أفصح المنفذ ضده عن أموال قيمتها 1,503,000.00 ر.س،" in body  # the timeline, the amount written once
        assert page.context["disclosure_form"] is None  # no second disclosure while this one covers
    assert Event.objects.filter(case_id=ordered.pk, kind="enforcement.assets_disclosed", public=True).exists()

    with travel(LAPSED):
        sweep(capture)
        request = reload(ordered)
        assert request.status == Status.MEASURES_APPLIED
        assert in_force(request) == Counter({"freeze_balance": 1, "seize_balance": 1, "deed_seizure": 1})
        assert not RESTRICTIONS & set(Measure.objects.filter(request=request).values_list("kind", flat=True))
        assert request.collected == Decimal("3000.00")
        assert_deeds_match(request, deeds)  # the villa only; the plot was not disclosed
        assert_each_measure_once(request, case.debtor)
        assert_books_balance()
        measures = Decision.objects.get(case_id=request.pk, step="measures")
        assert {r["id"]: r["passed"] for r in measures.rules}["limited_by_disclosure"] is True

        # the judge finds the decision in the queue and may confirm it
        client.force_login(judge)
        queue = client.get(reverse("supervision:queue"))
        assert decision in [row["decision"] for row in queue.context["rows"]]
        page = client.get(reverse("supervision:decision", args=[decision.pk]))
        assert [form["name"] for form in page.context["action_forms"]][:1] == ["confirm"]
        assert "overrule" in [form["name"] for form in page.context["action_forms"]]
        replay = client.get(reverse("supervision:replay", args=[decision.pk]))
        assert replay.status_code == 200 and not replay.context["replay"].differs
        with capture(execute=True):
            response = client.post(reverse("supervision:act", args=[decision.pk, "confirm"]), {"reason": REASON})
        assert response.status_code == 302
        decision.refresh_from_db()
        assert decision.review_state == "confirmed"
        assert Motion.objects.get(request=request, kind="disclosure").status == "granted"
        # once reviewed, it can no longer be overruled
        with capture(execute=True):
            response = client.post(reverse("supervision:act", args=[decision.pk, "overrule"]), {"reason": REASON})
        assert response.status_code == 409
        assert not RESTRICTIONS & set(Measure.objects.filter(request=request).values_list("kind", flat=True))


def test_a_covering_disclosure_after_the_measures_lifts_those_no_longer_needed_once(
    debtor_client, client, judge, case, measured, deeds, django_capture_on_commit_callbacks  # noqa: F811
):
    capture = django_capture_on_commit_callbacks
    debtor_client.force_login(user_for_person(case.debtor))  # on the clock past the period
    before = in_force(measured)
    assert before["travel_ban"] == before["stop_poa"] == before["credit_report"] == before["deed_seizure"] - 1 == 1
    assert measured.outstanding == Decimal("2000.00")

    # half the plot counts for exactly the 2,000.00 outstanding
    response = disclose(debtor_client, measured, capture, [deed_key(deeds["plot"])])
    assert response.status_code == 302
    request = reload(measured)
    assert Motion.objects.get(request=request, kind="disclosure").status == "granted"
    assert request.status == Status.MEASURES_APPLIED
    assert in_force(request) == Counter({"freeze_balance": 1, "seize_balance": 1, "deed_seizure": 1})
    assert Measure.objects.get(request=request, kind="deed_seizure", status="applied").target == deeds["plot"].number
    assert_deeds_match(request, deeds)
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()

    # a repeat changes nothing: no disclosure applies while one covers
    assert disclose(debtor_client, measured, capture, [deed_key(deeds["plot"])]).status_code == 409
    assert Motion.objects.filter(request=request, kind="disclosure").count() == 1

    # the judge overrules it: the measures apply in full again, each as a new measure, once
    decision = Decision.objects.get(case_id=request.pk, step="disclosure")
    client.force_login(judge)
    with capture(execute=True):
        response = client.post(reverse("supervision:act", args=[decision.pk, "overrule"]), {"reason": REASON})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.review_state == "overridden"
    request = reload(measured)
    assert Motion.objects.get(request=request, kind="disclosure").status == "declined"
    assert {kind: in_force(request)[kind] for kind in RESTRICTIONS} == dict.fromkeys(RESTRICTIONS, 1)
    assert in_force(request)["deed_seizure"] == 2
    assert_deeds_match(request, deeds)
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def test_a_disclosure_that_does_not_cover_is_recorded_and_the_measures_apply_as_today(
    debtor_client, case, ordered, deeds, django_capture_on_commit_callbacks, travel
):
    capture = django_capture_on_commit_callbacks
    response = disclose(debtor_client, ordered, capture, [account_key(case.debtor_account)])
    assert response.status_code == 302
    motion = Motion.objects.get(request=ordered, kind="disclosure")
    assert motion.status == "recorded"
    decision = Decision.objects.get(case_id=ordered.pk, step="disclosure")
    assert decision.outcome == "disclosure_recorded"
    assert {r["id"]: r["passed"] for r in decision.rules}["disclosure_covers"] is False
    assert Notification.objects.filter(kind="enforcement.disclosure_recorded").count() == 2

    with travel(LAPSED):
        sweep(capture)
        request = reload(ordered)
        assert request.status == Status.MEASURES_APPLIED
        applied = in_force(request)
        assert {kind: applied[kind] for kind in RESTRICTIONS} == dict.fromkeys(RESTRICTIONS, 1)
        assert applied["deed_seizure"] == 2 and applied["disclose_assets"] == 1
        assert request.collected == Decimal("3000.00")
        assert_deeds_match(request, deeds)
        assert_each_measure_once(request, case.debtor)
        assert_books_balance()


def test_a_disclosure_spent_before_the_deadline_no_longer_covers_and_the_measures_apply_in_full(
    debtor_client, case, ordered, deeds, django_capture_on_commit_callbacks, travel
):
    capture = django_capture_on_commit_callbacks
    # 3,000 in the account and 2,000 of the plot cover the 5,000 exactly
    keys = [account_key(case.debtor_account), deed_key(deeds["plot"])]
    assert disclose(debtor_client, ordered, capture, keys).status_code == 302
    assert Motion.objects.get(request=ordered, kind="disclosure").status == "granted"
    registries.debit(case.debtor_account.iban, Decimal("0.01"), "ATM-1")  # one halala short now

    with travel(LAPSED):
        sweep(capture)
        request = reload(ordered)
        motion = Motion.objects.get(request=request, kind="disclosure")
        assert motion.ended_at is not None
        debtor_client.force_login(user_for_person(case.debtor))
        page = debtor_client.get(reverse("enforcement:detail", args=[request.number]))
        assert "لم يعد يفي بالدين" in page.content.decode()  # "no longer covers the debt"
        assert Event.objects.filter(case_id=request.pk, kind="enforcement.disclosure_lapsed", public=True,
                                    params__total="4999.99").exists()
        applied = in_force(request)
        assert {kind: applied[kind] for kind in RESTRICTIONS} == dict.fromkeys(RESTRICTIONS, 1)
        assert request.collected == Decimal("2999.99")
        assert_deeds_match(request, deeds)
        assert_each_measure_once(request, case.debtor)
        assert_books_balance()


def test_an_asset_that_is_not_the_debtors_is_refused_with_nothing_recorded(
    debtor_client, case, ordered, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    stranger_deed = factories.DeedFactory(owners=[factories.PersonFactory()])
    for key in (account_key(case.account), deed_key(stranger_deed), "deed:999999999999", "account:SA0000000000"):
        response = disclose(debtor_client, ordered, capture, [key])
        assert response.status_code == 400, key
        body = response.content.decode()
        assert "is not found among your assets in the registries" in body or "غير موجود" in body
    assert not Motion.objects.filter(request=ordered).exists()
    assert not Decision.objects.filter(case_id=ordered.pk, step="disclosure").exists()


@pytest.mark.parametrize("keys", [
    ["deed:\x00123"], ["account:" + "S" * 500], [], ["car:1"], ["deed:1"] * 60, [""],
])
def test_bad_input_gets_a_message_never_a_500(debtor_client, ordered, django_capture_on_commit_callbacks, keys):
    response = disclose(debtor_client, ordered, django_capture_on_commit_callbacks, keys)
    assert response.status_code == 400
    if not any("\x00" in key for key in keys):  # a NUL is refused by the portal's input guard, before any view
        assert response.context["disclosure_form"].errors["assets"]
    assert not Motion.objects.filter(request=ordered).exists()


def test_the_confirmation_is_required(debtor_client, case, ordered, django_capture_on_commit_callbacks):
    response = disclose(debtor_client, ordered, django_capture_on_commit_callbacks,
                        [account_key(case.debtor_account)], confirm=False)
    assert response.status_code == 400
    assert not Motion.objects.filter(request=ordered).exists()


def test_only_the_debtor_may_disclose(client, case, ordered, deeds, django_capture_on_commit_callbacks):
    client.force_login(case.user)
    assert disclose(client, ordered, django_capture_on_commit_callbacks,
                    [deed_key(deeds["villa"])]).status_code == 404
    client.force_login(user_for_person(factories.PersonFactory()))
    assert disclose(client, ordered, django_capture_on_commit_callbacks,
                    [deed_key(deeds["villa"])]).status_code == 404
    assert not Motion.objects.filter(request=ordered).exists()


def test_before_the_order_nothing_can_be_disclosed(debtor_client, case, deeds, django_capture_on_commit_callbacks):
    request = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                  debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"),
                                  iban=case.account.iban)
    EnforcementRequest.objects.filter(pk=request.pk).update(number="EN-2026-999999", status=Status.REFERRED)
    request = reload(request)
    assert disclose(debtor_client, request, django_capture_on_commit_callbacks,
                    [deed_key(deeds["villa"])]).status_code == 409


def test_an_account_disclosed_after_the_measures_is_seized_through_the_ledger_and_the_request_closes(
    debtor_client, case, measured, deeds, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    debtor_client.force_login(user_for_person(case.debtor))
    registries.credit(case.debtor_account.iban, Decimal("2500.00"), "SALARY-2026-12")  # paid in since
    response = disclose(debtor_client, measured, capture, [account_key(case.debtor_account)])
    assert response.status_code == 302
    request = reload(measured)
    motion = Motion.objects.get(request=request, kind="disclosure")
    assert request.status == Status.CLOSED and request.collected == Decimal("5000.00")
    assert request.collections.filter(ref=f"seizure/{request.number}/D{motion.pk}/{case.debtor_account.iban}",
                                      amount=Decimal("2000.00")).exists()
    assert registries.account(case.debtor_account.iban).balance == Decimal("500.00")
    assert not Measure.objects.filter(request=request, status="applied").exists()
    assert_deeds_match(request, deeds)
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def test_after_a_grace_period_the_measures_apply_again_limited_to_the_disclosure(
    debtor_client, client, case, measured, deeds, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    debtor_client.force_login(user_for_person(case.debtor))
    assert disclose(debtor_client, measured, capture, [deed_key(deeds["plot"])]).status_code == 302
    client.force_login(case.user)
    with capture(execute=True):
        response = client.post(reverse("enforcement:motion", args=[measured.number, "grace"]),
                               {"grace-days": "10", "grace-reason": "اتفاق على السداد", "grace-confirm": "on"})
    assert response.status_code == 302
    request = reload(measured)
    assert request.status == Status.GRACE and not in_force(request)
    with capture(execute=True):
        response = client.post(reverse("enforcement:motion", args=[measured.number, "reactivate"]),
                               {"reactivate-confirm": "on"})
    assert response.status_code == 302
    request = reload(measured)
    assert request.status == Status.MEASURES_APPLIED
    # the period had lapsed: the measures apply again at once, limited to the disclosed plot
    assert in_force(request) == Counter({"deed_seizure": 1})
    assert Measure.objects.get(request=request, kind="deed_seizure", status="applied").target == deeds["plot"].number
    assert not RESTRICTIONS & set(Measure.objects.filter(request=request, status="applied")
                                  .values_list("kind", flat=True))
    assert_deeds_match(request, deeds)
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def test_a_disclosure_overruled_before_the_deadline_leaves_the_measures_to_apply_in_full(
    debtor_client, client, judge, case, ordered, deeds, django_capture_on_commit_callbacks, travel  # noqa: F811
):
    capture = django_capture_on_commit_callbacks
    assert disclose(debtor_client, ordered, capture, [deed_key(deeds["villa"])]).status_code == 302
    decision = Decision.objects.get(case_id=ordered.pk, step="disclosure")
    client.force_login(judge)
    with capture(execute=True):
        response = client.post(reverse("supervision:act", args=[decision.pk, "overrule"]), {"reason": REASON})
    assert response.status_code == 302
    assert not Measure.objects.filter(request=ordered).exists()  # nothing applies before the period lapses
    assert Notification.objects.filter(kind="enforcement.disclosure_overruled").count() == 2
    with travel(LAPSED):
        sweep(capture)
        request = reload(ordered)
        applied = in_force(request)
        assert {kind: applied[kind] for kind in RESTRICTIONS} == dict.fromkeys(RESTRICTIONS, 1)
        assert applied["deed_seizure"] == 2
        assert_deeds_match(request, deeds)
        assert_each_measure_once(request, case.debtor)
        assert_books_balance()


def test_a_debtor_the_registries_hold_nothing_of_is_offered_no_disclosure(client, case, ordered):
    registries_account = case.debtor_account
    registries_account.status = "closed"
    registries_account.save(update_fields=["status"])
    for deed in registries.deeds_of(case.debtor):
        deed.status = "closed"
        deed.save(update_fields=["status"])
    client.force_login(user_for_person(case.debtor))
    page = client.get(reverse("enforcement:detail", args=[ordered.number]))
    assert page.status_code == 200 and page.context["disclosure_form"] is None


def test_measures_applied_again_while_the_first_rounds_are_in_force_hold_each_asset_once(
    case, measured, deeds, django_capture_on_commit_callbacks
):
    """A second round of the measures (the request is reactivated, or a disclosure overruled) finds
    the first round's deed seizures and restrictions still in force: each is kept under its own
    reference and none is placed a second time at the registry, so lifting them frees everything.
    Money that came into the account since is still seized, into the same measure."""
    from django.db import transaction
    from django.test import Client

    from najiz.registries.models import AccountHold

    capture = django_capture_on_commit_callbacks
    before = {m.pk: (m.kind, m.target, m.ref) for m in Measure.objects.filter(request=measured, status="applied")}
    assert in_force(measured)["deed_seizure"] == 2
    registries.credit(case.debtor_account.iban, Decimal("500.00"), "SALARY-1")
    with capture(execute=True), transaction.atomic():
        assert services.reapply_measures(services.locked(measured.pk))
    request = reload(measured)
    assert Decision.objects.filter(case_id=request.pk, step="measures").count() == 2
    # nothing new at the registries for what was in force: the same measures, under their own reference
    after = {m.pk: (m.kind, m.target, m.ref) for m in Measure.objects.filter(request=request, status="applied")}
    assert after == before
    assert_deeds_match(request, deeds)
    for deed in deeds.values():
        assert Encumbrance.objects.filter(deed=deed, kind="seizure").count() == 1
    assert_each_measure_once(request, case.debtor)
    # the new money is seized, and counted on the account's one measure
    assert request.collected == Decimal("3500.00")
    seizure = Measure.objects.get(request=request, kind="seize_balance", status="applied")
    assert seizure.amount == Decimal("3500.00")
    assert not AccountHold.objects.filter(account__iban=case.debtor_account.iban, status="active").exists()
    assert_books_balance()

    # the creditor withdraws: every seizure and restriction the request placed is lifted
    creditor = Client()
    creditor.force_login(case.user)
    with capture(execute=True):
        response = creditor.post(reverse("enforcement:act", args=[request.number, "withdraw"]),
                                 {"withdraw-confirm": "on"})
    assert response.status_code == 302
    request = reload(request)
    assert request.status == Status.CLOSED
    assert not Encumbrance.objects.filter(deed__in=list(deeds.values()), active=True).exists()
    assert_each_measure_once(request, case.debtor)
    assert_books_balance()


def _reads_of(queries) -> Counter:
    """How many of `queries` read each of the motions' tables."""
    return Counter(table for query in queries for table in ("enforcement_motion", "enforcement_instalment")
                   if f'FROM "{table}"' in query["sql"])


def test_the_request_page_reads_its_motions_once_and_no_plan_without_a_settlement(
    debtor_client, case, ordered, django_capture_on_commit_callbacks
):
    """The record, the disclosures and the rules that decide which motions the debtor is offered
    all look at one read of the request's motions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert disclose(debtor_client, ordered, django_capture_on_commit_callbacks,
                    [account_key(case.debtor_account)]).status_code == 302
    motion = Motion.objects.get(request=ordered, kind="disclosure")
    with CaptureQueriesContext(connection) as read:
        page = debtor_client.get(reverse("enforcement:detail", args=[ordered.number]))
    assert page.status_code == 200
    assert [shown["motion"].pk for shown in page.context["disclosures"]] == [motion.pk]
    assert [m.pk for m in page.context["motions"]] == [motion.pk]
    # the recorded disclosure does not cover the debt: the debtor may still object, ask for
    # grace, propose a plan and disclose again
    assert {"objection", "grace_request", "plan"} <= set(page.context["motion_forms"])
    assert page.context["disclosure_form"] is not None
    assert _reads_of(read.captured_queries) == {"enforcement_motion": 1}
    # a pending objection, found in that same read, is not offered a second time
    assert object_(debtor_client, ordered, django_capture_on_commit_callbacks).status_code == 302
    page = debtor_client.get(reverse("enforcement:detail", args=[ordered.number]))
    assert "objection" not in page.context["motion_forms"] and "grace_request" in page.context["motion_forms"]
