"""معلومات تنفيذ: the dashboard's figures, its chart, who it covers, and its fixed query count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement import selectors, services
from enforcement.charts import bar_chart
from enforcement.models import EnforcementRequest, Measure, MeasureKind, RequestDebtor
from enforcement.states import OPEN, PublicStatus, Status
from enforcement.tasks import sweep_deadlines
from najiz.accounts import sessions
from najiz.accounts.services import user_for_person
from najiz.common import clock
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

_serial = iter(range(1, 100_000))


def make(filed_by, creditor, debtor, *, status, claimed="100.00", collected="0.00", disbursed="0.00",
         paid_outside="0.00", withdrawn=False, measures=0, debtor_user=None, entity=None):
    """A request row in a given state, straight in the database (the figures are what is tested)."""
    request = EnforcementRequest.objects.create(
        number=f"EN-2030-{next(_serial):06d}", status=status, filed_by=filed_by,
        creditor_person=None if entity else creditor, creditor_entity=entity,
        instrument_number="I-1", amount_claimed=Decimal(claimed), collected=Decimal(collected),
        disbursed=Decimal(disbursed), paid_outside=Decimal(paid_outside), withdrawn=withdrawn,
        submitted_at=clock.now(), deadline=clock.now() + timedelta(days=3),
    )
    row = RequestDebtor.objects.create(request=request, id_number=debtor.national_id, person=debtor, user=debtor_user)
    kinds = [MeasureKind.TRAVEL_BAN, MeasureKind.STOP_POA, MeasureKind.DEALINGS_BAR]
    for kind in kinds[:measures]:
        Measure.objects.create(request=request, debtor=row, kind=kind)
    return request


@pytest.fixture
def mixed(case):
    """The case's creditor files six requests in different states; one request is against them."""
    other = factories.PersonFactory()
    user, me, debtor = case.user, case.creditor, case.debtor
    make(user, me, debtor, status=Status.SUBMITTED, claimed="100.00")
    make(user, me, debtor, status=Status.ORDER_ISSUED, claimed="1000.00")
    make(user, me, debtor, status=Status.MEASURES_APPLIED, claimed="2000.00", collected="500.00", disbursed="500.00")
    make(user, me, debtor, status=Status.CLOSED, claimed="300.00", collected="300.00", disbursed="300.00")
    make(user, me, debtor, status=Status.CLOSED, claimed="400.00", withdrawn=True)
    make(user, me, debtor, status=Status.REJECTED, claimed="50.00")
    make(user, me, debtor, status=Status.DRAFT, claimed="999.00")  # drafts are not counted
    against = make(UserFactory(), other, me, status=Status.MEASURES_APPLIED, claimed="700.00", collected="200.00",
                   measures=2, debtor_user=user)
    return against


def test_creditor_figures_by_public_status_and_amounts(case, mixed):
    stats = selectors.creditor_stats(case.user)
    assert stats["total"] == 6
    assert dict(stats["by_status"]) == {
        PublicStatus.NEW: 1, PublicStatus.UNDER_ENFORCEMENT: 1, PublicStatus.PARTIALLY_EXECUTED: 1,
        PublicStatus.EXECUTED: 1, PublicStatus.REJECTED: 1, PublicStatus.WITHDRAWN: 1, PublicStatus.SUSPENDED: 0,
        PublicStatus.GRACE: 0, PublicStatus.SETTLEMENT: 0,
    }
    assert stats["claimed"] == Decimal("3800.00")  # the rejected request's 50.00 is not claimed
    assert stats["collected"] == Decimal("800.00")
    assert stats["disbursed"] == Decimal("800.00")
    assert stats["outstanding"] == Decimal("2600.00")  # 100 + 1000 + 1500: open requests only


def test_debtor_figures_what_to_pay_and_measures(case, mixed):
    stats = selectors.debtor_stats(case.user)
    assert stats["total"] == 1 and stats["outstanding"] == Decimal("500.00")
    to_pay = selectors.to_pay(case.user)
    assert [item.number for item in to_pay] == [mixed.number] and to_pay[0].owed == Decimal("500.00")
    assert len(selectors.measures_in_force(case.user)) == 2


