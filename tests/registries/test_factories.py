
import pytest
from django.db import IntegrityError, transaction

from najiz.common.identifiers import is_valid_national_id, is_valid_saudi_iban
from najiz.registries.models import Deed, DeedOwner, Instrument
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db


def test_people_have_valid_unique_ids():
    people = factories.PersonFactory.create_batch(5) + factories.ResidentFactory.create_batch(5)
    ids = [p.national_id for p in people]
    assert len(set(ids)) == 10
    assert all(is_valid_national_id(i) for i in ids)
    assert all(p.national_id.startswith("1") for p in people[:5])
    assert all(p.national_id.startswith("2") and p.kind == "resident" and p.id_in_force for p in people[5:])
    for person in people:
        person.full_clean()


def test_deceased_trait():
    person = factories.PersonFactory(deceased=True)
    assert not person.alive and person.date_of_death


def test_accounts_have_valid_unique_ibans():
    accounts = factories.AccountFactory.create_batch(3) + factories.EntityAccountFactory.create_batch(2)
    assert len({a.iban for a in accounts}) == 5
    assert all(is_valid_saudi_iban(a.iban) for a in accounts)
    assert accounts[-1].entity and accounts[-1].person is None
    for account in accounts:
        account.full_clean()


def test_every_factory_builds_a_valid_record():
    for factory in [
        factories.EntityFactory,
        factories.RepresentationFactory,
        factories.InstrumentFactory,
        factories.InstrumentDebtorFactory,
        factories.BankFactory,
        factories.DeedFactory,
        factories.DeedOwnerFactory,
        factories.EncumbranceFactory,
        factories.PowerOfAttorneyFactory,
        factories.HeirsDeedFactory,
        factories.HeirShareFactory,
        factories.TravelBanFactory,
        factories.PoaIssuingStopFactory,
        factories.DealingBanFactory,
        factories.CreditReportFactory,
    ]:
        factory().full_clean()


def test_deed_owner_shares_sum_to_one():
    owners = factories.PersonFactory.create_batch(3)
    deed = factories.DeedFactory(owners=owners)
    assert deed.shares_total == 1 and deed.owners == owners
    assert factories.DeedFactory().shares_total == 1


def test_instrument_defaults_to_one_person_debtor():
    instrument = factories.InstrumentFactory()
    assert len(instrument.debtors) == 1 and instrument.status == Instrument.Status.VALID and instrument.is_due


def test_database_refuses_a_share_above_one():
    deed = factories.DeedFactory(owners=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        DeedOwner.objects.create(deed=deed, person=factories.PersonFactory(), share_numerator=3, share_denominator=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeedOwner.objects.create(deed=deed, person=factories.PersonFactory(), share_numerator=0, share_denominator=2)


def test_database_refuses_suspension_without_ref():
    deed = factories.DeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deed.objects.filter(pk=deed.pk).update(status=Deed.Status.SUSPENDED)


def test_instrument_needs_exactly_one_creditor():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.InstrumentFactory(creditor_entity=factories.EntityFactory())
