"""Two callers racing on the same registry operation act once (PostgreSQL row locks + unique index)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from najiz.registries import services
from najiz.registries.models import AccountHold, Deed, RegistryOperation, TravelBan
from tests.factories.registries import AccountFactory, DeedFactory, PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls):
    """Run the calls in threads released together; return their results (or the exceptions raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_freezes_with_the_same_ref_freeze_once():
    account = AccountFactory(balance=Decimal("1000.00"))
    results = race(*[lambda: services.freeze(account.iban, Decimal("700.00"), "EN-2025-000001")] * 4)
    assert results == [Decimal("700.00")] * 4
    account.refresh_from_db()
    assert account.frozen == Decimal("700.00")
    assert AccountHold.objects.filter(account=account).count() == 1
    assert RegistryOperation.objects.filter(operation="freeze").count() == 1


def test_concurrent_freezes_with_different_refs_never_overdraw():
    account = AccountFactory(balance=Decimal("1000.00"))
    results = race(*(lambda ref=f"EN-{i}": services.freeze(account.iban, Decimal("400.00"), ref) for i in range(3)))
    assert sorted(results) == [Decimal("200.00"), Decimal("400.00"), Decimal("400.00")]
    account.refresh_from_db()
    assert account.frozen == Decimal("1000.00")


def test_concurrent_credits_with_the_same_ref_pay_once():
    account = AccountFactory(balance=Decimal("0.00"))
    race(*[lambda: services.credit(account.iban, Decimal("250.00"), "DSB-1")] * 3)
    account.refresh_from_db()
    assert account.balance == Decimal("250.00")


def test_concurrent_travel_bans_with_the_same_ref_ban_once():
    debtor = PersonFactory()
    results = race(*[lambda: services.ban_travel(debtor, "EN-2025-000002")] * 3)
    assert all(isinstance(row, TravelBan) for row in results), results
    assert len({row.pk for row in results}) == 1
    assert TravelBan.objects.count() == 1


def test_concurrent_transfers_with_the_same_ref_issue_one_deed():
    deed = DeedFactory()
    buyer = PersonFactory()
    results = race(*[lambda: services.transfer(deed, [(buyer, Decimal(1))], "CV-2025-000001")] * 3)
    assert all(isinstance(row, Deed) for row in results), results
    assert len({row.pk for row in results}) == 1
    assert Deed.objects.count() == 2
