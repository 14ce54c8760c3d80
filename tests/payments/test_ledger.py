"""The ledger: double entry, append-only (also in the database), balances by query."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, InternalError, connection, transaction

from payments import services
from payments.models import ImmutableRowError, LedgerAccount, LedgerEntry, LedgerTransaction, TransactionKind

D = Decimal


def _post(ref="T-1", amount="100.00"):
    return services.post_transaction(
        TransactionKind.SEIZURE, ref, [(LedgerAccount.COURT_TRUST, D(amount)), ("case_payable:T-1", -D(amount))]
    )


def test_a_transaction_sums_to_zero_and_balances_are_derived(db):
    _post("T-1", "100.00")
    _post("T-2", "50.25")
    assert services.balance(LedgerAccount.COURT_TRUST) == D("150.25")
    assert services.balance("case_payable:T-1") == D("-150.25")
    assert services.balance("never-used") == D("0.00")


@pytest.mark.parametrize(
    "entries",
    [
        [("a", D("10.00")), ("b", D("-9.99"))],
        [("a", D("10.00"))],
        [("a", D("0.00")), ("b", D("0.00"))],
        [],
    ],
)
def test_unbalanced_or_one_sided_transactions_are_refused(db, entries):
    with pytest.raises(services.LedgerImbalance):
        services.post_transaction(TransactionKind.PAYMENT, "X-1", entries)
    assert not LedgerTransaction.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_floats_and_sub_halala_amounts_are_refused(db):
    with pytest.raises(TypeError):
        services.post_transaction(TransactionKind.PAYMENT, "X-1", [("a", 1.5), ("b", -1.5)])
    with pytest.raises(ValidationError):  # more than two places: not an amount
        services.post_transaction(TransactionKind.PAYMENT, "X-1", [("a", D("1.005")), ("b", D("-1.005"))])


def test_one_movement_is_never_posted_twice(db):
    _post("SZ-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _post("SZ-1")


def test_model_guard_refuses_changes_on_any_database(db):
    txn = _post()
    entry = txn.entries.first()
    entry.amount = D("1.00")
    with pytest.raises(ImmutableRowError):
        entry.save()
    with pytest.raises(ImmutableRowError):
        entry.delete()
    with pytest.raises(ImmutableRowError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(ImmutableRowError):
        LedgerTransaction.objects.all().delete()
    txn.memo = "changed"
    with pytest.raises(ImmutableRowError):
        txn.save()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("100.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_ledgerentry SET amount = 1 WHERE id = %(entry)s",
        "DELETE FROM payments_ledgerentry WHERE id = %(entry)s",
        "UPDATE payments_ledgertransaction SET memo = 'x' WHERE id = %(txn)s",
        "DELETE FROM payments_ledgertransaction WHERE id = %(txn)s",
    ],
)
def test_postgresql_refuses_update_and_delete_of_ledger_rows(db, sql):
    txn = _post()
    entry = txn.entries.first()
    with pytest.raises((InternalError, DatabaseError), match="pgtrigger: Cannot"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, {"entry": entry.pk, "txn": txn.pk})
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("100.00")
    assert LedgerTransaction.objects.get(pk=txn.pk).memo == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_commit_an_unbalanced_transaction():
    """Even SQL that bypasses the service cannot commit entries that do not sum to zero."""
    trust = services.ledger_account(LedgerAccount.COURT_TRUST)
    with pytest.raises((InternalError, DatabaseError), match="does not balance"):
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(kind=TransactionKind.SEIZURE, ref="RAW-1")
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO payments_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s)",
                    [txn.pk, trust.pk, D("5.00")],
                )
    assert not LedgerTransaction.objects.filter(ref="RAW-1").exists()
