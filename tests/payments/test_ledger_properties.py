"""Property: whatever money moves happen, in whatever order, the books balance.

A random sequence of payments (partial, full, over, to pay-in-full invoices), seizures,
disbursements (some to a closed account, which the bank refuses) and refunds; after each step
every ledger transaction sums to zero, all balances together sum to zero, no case holds a negative
amount, and the court trust account at the bank matches the ledger.
"""

import itertools
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings, strategies as st

from najiz.registries import services as registries
from najiz.registries.models import Account
from payments import services
from payments.models import Invoice, LedgerAccount, LedgerEntry, Payment
from tests.factories.accounts import UserFactory
from tests.factories.registries import AccountFactory, InstrumentFactory, PersonFactory

D = Decimal
_refs = itertools.count(1)

amounts = st.decimals(min_value=D("0.01"), max_value=D("3000.00"), places=2, allow_nan=False, allow_infinity=False)
operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay_outstanding", "seize", "disburse", "disburse_closed", "refund", "cancel"]),
        st.integers(0, 1),
        amounts,
    ),
    min_size=1,
    max_size=20,
)


def _cents(total) -> Decimal:
    return D(total or 0).quantize(D("0.01"))  # SQLite sums decimals as floats


def _assert_books_balance(cases, invoices, trust_opening):
    per_transaction = (
        LedgerEntry.objects.values("transaction").annotate(total=Sum("amount")).values_list("total", flat=True)
    )
    assert all(_cents(total) == 0 for total in per_transaction)
    assert _cents(LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]) == 0
    account_totals = LedgerEntry.objects.values("account").annotate(total=Sum("amount")).values_list("total", flat=True)
    assert sum((_cents(total) for total in account_totals), D("0")) == 0
    assert services.balance(LedgerAccount.REFUNDS) == 0
    held = [services.held_for(case) for case in cases]
    assert all(amount >= 0 for amount in held)
    assert services.balance(LedgerAccount.COURT_TRUST) == sum(held, D("0"))
    assert registries.court_trust_account().balance - trust_opening == services.balance(LedgerAccount.COURT_TRUST)
    for invoice in invoices:
        invoice = Invoice.objects.get(pk=invoice.pk)
        applied = _cents(Payment.objects.filter(invoice=invoice).aggregate(total=Sum("applied_amount"))["total"])
        assert invoice.paid == applied <= invoice.amount


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=operations)
def test_the_ledger_always_balances(db, ops):
    with transaction.atomic():  # each example is rolled back at the end
        person = PersonFactory()
        payer = UserFactory(national_id=person.national_id)
        debtor_account = AccountFactory(person=person, balance=D("1000000.00"))
        creditor = AccountFactory(balance=D("0.00"))
        closed = AccountFactory(balance=D("0.00"), status=Account.Status.CLOSED)
        cases = [InstrumentFactory(), InstrumentFactory()]
        invoices = [
            services.create_invoice(purpose=cases[0], payer=payer, amount=D("5000.00"), allow_partial=True,
                                    description_ar="تنفيذ", description_en="Enforcement"),
            services.create_invoice(purpose=cases[1], payer=payer, amount=D("4000.00"), allow_partial=False,
                                    description_ar="إفراغ", description_en="Conveyance"),
        ]
        trust_opening = registries.court_trust_account().balance

        for op, which, amount in ops:
            case, invoice = cases[which], invoices[which]
            ref = f"P-{next(_refs)}"
            if op in ("pay", "pay_outstanding"):
                if op == "pay_outstanding":
                    amount = Invoice.objects.get(pk=invoice.pk).outstanding or amount
                services.record_gateway_payment(invoice, f"TXN{ref.replace('-', '')}", amount, "mada")
            elif op == "seize":
                registries.freeze(debtor_account.iban, amount, ref)
                services.seize_to_trust(case, debtor_account.iban, ref=ref)
            elif op in ("disburse", "disburse_closed", "refund"):
                available = services.available_for_disbursement(case)
                if available <= 0:
                    continue
                amount = min(amount, available)
                if op == "refund":
                    disbursement = services.refund(case, debtor_account.iban, amount, ref=ref)
                else:
                    target = creditor if op == "disburse" else closed
                    disbursement = services.request_disbursement(case, target.iban, amount, ref=ref)
                try:
                    services.execute_disbursement(disbursement.pk)
                except registries.BankError:
                    assert op == "disburse_closed"
            elif op == "cancel":
                services.cancel_invoice_remainder(invoice)
            _assert_books_balance(cases, invoices, trust_opening)

        transaction.set_rollback(True)
