"""A whole conveyance through a real Celery worker (Redis broker): with prompt answers it
completes in seconds."""

import time
import uuid
from decimal import Decimal

import pytest

from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _status(conveyance):
    from conveyance.models import Conveyance

    return Conveyance.objects.values_list("status", flat=True).get(pk=conveyance.pk)


def test_a_conveyance_completes_in_seconds_through_the_worker(celery_worker):
    from conveyance import services
    from conveyance.models import Conveyance
    from najiz.accounts.services import user_for_person
    from najiz.registries import services as registries
    from payments import services as payments
    from tests.conveyance.helpers import accept_offer, give_consent, pay_tax
    from tests.factories import registries as factories

    seller = factories.PersonFactory()
    seller_account = factories.AccountFactory(person=seller, balance=Decimal("0.00"))
    buyer = factories.PersonFactory()
    factories.AccountFactory(person=buyer)
    deed = factories.DeedFactory(owners=[seller])
    buyer_user = user_for_person(buyer)

    started = time.monotonic()
    conveyance = services.file(user=user_for_person(seller), capacity="owner", deed_number=deed.number,
                               buyer_id=buyer.national_id, price=Decimal("875000.00"))
    wait_for(lambda: _status(conveyance) == "awaiting_consents", timeout=20)
    give_consent(conveyance, user=user_for_person(seller))  # the seller approves by Nafath
    accept_offer(conveyance, user=buyer_user)
    pay_tax(conveyance)
    conveyance = Conveyance.objects.get(pk=conveyance.pk)
    payments.record_gateway_payment(conveyance.invoice, f"TXN-{uuid.uuid4().hex[:12]}", conveyance.price, "mada")
    wait_for(lambda: _status(conveyance) == "completed", timeout=30)
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"took {elapsed:.1f}s"

    conveyance.refresh_from_db()
    assert registries.deed(deed.number).status == "closed"
    assert registries.deed(conveyance.new_deed.number).owners == [buyer]
    seller_account.refresh_from_db()
    assert seller_account.balance == Decimal("875000.00")
