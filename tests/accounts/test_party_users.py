"""Who receives a party's notices: the accounts behind a civil-registry person or an entity."""

import pytest

from najiz.accounts.models import User
from najiz.accounts.services import users_for_party
from tests.factories.registries import EntityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_person_is_reached_through_their_own_account_made_on_first_need(person):
    assert not User.objects.filter(national_id=person.national_id).exists()
    [user] = users_for_party(person)
    assert user.national_id == person.national_id and user.name_en == "Sarah Ahmed Alotaibi"
    assert users_for_party(person) == [user]


def test_an_entity_is_reached_through_each_of_its_representatives(person):
    other = PersonFactory(alive=True)
    entity = EntityFactory(representatives=[person, other])
    assert sorted(u.national_id for u in users_for_party(entity)) == sorted([person.national_id, other.national_id])
    assert users_for_party(EntityFactory(representatives=[])) == []


def test_no_party_no_one():
    assert users_for_party(None) == []
