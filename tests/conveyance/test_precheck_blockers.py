"""Every eligibility rule that can fail before a conveyance is filed is flagged by the pre-check
while the form is typed, by its field, in the rule's words. (The business API files no
conveyance, so the web form is where a conveyance is checked before filing.)"""

import re
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conveyance import rules
from conveyance.models import Conveyance
from najiz.accounts.services import user_for_person
from najiz.common import clock
from najiz.registries.models import Encumbrance, PoaScope
from tests.factories import registries as factories
from tests.precheck_html import blockers_of, count_of

pytestmark = pytest.mark.django_db

CHECK = reverse("conveyance:check")


def _expired():
    return clock.today() - timedelta(days=1)


@pytest.fixture
def world(db):
    seller, buyer = factories.PersonFactory(), factories.PersonFactory()
    factories.AccountFactory(person=seller)
    factories.AccountFactory(person=buyer)
    return SimpleNamespace(seller=seller, buyer=buyer, deed=factories.DeedFactory(owners=[seller]), filer=seller)


@dataclass(frozen=True)
class Blocker:
    id: str
    rules: frozenset  # every rule that fails
    field: str
    words: str
    make: object  # world -> the fields that change (it may change world.filer, who signs in)


def _deed(**fields):
    def make(world):
        for name, value in fields.items():
            setattr(world.deed, name, value)
        world.deed.save()
        return {}

    return make


def _encumbered(kind):
    def make(world):
        factories.EncumbranceFactory(deed=world.deed, kind=kind)
        return {}

    return make


def _resident_seller(world):
    world.filer = world.seller = factories.ResidentFactory(id_expiry=_expired())
    factories.AccountFactory(person=world.seller)
    world.deed = factories.DeedFactory(owners=[world.seller])
    return {"deed_number": world.deed.number}


def _agent(**poa):
    def make(world):
        world.filer = factories.PersonFactory()
        found = factories.PowerOfAttorneyFactory(principal=world.seller, agent=world.filer, **poa)
        return {"capacity": "agent", "poa_number": found.number}

    return make


def _agent_as_owner(world):
    changed = _agent()(world)
    return {**changed, "capacity": "owner"}


def _heir_with_unknown_heirs_deed(world):
    late = factories.PersonFactory(deceased=True)
    world.filer = heir = factories.PersonFactory()
    factories.AccountFactory(person=heir)
    factories.HeirsDeedFactory(deceased=late, heirs=[heir])
    world.deed = factories.DeedFactory(owners=[late])
    return {"capacity": "heir", "deed_number": world.deed.number, "heirs_deed_number": "699999999"}


def _co_owner(**person):
    def make(world):
        co_owner = factories.ResidentFactory(**person) if "id_expiry" in person else factories.PersonFactory()
        world.deed = factories.DeedFactory(owners=[world.seller, co_owner])
        world.co_owner = co_owner
        return {"deed_number": world.deed.number}

    return make


def _buyer(make_buyer, account=True):
    def make(world):
        buyer = make_buyer()
        if account:
            factories.AccountFactory(person=buyer)
        return {"buyer_id": buyer.national_id}

    return make


def _buyer_is_co_owner(world):
    co_owner = factories.PersonFactory()
    factories.AccountFactory(person=co_owner)
    world.deed = factories.DeedFactory(owners=[world.seller, co_owner])
    return {"deed_number": world.deed.number, "buyer_id": co_owner.national_id}


def _filed_first(world):
    from conveyance import services

    services.file(user=user_for_person(world.seller), acting_entity=None, capacity="owner",
                  deed_number=world.deed.number, heirs_deed_number="", poa_number="",
                  buyer_id=world.buyer.national_id, price="900000", payment_method="mada")
    return {}