def test_the_dashboard_shows_both_sides_and_a_chart(client, case, mixed):
    client.force_login(case.user)
    response = client.get(reverse("enforcement:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "معلومات تنفيذ" in html
    assert "3,800.00" in html and "2,600.00" in html  # claimed (the rejected request aside), outstanding
    assert "قيد التنفيذ" in html and "منفذ جزئياً" in html
    # the chart: inline SVG with an accessible name and description, no script
    assert '<svg class="chart-svg" role="img" aria-labelledby=' in html
    assert "<title id=\"status-chart-" in html and "<desc id=\"status-chart-" in html
    assert "<script>" not in html and " onclick=" not in html and "hx-on" not in html
    # as debtor: what to pay, measures in force and what lifts them
    assert mixed.number in html and "500.00" in html
    assert "المنع من السفر" in html
    assert "يُرفع" in html or "ترفع" in html or "تُرفع" in html  # what lifts the measures
    assert reverse("enforcement:dashboard_report") in html


def test_the_dashboard_in_english(client, case, mixed):
    client.force_login(case.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("enforcement:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enforcement information" in html and "As creditor" in html and "Under enforcement" in html
    assert 'direction="ltr"' in html


def test_the_dashboard_needs_sign_in_and_shows_nothing_of_others(client, case, mixed):
    response = client.get(reverse("enforcement:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    html = client.get(reverse("enforcement:dashboard")).content.decode()
    assert mixed.number not in html and "3,850.00" not in html
    assert selectors.creditor_stats(UserFactory())["total"] == 0


def test_the_entity_dashboard_counts_the_entity_requests_while_acting_as_it(client, case):
    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=case.creditor)
    make(case.user, None, case.debtor, status=Status.ORDER_ISSUED, claimed="4321.00", entity=entity)
    make(case.user, case.creditor, case.debtor, status=Status.ORDER_ISSUED, claimed="1234.00")
    assert selectors.creditor_stats(case.user, entity)["claimed"] == Decimal("4321.00")
    assert selectors.creditor_stats(case.user)["claimed"] == Decimal("1234.00")
    client.force_login(case.user)
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    html = client.get(reverse("enforcement:dashboard")).content.decode()
    assert "4,321.00" in html and "1,234.00" not in html


def _population(case, count):
    other = factories.PersonFactory()
    for index in range(count):
        make(
            case.user,
            case.creditor,
            case.debtor,
            status=[Status.ORDER_ISSUED, Status.CLOSED, Status.MEASURES_APPLIED][index % 3],
            claimed="100.00",
            collected="10.00",
        )
        make(UserFactory(), other, case.creditor, status=Status.MEASURES_APPLIED, claimed="100.00", measures=2,
             debtor_user=case.user)


def test_the_dashboard_runs_a_fixed_number_of_queries(client, case, django_assert_max_num_queries):
    client.force_login(case.user)
    _population(case, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("enforcement:dashboard")).status_code == 200
    assert len(one.captured_queries) <= 15
    _population(case, 29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("enforcement:dashboard"))
    assert response.context["creditor"]["total"] == 30
    assert response.context["debtor"]["total"] == 30


def test_the_bar_chart_mirrors_in_arabic_and_scales_to_the_largest_value():
    items = [("أ", 10, "10", "info"), ("ب", 5, "5", "success"), ("ج", 0, "0", "neutral")]
    ltr = bar_chart(items, title="t", rtl=False)
    rtl = bar_chart(items, title="t", rtl=True)
    assert float(ltr.bars[0].bar_width) == 2 * float(ltr.bars[1].bar_width)
    assert not ltr.bars[2].has_bar
    assert float(ltr.bars[0].bar_x) + float(rtl.bars[0].bar_x) + float(ltr.bars[0].bar_width) == ltr.width
    assert rtl.direction == "rtl" and "أ: 10" in rtl.description
    assert bar_chart([], title="empty", rtl=True).empty


def test_the_dashboard_follows_a_real_request(client, case, django_capture_on_commit_callbacks, travel):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, user=case.user)
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()  # seizes the debtor's 3,000 and applies the restrictions
    stats = selectors.creditor_stats(case.user)
    assert stats["collected"] == Decimal("3000.00") and stats["outstanding"] == Decimal("2000.00")
    debtor_user = user_for_person(case.debtor)
    client.force_login(debtor_user)
    response = client.get(reverse("enforcement:dashboard"))
    html = response.content.decode()
    assert "2,000.00" in html
    assert response.context["to_pay"][0].open_invoice is not None
    assert reverse("payments:invoice_detail", args=[response.context["to_pay"][0].open_invoice.bill_number]) in html
    assert {m.kind for m in response.context["measures"]} >= {MeasureKind.TRAVEL_BAN, MeasureKind.DEALINGS_BAR}


def test_the_figures_sort_every_state_as_the_status_filter_does(case):
    """Each request counts under the public status its list filter gives it, and the amounts add
    up row by row (outstanding only where something is still owed, never below zero)."""
    amounts = [
        ("100.00", "0.00", "0.00"),
        ("100.00", "30.00", "0.00"),
        ("100.00", "0.00", "45.50"),
        ("20.00", "25.00", "0.00"),
    ]
    for status in Status:
        for withdrawn in (False, True):
            for claimed, collected, paid_outside in amounts:
                make(case.user, case.creditor, case.debtor, status=status, withdrawn=withdrawn, claimed=claimed,
                     collected=collected, disbursed=collected, paid_outside=paid_outside)
    rows = list(EnforcementRequest.objects.filter(filed_by=case.user).exclude(status=Status.DRAFT))
    owed = {*OPEN, Status.SUSPENDED}
    for stats in (selectors.creditor_stats(case.user), selectors.debtor_stats(user_for_person(case.debtor))):
        assert stats["total"] == len(rows) == (len(Status) - 1) * 2 * len(amounts)
        assert dict(stats["by_status"]) == {
            code: EnforcementRequest.objects.filter(filed_by=case.user)
            .filter(selectors.public_status_filter(code))
            .count()
            for code, _ in stats["by_status"]
        }
        assert sum(count for _, count in stats["by_status"]) == len(rows)  # every state has a public status
        assert stats["claimed"] == sum(row.amount_claimed for row in rows if row.status != Status.REJECTED)
        assert stats["collected"] == stats["disbursed"] == sum(row.collected for row in rows)
        assert stats["paid_outside"] == sum(row.paid_outside for row in rows)
        assert stats["outstanding"] == sum(row.outstanding for row in rows if row.status in owed)


def test_the_figures_of_nobody_are_zero():
    from django.contrib.auth.models import AnonymousUser

    stats = selectors.creditor_stats(AnonymousUser())
    assert stats["total"] == 0 and stats["claimed"] == stats["outstanding"] == Decimal("0.00")
    assert dict(stats["by_status"]) == dict.fromkeys(dict(stats["by_status"]), 0)
    assert selectors.to_pay(AnonymousUser()) == []


def test_the_dashboard_runs_exactly_nine_queries(client, case, django_assert_num_queries):
    """Session, user, the creditor figures, the debtor figures, what to pay, the measures, the
    open invoices of what to pay, and the page frame (entities acted for, unread notifications)
    — however many requests there are on either side."""
    client.force_login(case.user)
    _population(case, 30)
    assert client.get(reverse("enforcement:dashboard")).status_code == 200  # warm caches (content types)
    with django_assert_num_queries(9):
        response = client.get(reverse("enforcement:dashboard"))
    assert response.context["creditor"]["total"] == 30 and len(response.context["to_pay"]) == 20
    assert len(response.context["measures"]) == 60
