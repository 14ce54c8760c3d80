"""Exact shares from the heirs deed to the payouts: 3/24, 7/24 and 14/24 of an awkward price, each
heir paid their exact share to the halala by the largest-remainder rule, the shares shown as the
heirs deed counts them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conveyance import services
from conveyance.states import Status
from najiz.accounts.services import user_for_person
from najiz.casefile.selectors import decisions_of
from tests.factories import registries as factories

from .helpers import accept_offer, give_consent, pay, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def estate(db):
    deceased = factories.PersonFactory(deceased=True)
    deed = factories.DeedFactory(owners=[deceased])
    heirs = factories.PersonFactory.create_batch(3)
    heirs_deed = factories.HeirsDeedFactory(
        deceased=deceased, heirs=list(zip(heirs, ["3/24", "7/24", "14/24"], strict=True))
    )
    accounts = [factories.AccountFactory(person=h, balance=Decimal("0.00")) for h in heirs]
    buyer = factories.PersonFactory()
    factories.AccountFactory(person=buyer)
    return {"deed": deed, "heirs": heirs, "heirs_deed": heirs_deed, "accounts": accounts, "buyer": buyer,
            "users": [user_for_person(h) for h in heirs], "buyer_user": user_for_person(buyer)}


def _balance(account):
    account.refresh_from_db()
    return account.balance


def test_an_heirs_deed_of_24_shares_pays_each_heir_their_exact_share(estate, run, client):
    users = estate["users"]
    conveyance = run(services.file, user=users[0], capacity="heir", deed_number=estate["deed"].number,
                     heirs_deed_number=estate["heirs_deed"].number, buyer_id=estate["buyer"].national_id,
                     price=Decimal("987654.31"))
    assert [c.share_label for c in reload(conveyance).consents.order_by("id")] == ["3/24", "7/24", "14/24"]
    client.force_login(users[1])
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert "7/24" in page and "14/24" in page
    for user in users:  # the filing heir approves by Nafath too
        run(give_consent, reload(conveyance), user=user)
    run(accept_offer, reload(conveyance), user=estate["buyer_user"])
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert [_balance(a) for a in estate["accounts"]] == [
        Decimal("123456.79"), Decimal("288065.84"), Decimal("576131.68")
    ]
    payouts = decisions_of(conveyance).get(step="transfer").inputs["payouts"]
    assert [p["share"] for p in payouts] == ["3/24", "7/24", "14/24"]


def test_a_half_owners_heirs_give_up_the_product_of_the_shares(db):
    deceased, living = factories.PersonFactory(deceased=True), factories.PersonFactory()
    deed = factories.DeedFactory(owners=[(deceased, "1/2"), (living, "1/2")])
    heirs = factories.PersonFactory.create_batch(2)
    heirs_deed = factories.HeirsDeedFactory(deceased=deceased, heirs=list(zip(heirs, ["17/24", "7/24"], strict=True)))
    sellers = services.seller_side(deed, heirs_deed)
    assert [(who, role, share) for who, role, share in sellers] == [
        (heirs[0], "heir", (17, 48)), (heirs[1], "heir", (7, 48)), (living, "owner", (1, 2)),
    ]