NOT_FOUND = "No deed with this number is registered."
BLOCKERS = [
    # a deed not found has no sellers, so neither rule on the sellers can pass
    Blocker("unknown deed", frozenset({"deed_exists", "sellers_valid", "sellers_hold_accounts"}),
            "deed_number", NOT_FOUND, lambda world: {"deed_number": "799999999999"}),
    Blocker("another person's deed", frozenset({"deed_exists", "sellers_valid", "sellers_hold_accounts"}),
            "deed_number", NOT_FOUND, lambda world: {"deed_number": factories.DeedFactory().number}),
    Blocker("paper deed", frozenset({"deed_electronic"}), "deed_number", "The deed is a paper deed",
            _deed(is_electronic=False)),
    Blocker("deed not updated", frozenset({"deed_updated"}), "deed_number", "The deed is not updated",
            _deed(is_updated=False)),
    Blocker("deed closed", frozenset({"deed_active"}), "deed_number", "The deed is closed", _deed(status="closed")),
    Blocker("deed suspended", frozenset({"deed_active"}), "deed_number",
            "The deed is suspended by another transaction.", _deed(status="suspended", suspended_ref="X-1")),
    Blocker("mortgaged", frozenset({"no_mortgage"}), "deed_number", "The property is mortgaged",
            _encumbered(Encumbrance.Kind.MORTGAGE)),
    Blocker("seized", frozenset({"no_seizure"}), "deed_number", "The property is under a seizure",
            _encumbered(Encumbrance.Kind.SEIZURE)),
    Blocker("price zero", frozenset({"price_positive"}), "price", "The price must be more than zero.",
            lambda world: {"price": "0"}),
    Blocker("price above the limit", frozenset({"price_within_limit"}), "price", "the limit of electronic conveyance",
            lambda world: {"price": "6000000"}),
    Blocker("filer's iqama expired", frozenset({"filer_id_valid", "sellers_valid"}), "deed_number",
            "The filer's iqama has expired", _resident_seller),
    Blocker("agent filing as owner", frozenset({"filer_entitled"}), "deed_number",
            "The filer is not an owner of this deed.", _agent_as_owner),
    Blocker("unknown heirs deed", frozenset({"heirs_deed_valid", "filer_entitled", "sellers_valid",
                                             "sellers_hold_accounts"}),
            "heirs_deed_number", "No heirs deed with this number is registered.", _heir_with_unknown_heirs_deed),
    Blocker("power of attorney revoked", frozenset({"poa_in_force"}), "poa_number",
            "The power of attorney has been revoked.", _agent(revoked=True)),
    Blocker("power of attorney expired", frozenset({"poa_in_force"}), "poa_number",
            "The power of attorney is not in force", _agent(valid_to=clock.today() - timedelta(days=1))),
    Blocker("power of attorney not naming transfer", frozenset({"poa_names_transfer"}), "poa_number",
            "does not name the transfer of ownership", _agent(scopes=[PoaScope.LITIGATION.value])),
    Blocker("co-owner's iqama expired", frozenset({"sellers_valid", "sellers_hold_accounts"}), "deed_number",
            "A seller is deceased or has an expired iqama.", _co_owner(id_expiry=_expired())),
    Blocker("co-owner without an account", frozenset({"sellers_hold_accounts"}), "deed_number",
            "A seller holds no bank account to receive the proceeds.", _co_owner()),
    Blocker("buyer unknown", frozenset({"buyer_individual"}), "buyer_id",
            "The buyer is not found in the civil registry.",
            lambda world: {"buyer_id": factories.PersonFactory.build().national_id}),
    Blocker("buyer's iqama expired", frozenset({"buyer_id_valid"}), "buyer_id", "The buyer's iqama has expired.",
            _buyer(lambda: factories.ResidentFactory(id_expiry=_expired()))),
    Blocker("buyer deceased", frozenset({"buyer_alive"}), "buyer_id", "The buyer is recorded as deceased.",
            _buyer(lambda: factories.PersonFactory(deceased=True))),
    Blocker("buyer without an account", frozenset({"buyer_has_account"}), "buyer_id",
            "The buyer holds no bank account in their name.", _buyer(factories.PersonFactory, account=False)),
    Blocker("buyer a co-owner", frozenset({"buyer_not_seller"}), "buyer_id", "The buyer cannot be one of the sellers.",
            _buyer_is_co_owner),
    Blocker("another open conveyance", frozenset({"no_other_open_conveyance"}), "deed_number",
            "Another conveyance is open on this deed", _filed_first),
]


def test_every_eligibility_rule_has_a_case():
    """A rule added to the eligibility check needs its case here (each can be known before filing)."""
    assert {rule.__name__ for rule in rules.ELIGIBILITY_RULES} == set().union(*(b.rules for b in BLOCKERS))


@pytest.mark.parametrize("blocker", [pytest.param(b, id=b.id) for b in BLOCKERS])
def test_each_blocker_is_flagged_by_its_field_before_filing(client, world, blocker):
    data = {"capacity": "owner", "deed_number": world.deed.number, "buyer_id": world.buyer.national_id,
            "price": "900000", "payment_method": "mada"}
    data.update(blocker.make(world))
    filed_before = Conveyance.objects.count()
    client.force_login(user_for_person(world.filer))
    client.cookies["najiz_language"] = "en"
    response = client.post(CHECK, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert blocker.words in unescape(blockers_of(html, blocker.field))
    assert count_of(html) == len(blocker.rules), re.findall(r"<li>.*?</li>", html, re.S)
    assert Conveyance.objects.count() == filed_before
