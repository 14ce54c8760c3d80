"""Two sellers' filings on the same deed at once: the partial unique index lets only one open."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from conveyance import services
from conveyance.models import Conveyance
from conveyance.states import OPEN
from najiz.accounts.services import user_for_person
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_conveyances_of_the_same_deed_at_once_cannot_both_open():
    seller = factories.PersonFactory()
    factories.AccountFactory(person=seller)
    deed = factories.DeedFactory(owners=[seller])
    user = user_for_person(seller)
    buyers = []
    for _ in range(2):
        buyer = factories.PersonFactory()
        factories.AccountFactory(person=buyer)
        buyers.append(buyer)
    barrier = threading.Barrier(2)
    outcomes = []

    def file_for(buyer):
        try:
            barrier.wait(timeout=10)
            services.file(user=user, capacity="owner", deed_number=deed.number, buyer_id=buyer.national_id,
                          price=Decimal("500000"))
            outcomes.append("filed")
        except services.ConveyanceError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_for, args=(b,)) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["filed", "open_conveyance"]
    assert Conveyance.objects.filter(deed=deed, status__in=OPEN).count() == 1
