from decimal import Decimal

import pytest

from najiz.registries import services
from najiz.registries.models import CreditReport, DealingBan, PoaIssuingStop, TravelBan
from tests.factories.registries import EntityFactory, PersonFactory

pytestmark = pytest.mark.django_db

PAIRS = [
    (services.ban_travel, services.lift_travel_ban, TravelBan),
    (services.stop_poa_issuing, services.resume_poa_issuing, PoaIssuingStop),
    (services.bar_dealings, services.lift_dealings_bar, DealingBan),
]


@pytest.mark.parametrize("place, lift, model", PAIRS)
@pytest.mark.parametrize("make_subject", [PersonFactory, EntityFactory])
def test_place_and_lift_once_per_ref(place, lift, model, make_subject):
    subject = make_subject()
    row = place(subject, "EN-1")
    assert row.active and row.subject == subject and row.ref == "EN-1"
    assert place(subject, "EN-1") == row
    assert model.objects.count() == 1

    lifted = lift(subject, "EN-1")
    assert lifted == row and not lifted.active and lifted.lifted_at
    assert lift(subject, "EN-1") == row
    assert lift(subject, "EN-2") is None
    assert model.objects.filter(active=True).count() == 0


def test_bans_of_two_cases_are_separate():
    debtor = PersonFactory()
    services.ban_travel(debtor, "EN-1")
    services.ban_travel(debtor, "EN-2")
    services.lift_travel_ban(debtor, "EN-1")
    assert [ban.ref for ban in services.active_restrictions(debtor)["travel"]] == ["EN-2"]


def test_credit_report():
    debtor = EntityFactory()
    report = services.report_default(debtor, Decimal("1234.50"), "EN-1")
    assert report.amount == Decimal("1234.50")
    assert services.report_default(debtor, Decimal("9"), "EN-1") == report
    assert CreditReport.objects.get().amount == Decimal("1234.50")
    assert services.clear_default(debtor, "EN-1").active is False


def test_subject_can_be_given_by_id():
    debtor = PersonFactory()
    assert services.ban_travel(debtor.national_id, "EN-1").person == debtor
    company = EntityFactory()
    assert services.bar_dealings(company.cr_number, "EN-1").entity == company


def test_unknown_subject_is_refused():
    with pytest.raises(services.UnknownSubject):
        services.ban_travel("1234", "EN-1")
    with pytest.raises(services.RegistryError):
        services.ban_travel(None, "EN-1")
    assert services.active_restrictions("junk") == {"travel": [], "poa_issuing": [], "dealings": [], "credit": []}


def test_a_ref_is_required():
    with pytest.raises(ValueError):
        services.ban_travel(PersonFactory(), "")


def test_restrictions_placed_together_are_those_the_commands_place(django_assert_max_num_queries):
    """place_restrictions places each restriction as its own command would, once per ref, in a
    few statements for all: a replay returns the recorded row, and a lift finds what was placed."""
    people, company = [PersonFactory() for _ in range(5)], EntityFactory()
    earlier = services.ban_travel(people[0], "EN-1")
    asked = [services.Restriction("travel", person, "EN-1") for person in people]
    asked += [services.Restriction("poa_issuing", person, "EN-1") for person in people]
    asked += [services.Restriction("credit", company, "EN-2", {"amount": Decimal("1234.50")}),
              services.Restriction("dealings", company, "EN-2")]
    with django_assert_max_num_queries(10):
        rows = services.place_restrictions(asked)
    assert rows[0] == earlier
    assert [(type(row), row.subject, row.ref) for row in rows] == [
        (TravelBan, person, "EN-1") for person in people] + [(PoaIssuingStop, person, "EN-1") for person in people] + [
        (CreditReport, company, "EN-2"), (DealingBan, company, "EN-2")]
    assert rows[-2].amount == Decimal("1234.50") and all(row.active and row.pk for row in rows)
    assert TravelBan.objects.count() == 5 and PoaIssuingStop.objects.count() == 5
    assert services.ban_travel(people[3], "EN-1") == rows[3]
    assert services.report_default(company, Decimal("9"), "EN-2") == rows[-2]
    assert services.place_restrictions(asked) == rows
    assert services.lift_dealings_bar(company, "EN-2") == rows[-1]
