from datetime import timedelta
from decimal import Decimal

import pytest

from najiz.common import clock
from najiz.registries import services
from najiz.registries.models import Deed, Instrument
from tests.factories.registries import (
    AccountFactory,
    DeedFactory,
    EntityAccountFactory,
    EntityFactory,
    HeirsDeedFactory,
    InstrumentFactory,
    PersonFactory,
    PowerOfAttorneyFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "abc",
        "123",
        "12345678901",
        "3000000000",
        "1000000017",
        1.5,
        object(),
        b"\x00",
        ["1"],
        {"id": 1},
        "١٠٠٠٠٠٠٠١٧",
    ],
)
def test_person_answers_none_for_junk(junk):
    PersonFactory()
    assert services.person(junk) is None


def test_person_finds_by_id_with_spaces_or_arabic_digits():
    someone = PersonFactory()
    assert services.person(f" {someone.national_id} ") == someone
    arabic = someone.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert services.person(arabic) == someone
    assert services.person(int(someone.national_id)) == someone


def test_person_kind_is_read_from_the_id():
    assert PersonFactory().kind == "citizen"
    resident = ResidentFactory()
    assert resident.kind == "resident" and resident.national_id.startswith("2")
    assert resident.id_in_force
    assert not ResidentFactory(id_expiry=clock.today() - timedelta(days=1)).id_in_force


def test_person_lookup_is_one_query(django_assert_num_queries):
    someone = PersonFactory()
    with django_assert_num_queries(1):
        assert services.person(someone.national_id) == someone
    with django_assert_num_queries(0):
        assert services.person("not an id") is None


def test_entity_and_representation():
    manager, stranger = PersonFactory(), PersonFactory()
    company = EntityFactory(representatives=[manager])
    other = EntityFactory()
    assert services.entity(company.cr_number) == company
    assert services.entity("junk") is None
    assert services.entity("123") is None
    assert services.represents(manager, company)
    assert not services.represents(stranger, company)
    assert not services.represents(manager, other)
    assert not services.represents(None, company)
    assert services.represents(manager.national_id, company.cr_number)
    assert services.entities_represented_by(manager) == [company]
    assert services.entities_represented_by(stranger) == []
    assert services.entities_represented_by("junk") == []


def test_represents_accepts_a_signed_in_user():
    from django.contrib.auth import get_user_model

    manager = PersonFactory()
    company = EntityFactory(representatives=[manager])
    user = get_user_model().objects.create_user(manager.national_id, name_ar=manager.name_ar)
    assert services.represents(user, company)
    assert services.entities_represented_by(user) == [company]
    assert services.entities_represented_by(manager.national_id) == [company]
    assert services.entities_represented_by(company) == []


def test_instrument_with_person_and_entity_debtors():
    creditor = EntityFactory()
    debtor_person, debtor_entity = PersonFactory(), EntityFactory()
    made = InstrumentFactory(creditor_person=None, creditor_entity=creditor, debtors=[debtor_person, debtor_entity])
    found = services.instrument(made.number)
    assert found == made
    assert found.creditor == creditor
    assert found.debtors == [debtor_person, debtor_entity]
    assert found.has_debtor(debtor_entity) and not found.has_debtor(creditor)
    assert found.has_creditor(creditor)
    assert found.is_valid and found.is_due
    assert services.instrument("nope") is None
    assert services.instrument(None) is None


def test_instrument_due_date():
    assert not InstrumentFactory(due_date=clock.today() + timedelta(days=1)).is_due
    assert InstrumentFactory(due_date=None, issue_date=clock.today()).is_due


def test_instrument_kinds_cover_article_nine_and_tell_ordinary_papers_apart():
    from enforcement.rules import EXECUTION_KINDS

    assert set(Instrument.Kind.values) == EXECUTION_KINDS | {"ordinary_contract"}
    assert EXECUTION_KINDS == {
        "judgment",
        "arbitral_award",
        "notarised_document",
        "cheque",
        "promissory_note",
        "bill_of_exchange",
        "other_art9",
    }


