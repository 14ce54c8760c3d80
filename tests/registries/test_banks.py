from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from najiz.registries import services
from najiz.registries.models import Account, AccountHold, RegistryOperation
from tests.factories.registries import AccountFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = Decimal


def reload(account):
    return Account.objects.get(pk=account.pk)


def test_freeze_takes_up_to_the_available_balance():
    account = AccountFactory(balance=D("1000.00"))
    assert services.freeze(account.iban, D("300.50"), "EN-1") == D("300.50")
    assert services.freeze(account.iban, D("5000"), "EN-2") == D("699.50")
    assert services.freeze(account.iban, D("10"), "EN-3") == D("0.00")
    account = reload(account)
    assert account.frozen == D("1000.00") and account.balance == D("1000.00") and account.available == 0


def test_freeze_is_idempotent_on_ref_and_account():
    account = AccountFactory(balance=D("1000.00"))
    assert services.freeze(account.iban, D("400"), "EN-1") == D("400.00")
    assert services.freeze(account.iban, D("400"), "EN-1") == D("400.00")
    assert services.freeze(account.iban, D("999"), "EN-1") == D("400.00")  # replay returns the first result
    assert reload(account).frozen == D("400.00")
    assert AccountHold.objects.filter(account=account).count() == 1
    assert RegistryOperation.objects.filter(operation="freeze", ref="EN-1").count() == 1


def test_same_ref_on_two_accounts_acts_on_each():
    owner = PersonFactory()
    first, second = AccountFactory(person=owner, balance=D("100")), AccountFactory(person=owner, balance=D("50"))
    assert services.freeze(first.iban, D("120"), "EN-1") == D("100.00")
    assert services.freeze(second.iban, D("20"), "EN-1") == D("20.00")
    assert reload(first).frozen == D("100.00") and reload(second).frozen == D("20.00")


def test_unfreeze_releases_only_what_the_ref_froze():
    account = AccountFactory(balance=D("1000.00"))
    services.freeze(account.iban, D("250.25"), "EN-1")
    services.freeze(account.iban, D("100.00"), "EN-2")
    assert services.unfreeze(account.iban, "EN-1") == D("250.25")
    assert services.unfreeze(account.iban, "EN-1") == D("250.25")  # replay, nothing more released
    assert reload(account).frozen == D("100.00")
    assert services.unfreeze(account.iban, "EN-9") == D("0.00")
    assert services.frozen_by(account.iban, "EN-2") == D("100.00")
    assert services.frozen_by(account.iban, "EN-1") == D("0.00")


def test_seize_frozen_moves_money_to_the_court_trust_account():
    account = AccountFactory(balance=D("1000.00"))
    services.freeze(account.iban, D("600.40"), "EN-1")
    services.freeze(account.iban, D("100.00"), "EN-2")
    assert services.seize_frozen(account.iban, "EN-1") == D("600.40")
    assert services.seize_frozen(account.iban, "EN-1") == D("600.40")  # replay
    account = reload(account)
    assert account.balance == D("399.60") and account.frozen == D("100.00") and account.available == D("299.60")
    trust = services.court_trust_account()
    assert trust.balance == D("600.40")
    assert list(account.movements.values_list("amount", flat=True)) == [D("-600.40")]
    assert list(trust.movements.values_list("amount", flat=True)) == [D("600.40")]
    assert AccountHold.objects.get(account=account, ref="EN-1").status == "seized"
    # after seizure nothing is left to release under that ref
    assert services.unfreeze(account.iban, "EN-1") == D("0.00")
    assert services.seize_frozen(account.iban, "EN-3") == D("0.00")


def test_seize_after_unfreeze_takes_nothing():
    account = AccountFactory(balance=D("500"))
    services.freeze(account.iban, D("500"), "EN-1")
    services.unfreeze(account.iban, "EN-1")
    assert services.seize_frozen(account.iban, "EN-1") == D("0.00")
    assert reload(account).balance == D("500.00")


def test_credit_adds_money_once_per_ref():
    account = AccountFactory(balance=D("10.00"))
    result = services.credit(account.iban, D("99.99"), "DSB-1")
    assert isinstance(result, Account) and result.balance == D("109.99")
    assert services.credit(account.iban, D("99.99"), "DSB-1").balance == D("109.99")
    assert services.credit(account.iban, D("0.01"), "DSB-2").balance == D("110.00")
    assert reload(account).balance == D("110.00")


@pytest.mark.parametrize("iban", ["SA0000000000000000000000", "junk", "", None])
def test_credit_to_an_unknown_or_invalid_iban_is_a_bank_error(iban):
    with pytest.raises(services.BankError):
        services.credit(iban, D("1"), "DSB-1")
    assert not RegistryOperation.objects.exists()


def test_credit_to_a_closed_account_is_a_bank_error_and_can_be_retried():
    account = AccountFactory(status=Account.Status.CLOSED, balance=D("0"))
    with pytest.raises(services.BankError):
        services.credit(account.iban, D("5"), "DSB-1")
    Account.objects.filter(pk=account.pk).update(status=Account.Status.ACTIVE)
    assert services.credit(account.iban, D("5"), "DSB-1").balance == D("5.00")


