from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo import data as demo
from enforcement.models import Circuit
from najiz.accounts.models import JUDGES_GROUP, NOTARIES_GROUP
from najiz.common.identifiers import is_valid_national_id, is_valid_saudi_iban
from najiz.registries import services
from najiz.registries.models import (
    Account,
    Deed,
    Encumbrance,
    Entity,
    HeirsDeed,
    Instrument,
    Person,
    PowerOfAttorney,
    RegistryOperation,
)

pytestmark = pytest.mark.django_db


def snapshot():
    models = [
        Person,
        Entity,
        Account,
        Deed,
        Encumbrance,
        Instrument,
        PowerOfAttorney,
        HeirsDeed,
        Circuit,
        get_user_model(),
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_changes_nothing():
    first_output = seed()
    before = snapshot()
    second_output = seed()
    assert snapshot() == before
    assert first_output == second_output
    assert not RegistryOperation.objects.exists()


def test_seed_demo_counts():
    seed()
    people = Person.objects.all()
    citizens = [p for p in people if p.kind == "citizen" and p.alive]
    residents = [p for p in people if p.kind == "resident"]
    assert len(citizens) >= 3
    assert any(r.id_in_force for r in residents)
    assert all(is_valid_national_id(p.national_id) for p in people)
    assert Entity.objects.count() == 2
    assert all(entity.representatives.exists() for entity in Entity.objects.all())

    for holder in [*people, *Entity.objects.all()]:
        assert services.accounts_of(holder), holder
    assert all(is_valid_saudi_iban(a.iban) for a in Account.objects.all())
    assert services.court_trust_account().iban == services.COURT_TRUST_IBAN

    assert Deed.objects.count() >= 6
    assert Deed.objects.filter(is_electronic=True, is_updated=True).exists()
    assert Deed.objects.filter(is_electronic=False).exists()
    assert Deed.objects.filter(is_electronic=True, is_updated=False).exists()
    assert Encumbrance.objects.filter(kind="mortgage", active=True).exists()
    assert Encumbrance.objects.filter(kind="seizure", active=True).exists()
    assert any(len(d.owners) == 2 for d in Deed.objects.all())
    assert all(d.shares_total == 1 for d in Deed.objects.all())

    deceased = Person.objects.get(alive=False)
    assert services.deeds_of(deceased)
    heirs_deed = HeirsDeed.objects.get(deceased=deceased)
    assert len(heirs_deed.heirs) == 3
    assert sum(row.share for row in heirs_deed.shares.all()) == 1
    assert [row.share_label for row in heirs_deed.shares.all()] == ["3/24", "14/24", "7/24"]

    assert Instrument.objects.count() >= 8
    assert Instrument.objects.values("kind").distinct().count() >= 5
    assert Instrument.objects.filter(status="cancelled").exists()
    assert Instrument.objects.filter(status="executed").exists()
    due_valid = [i for i in Instrument.objects.filter(status="valid") if i.is_due]
    assert len(due_valid) >= 3

    scopes = [p.names("transfer_ownership") for p in PowerOfAttorney.objects.all()]
    assert sorted(scopes) == [False, True]

    assert Circuit.objects.filter(city="riyadh").count() == 2
    assert Circuit.objects.filter(city="jeddah").count() == 1
    users = get_user_model().objects
    judges = users.filter(groups__name=JUDGES_GROUP)
    assert judges.count() == 2 and all(j.is_staff and j.circuits.exists() for j in judges)
    assert users.filter(groups__name=NOTARIES_GROUP, is_staff=True).count() == 1
    assert not Circuit.objects.filter(judges=None).exists()


def test_demo_passwords_work_and_persons_have_nafath_logins():
    seed()
    users = get_user_model().objects
    for national_id, password in demo.JUDGE_PASSWORDS.items():
        assert users.get(national_id=national_id).check_password(password)
    assert users.get(national_id=demo.NOTARY).check_password(demo.NOTARY_PASSWORD)
    for person in Person.objects.filter(alive=True):
        user = users.get(national_id=person.national_id)
        assert not user.has_usable_password() and user.name_ar == person.name_ar
    assert not users.filter(national_id=demo.SULAIMAN).exists()


def test_demo_scenarios_hold():
    seed()
    judgment = services.instrument(demo.JUDGMENT)
    assert judgment.creditor == services.person(demo.ABDULLAH)
    assert judgment.debtors == [services.person(demo.KHALID)]
    assert services.represents(demo.ABDULLAH, demo.OFUQ)
    assert services.represents(demo.FAHD, demo.WAHA)
    assert services.poa(demo.POA_TRANSFER).in_force
    assert not services.person(demo.RAJESH).id_in_force
    assert not services.instrument(demo.NOTARISED_NOT_DUE).is_due
    assert services.deed(demo.DEED_ESTATE).owners == [services.person(demo.SULAIMAN)]


def test_who_is_who_names_every_login():
    seed()
    rows = demo.who_is_who()
    logins = {row.login for row in rows}
    assert {demo.ABDULLAH, demo.KHALID, demo.NOURA, demo.MOHAMED, demo.FAHD, demo.JUDGE_RIYADH, demo.NOTARY} <= logins
    table = demo.format_who_is_who()
    assert "najiz-judge-1" in table and demo.DEED_VILLA in table


def test_show_only_prints(settings):
    out = StringIO()
    call_command("seed_demo", "--show", stdout=out)
    assert demo.ABDULLAH in out.getvalue()
    assert not Person.objects.exists()


def test_who_is_who_in_arabic():
    out = StringIO()
    call_command("seed_demo", "--show", "--lang", "ar", stdout=out)
    assert "دائن" in out.getvalue()


def test_seed_demo_leaves_demo_progress_alone():
    seed()
    villa = services.deed(demo.DEED_VILLA)
    new = services.transfer(villa, [(services.person(demo.NOURA), Decimal(1))], "CV-2026-000001")
    services.freeze(services.accounts_of(services.person(demo.KHALID))[0].iban, Decimal("100"), "EN-2026-000001")
    seed()
    assert services.deed(demo.DEED_VILLA).status == Deed.Status.CLOSED
    assert new in services.deeds_of(services.person(demo.NOURA))
    assert sum(a.frozen for a in services.accounts_of(services.person(demo.KHALID))) == Decimal("100.00")


def test_the_demo_has_a_request_in_each_state_of_the_motions():
    from enforcement.models import EnforcementRequest, Measure
    from payments.models import Invoice

    seed()
    seed()  # once each
    by_cheque = {r.instrument_number: r for r in EnforcementRequest.objects.all()}
    assert len(by_cheque) == EnforcementRequest.objects.count() == 3
    assert by_cheque[demo.CHEQUE_IN_GRACE].status == "grace"
    plan = by_cheque[demo.CHEQUE_IN_SETTLEMENT]
    assert plan.status == "settlement" and plan.instalments.count() == 4
    assert Invoice.objects.filter(purpose_id=plan.pk, status="unpaid").count() == 4
    objected = by_cheque[demo.CHEQUE_OBJECTED]
    assert objected.status == "suspended" and objected.motions.get().kind == "objection"
    assert not Measure.objects.exists() and not RegistryOperation.objects.exists()