def test_accounts_of_person_and_entity():
    first = AccountFactory()
    second = AccountFactory(person=first.person)
    AccountFactory(person=first.person, status="closed")
    company_account = EntityAccountFactory()
    assert services.accounts_of(first.person) == sorted([first, second], key=lambda a: a.iban)
    assert services.accounts_of(company_account.entity) == [company_account]
    assert services.accounts_of(PersonFactory()) == []
    assert services.accounts_of(None) == []
    assert services.account(first.iban) == first
    assert services.account(first.iban.lower()) == first
    assert services.account("SA00") is None


def test_court_trust_account_is_created_once():
    trust = services.court_trust_account()
    assert trust.iban == services.COURT_TRUST_IBAN
    assert trust.is_court_trust and trust.holder is None
    assert services.court_trust_account() == trust


def test_deeds_of_lists_open_deeds_with_a_share():
    owner, partner = PersonFactory(), PersonFactory()
    own = DeedFactory(owners=[owner])
    shared = DeedFactory(owners=[(partner, Decimal("0.25")), (owner, Decimal("0.75"))])
    locked = DeedFactory(owners=[owner], status=Deed.Status.SUSPENDED, suspended_ref="CV-1")
    DeedFactory(owners=[owner], status=Deed.Status.CLOSED)
    DeedFactory()
    assert services.deeds_of(owner) == sorted([own, shared, locked], key=lambda d: d.number)
    assert services.deeds_of(partner) == [shared]
    assert services.deed(shared.number).share_of(owner) == Decimal("0.75")
    assert services.deed(shared.number).shares_total == 1
    assert services.deed("x" * 40) is None
    assert services.deeds_of(None) == []


def test_poa_and_heirs_deed():
    power = PowerOfAttorneyFactory()
    assert services.poa(power.number) == power
    assert power.names("transfer_ownership") and power.in_force
    narrow = PowerOfAttorneyFactory(scopes=["litigation"], revoked=True)
    assert not narrow.names("transfer_ownership") and not narrow.in_force
    assert services.poa("nope") is None

    son, daughter = PersonFactory(), PersonFactory()
    heirs = HeirsDeedFactory(heirs=[(son, Decimal("0.666667")), (daughter, Decimal("0.333333"))])
    found = services.heirs_deed(heirs.number)
    assert found == heirs and found.heirs == [son, daughter]
    assert not found.deceased.alive
    assert services.heirs_deeds_of(found.deceased) == [heirs]
    assert services.heirs_deed(None) is None


def test_helpers_used_by_the_audit_snapshot(django_assert_num_queries):
    creditor, debtor, company = PersonFactory(), PersonFactory(), EntityFactory()
    made = InstrumentFactory(creditor_person=creditor, debtors=[debtor, company])
    found = services.instrument(made.number)
    with django_assert_num_queries(0):  # already loaded by instrument()
        assert services.instrument_creditor(found) == creditor
        assert services.instrument_debtors(found) == [debtor, company]
    account = AccountFactory(person=None, entity=company)
    assert services.account_holder(services.account(account.iban)) == company
    assert services.account_holder(services.court_trust_account()) is None


def test_representatives_of():
    first, second = PersonFactory(), PersonFactory()
    company = EntityFactory(representatives=[second, first])
    assert services.representatives_of(company) == sorted([first, second], key=lambda p: p.national_id)
    assert services.representatives_of(company.cr_number) == services.representatives_of(company)
    assert services.representatives_of(EntityFactory()) == []
    assert services.representatives_of(None) == []


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["12\x0034", "INS\x00", "\x07", "a" * 100])
def test_lookups_answer_not_found_for_control_characters(junk):
    from najiz.registries import services

    assert services.instrument(junk) is None
    assert services.person(junk) is None
    assert services.deed(junk) is None