def test_credit_refuses_non_positive_and_float_amounts():
    account = AccountFactory()
    with pytest.raises(services.BankError):
        services.credit(account.iban, D("0"), "R")
    with pytest.raises(services.BankError):
        services.credit(account.iban, D("-1"), "R")
    with pytest.raises(TypeError):
        services.credit(account.iban, 1.5, "R")
    with pytest.raises(services.BankError):
        services.credit(account.iban, D("NaN"), "R")
    with pytest.raises(services.BankError):
        services.credit(account.iban, "lots", "R")
    for typed in ("1e2", "1.005"):  # no exponent, no third decimal place
        with pytest.raises(services.BankError):
            services.credit(account.iban, typed, "R")
    with pytest.raises(ValueError):
        services.credit(account.iban, D("1"), "  ")
    with pytest.raises(ValueError):
        services.credit(account.iban, D("1"), "R" * 65)


def test_debit_respects_frozen_money():
    account = AccountFactory(balance=D("100.00"))
    services.freeze(account.iban, D("60"), "EN-1")
    with pytest.raises(services.InsufficientFunds):
        services.debit(account.iban, D("40.01"), "PAY-1")
    assert issubclass(services.InsufficientFunds, services.BankError)
    assert services.debit(account.iban, D("40.00"), "PAY-1").balance == D("60.00")
    assert services.debit(account.iban, D("40.00"), "PAY-1").balance == D("60.00")
    assert reload(account).available == D("0.00")


def test_failed_debit_is_not_recorded_so_a_retry_can_succeed():
    account = AccountFactory(balance=D("10.00"))
    with pytest.raises(services.InsufficientFunds):
        services.debit(account.iban, D("20"), "PAY-1")
    services.credit(account.iban, D("10"), "TOPUP")
    assert services.debit(account.iban, D("20"), "PAY-1").balance == D("0.00")


