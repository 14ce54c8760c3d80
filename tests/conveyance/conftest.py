from decimal import Decimal

import pytest

from najiz.accounts.services import user_for_person
from tests.factories import registries as factories


class Case:
    pass


@pytest.fixture
def sale(db):
    """A seller owning a clean electronic deed outright, a buyer with a bank account."""
    c = Case()
    c.seller = factories.PersonFactory()
    c.seller_account = factories.AccountFactory(person=c.seller, balance=Decimal("0.00"))
    c.buyer = factories.PersonFactory()
    c.buyer_account = factories.AccountFactory(person=c.buyer, balance=Decimal("900000.00"))
    c.deed = factories.DeedFactory(owners=[c.seller])
    c.seller_user = user_for_person(c.seller)
    c.buyer_user = user_for_person(c.buyer)
    c.factories = factories
    return c


@pytest.fixture
def heirs_case(db):
    """A deceased owner of a deed, three living heirs (1/2, 1/4, 1/4) with accounts, and a buyer."""
    c = Case()
    c.deceased = factories.PersonFactory(deceased=True)
    c.deed = factories.DeedFactory(owners=[c.deceased])
    c.heirs = factories.PersonFactory.create_batch(3)
    c.shares = ["2/4", "1/4", "1/4"]
    c.heirs_deed = factories.HeirsDeedFactory(deceased=c.deceased, heirs=list(zip(c.heirs, c.shares, strict=True)))
    c.accounts = [factories.AccountFactory(person=h, balance=Decimal("0.00")) for h in c.heirs]
    c.users = [user_for_person(h) for h in c.heirs]
    c.buyer = factories.PersonFactory()
    c.buyer_account = factories.AccountFactory(person=c.buyer, balance=Decimal("0.00"))
    c.buyer_user = user_for_person(c.buyer)
    return c


@pytest.fixture
def conveyed(sale, django_capture_on_commit_callbacks):
    """The sale filed, accepted and paid: the deed conveyed to the buyer."""
    from .helpers import accept_offer, file_sale, pay, reload

    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale)
    with django_capture_on_commit_callbacks(execute=True):
        accept_offer(conveyance, user=sale.buyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        pay(conveyance)
    return reload(conveyance)