def test_database_refuses_freezing_more_than_the_balance():
    account = AccountFactory(balance=D("10.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(frozen=D("10.01"))


def test_database_requires_exactly_one_holder():
    account = AccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(person=None)


def test_freeze_query_count(django_assert_num_queries):
    account = AccountFactory(balance=D("100"))
    # inside a transaction no savepoint: lock account, claim (one insert on conflict do nothing),
    # hold, account, result
    with django_assert_num_queries(5):
        services.freeze(account.iban, D("10"), "EN-1")
    # a replay only locks the account, finds its claim taken and reads the recorded result
    with django_assert_num_queries(3):
        services.freeze(account.iban, D("10"), "EN-1")


def test_a_freeze_plan_freezes_what_freeze_would_and_writes_it_together(django_assert_num_queries):
    owner, other = PersonFactory(), PersonFactory()
    first, second = AccountFactory(person=owner, balance=D("100.00")), AccountFactory(person=other, balance=D("50"))
    locked = services.accounts_of_many([owner, other], lock=True)
    plan = services.FreezePlan([*locked[owner], *locked[other]])
    assert plan.holds(first.iban) and not plan.holds(AccountFactory().iban)
    assert plan.freeze(first.iban, D("60"), "EN-1") == D("60.00")
    assert plan.freeze(first.iban, D("60"), "EN-2") == D("40.00")  # what the first left available
    mark = plan.mark()
    assert plan.freeze(second.iban, D("20"), "EN-3") == D("20.00")
    plan.undo(mark)  # the round that planned it failed
    assert plan.freeze(second.iban, D("80"), "EN-4") == D("50.00")
    with django_assert_num_queries(4):  # claims, holds, frozen sums, results
        plan.write()
    assert (reload(first).frozen, reload(second).frozen) == (D("100.00"), D("50.00"))
    assert sorted(AccountHold.objects.values_list("ref", "amount")) == [
        ("EN-1", D("60.00")), ("EN-2", D("40.00")), ("EN-4", D("50.00"))]
    # a replay of each, as freeze() would answer it
    assert [services.freeze(first.iban, D("1"), "EN-1"), services.freeze(second.iban, D("1"), "EN-4")] == [
        D("60.00"), D("50.00")]

    # a plan over a freeze made already writes nothing of itself
    third = AccountFactory(balance=D("30"))
    plan = services.FreezePlan([Account.objects.get(pk=third.pk), Account.objects.get(pk=first.pk)])
    plan.freeze(third.iban, D("10"), "EN-5")
    plan.freeze(first.iban, D("10"), "EN-1")
    with pytest.raises(services.BankError), transaction.atomic():
        plan.write()
    assert reload(third).frozen == 0 and not AccountHold.objects.filter(ref="EN-5").exists()


def test_seizures_inside_the_block_credit_the_trust_account_together_at_its_end():
    from najiz.registries.models import AccountMovement

    first, second = AccountFactory(balance=D("100.00")), AccountFactory(balance=D("250.50"))
    trust = services.court_trust_account()
    before = trust.balance
    with transaction.atomic():
        with services.trust_credits_at_end():
            for account, ref in ((first, "EN-1"), (second, "EN-2")):
                services.freeze(account.iban, D("1000"), ref)
                services.seize_frozen(account.iban, ref)
            trust.refresh_from_db()
            assert trust.balance == before  # not yet: the trust row is written once, at the end
            first.refresh_from_db()
            assert first.balance == D("0.00")  # the debtor's side at once
        trust.refresh_from_db()
        assert trust.balance == before + D("350.50")
        moves = list(AccountMovement.objects.filter(account=trust, kind="seized_in").order_by("pk"))
        assert [(m.amount, m.balance_after, m.ref) for m in moves[-2:]] == [
            (D("100.00"), before + D("100.00"), "EN-1"), (D("250.50"), before + D("350.50"), "EN-2")]


def test_a_block_that_fails_credits_nothing():
    account = AccountFactory(balance=D("80.00"))
    trust = services.court_trust_account()
    before = trust.balance
    with pytest.raises(RuntimeError), transaction.atomic():
        with services.trust_credits_at_end():
            services.freeze(account.iban, D("80"), "EN-3")
            services.seize_frozen(account.iban, "EN-3")
            raise RuntimeError("the page failed")
    trust.refresh_from_db()
    account.refresh_from_db()
    assert trust.balance == before and account.balance == D("80.00")
    services.freeze(account.iban, D("80"), "EN-4")  # and seizures after it credit at once again
    services.seize_frozen(account.iban, "EN-4")
    trust.refresh_from_db()
    assert trust.balance == before + D("80.00")


def test_transfers_are_made_together_once_each_and_not_at_all_when_one_lacks_the_money():
    from najiz.registries.models import AccountMovement

    source, first, second = AccountFactory(balance=D("500.00")), AccountFactory(balance=D("0")), AccountFactory(
        balance=D("10.00"))
    transfers = [services.Transfer(source.iban, first.iban, D("120.50"), "EN-1/D1"),
                 services.Transfer(source.iban, second.iban, D("79.50"), "EN-1/D2")]
    services.transfer_many(transfers)
    services.transfer_many(transfers)  # a replay moves nothing
    for account, balance in ((source, D("300.00")), (first, D("120.50")), (second, D("89.50"))):
        account.refresh_from_db()
        assert account.balance == balance
    out = AccountMovement.objects.filter(account=source).order_by("pk")
    assert [(m.kind, m.amount, m.balance_after) for m in out] == [
        ("debit", D("-120.50"), D("379.50")), ("debit", D("-79.50"), D("300.00"))]
    # the same refs as debit and credit: one made alone is not made again together
    services.debit(source.iban, D("50.00"), "EN-2/D3")
    services.transfer_many([services.Transfer(source.iban, first.iban, D("50.00"), "EN-2/D3")])
    source.refresh_from_db(), first.refresh_from_db()
    assert (source.balance, first.balance) == (D("250.00"), D("170.50"))
    with pytest.raises(services.InsufficientFunds), transaction.atomic():
        services.transfer_many([services.Transfer(source.iban, first.iban, D("200.00"), "EN-3/D4"),
                                services.Transfer(source.iban, second.iban, D("50.01"), "EN-3/D5")])
    source.refresh_from_db()
    assert source.balance == D("250.00")


def test_seizures_made_together_are_each_made_once_as_seize_frozen_makes_it():
    from najiz.registries.models import AccountMovement

    first, second = AccountFactory(balance=D("100.00")), AccountFactory(balance=D("250.50"))
    trust = services.court_trust_account()
    before = trust.balance
    services.freeze(first.iban, D("60.00"), "EN-1")
    services.freeze(second.iban, D("1000"), "EN-2")
    services.freeze(first.iban, D("1000"), "EN-3")  # a second order on the same account
    assert services.seize_frozen(first.iban, "EN-1") == D("60.00")  # made alone first
    pairs = [(first.iban, "EN-1"), (second.iban, "EN-2"), (first.iban, "EN-3"), (second.iban, "EN-2"),
             (second.iban, "EN-9")]
    assert services.seize_frozen_many(pairs) == [D("60.00"), D("250.50"), D("40.00"), D("250.50"), D("0.00")]
    assert services.seize_frozen_many(pairs) == [D("60.00"), D("250.50"), D("40.00"), D("250.50"), D("0.00")]
    assert (reload(first).balance, reload(first).frozen) == (D("0.00"), D("0.00"))
    assert (reload(second).balance, reload(second).frozen) == (D("0.00"), D("0.00"))
    assert reload(trust).balance == before + D("350.50")
    seized_in = AccountMovement.objects.filter(account=trust, kind=AccountMovement.Kind.SEIZED_IN).order_by("pk")
    assert [(m.amount, m.ref) for m in seized_in] == [(D("60.00"), "EN-1"), (D("250.50"), "EN-2"), (D("40.00"), "EN-3")]
    assert set(AccountHold.objects.values_list("status", flat=True)) == {AccountHold.Status.SEIZED}
    with pytest.raises(services.BankError), transaction.atomic():
        services.seize_frozen_many([(first.iban, "EN-4"), (trust.iban, "EN-4")])
