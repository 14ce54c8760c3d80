"""A conveyance from filing to the new deed: consents, offer, payment, transfer, payouts."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conveyance import services, tasks
from conveyance.states import Status
from najiz.casefile.selectors import decisions_of, timeline
from najiz.registries import services as registries
from notifications.models import Notification
from payments import services as payments
from payments.models import Disbursement
from tests.factories import registries as factories

from .helpers import accept_offer, failed_rules, file_sale, give_consent, pay, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def _balance(account):
    account.refresh_from_db()
    return account.balance


def test_a_sale_completes_and_issues_a_new_deed(sale, run):
    conveyance = run(file_sale, sale, price="1200000.00")
    conveyance = run(accept_offer, reload(conveyance), user=sale.buyer_user)
    assert conveyance.status == Status.AWAITING_PAYMENT
    assert conveyance.invoice.amount == Decimal("1200000.00") and not conveyance.invoice.allow_partial
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    old = registries.deed(sale.deed.number)
    assert old.status == "closed" and old.replaced_by == conveyance.new_deed
    new = registries.deed(conveyance.new_deed.number)
    assert new.owners == [sale.buyer] and new.status == "active"
    assert _balance(sale.seller_account) == Decimal("1200000.00")
    assert payments.held_for(conveyance) == Decimal("0.00")
    steps = [d.step for d in decisions_of(conveyance)]
    assert steps == ["eligibility", "consents", "payment", "transfer"]  # the seller approved by Nafath
    kinds = [e.kind for e in timeline(conveyance)]
    assert kinds[0] == "conveyance.submitted" and kinds[-1] == "conveyance.completed"
    assert "conveyance.transferred" in kinds
    assert Notification.objects.filter(recipient=sale.buyer_user, kind="conveyance.new_deed").exists()
    assert Notification.objects.filter(recipient=sale.seller_user, kind="conveyance.completed").exists()
    assert registries.deeds_of(sale.seller) == []
    assert new in registries.deeds_of(sale.buyer)


def test_heirs_conveyance_all_consent_splits_the_proceeds_by_shares(heirs_case, run):
    c = heirs_case
    conveyance = run(
        services.file,
        user=c.users[0],
        capacity="heir",
        deed_number=c.deed.number,
        heirs_deed_number=c.heirs_deed.number,
        buyer_id=c.buyer.national_id,
        price=Decimal("1000000.01"),
    )
    conveyance = reload(conveyance)
    assert conveyance.kind == "heirs" and conveyance.status == Status.AWAITING_CONSENTS
    assert Notification.objects.filter(recipient=c.users[1], kind="conveyance.consent_requested").exists()
    run(give_consent, conveyance, user=c.users[1])
    assert reload(conveyance).status == Status.AWAITING_CONSENTS
    run(give_consent, conveyance, user=c.users[2])
    assert reload(conveyance).status == Status.AWAITING_CONSENTS  # the filing heir has not approved yet
    run(give_consent, conveyance, user=c.users[0])
    assert reload(conveyance).status == Status.AWAITING_BUYER
    run(accept_offer, conveyance, user=c.buyer_user)
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    received = [_balance(a) for a in c.accounts]
    assert sum(received) == Decimal("1000000.01")
    assert received[1] == received[2] or abs(received[1] - received[2]) == Decimal("0.01")
    assert received[0] == Decimal("500000.01") or received[0] == Decimal("500000.00")
    assert abs(received[0] - 2 * received[1]) <= Decimal("0.02")
    assert registries.deed(conveyance.new_deed.number).owners == [c.buyer]


def test_heirs_conveyance_stops_when_one_heir_refuses(heirs_case, run):
    c = heirs_case
    conveyance = run(
        services.file,
        user=c.users[0],
        capacity="heir",
        deed_number=c.deed.number,
        heirs_deed_number=c.heirs_deed.number,
        buyer_id=c.buyer.national_id,
        price=Decimal("900000"),
    )
    run(give_consent, reload(conveyance), user=c.users[1])
    run(services.answer_consent, reload(conveyance), user=c.users[2], accept=False)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert failed_rules(conveyance, step="consents") == ["all_consented"]
    reason = decisions_of(conveyance).get(step="consents").rules[0]
    assert c.heirs[2].national_id in reason["message_en"] and c.heirs[2].national_id in reason["message_ar"]
    assert registries.deed(c.deed.number).status == "active"
    assert Notification.objects.filter(recipient=c.users[0], kind="conveyance.consent_refused").exists()
    with pytest.raises(services.ConveyanceError):
        services.answer_offer(conveyance, user=c.buyer_user, accept=True)


def test_a_seizure_between_acceptance_and_payment_refunds_the_buyer(sale, run):
    conveyance = run(file_sale, sale, price="300000.00")
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    registries.place_seizure(sale.deed, by="محكمة التنفيذ بالرياض", ref="EN-2025-000777")
    before = _balance(sale.buyer_account)
    run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert failed_rules(conveyance, step="transfer") == ["no_seizure"]
    deed = registries.deed(sale.deed.number)
    assert deed.status == "active" and deed.replaced_by is None and deed.owners == [sale.seller]
    assert conveyance.new_deed is None
    assert _balance(sale.buyer_account) == before + Decimal("300000.00")  # refunded to the buyer's IBAN
    assert _balance(sale.seller_account) == Decimal("15000.00")  # none of the price; the tax they paid, back
    assert payments.held_for(conveyance) == Decimal("0.00")
    refund = Disbursement.objects.get(kind="refund", amount=Decimal("300000.00"))  # the tax goes back apart
    assert refund.iban == sale.buyer_account.iban and refund.status == "done"
    assert Notification.objects.filter(recipient=sale.buyer_user, kind="conveyance.refunded").exists()


def test_buyer_declines(sale, run):
    conveyance = run(file_sale, sale)
    run(services.answer_offer, reload(conveyance), user=sale.buyer_user, accept=False)
    assert reload(conveyance).status == Status.DECLINED
    assert registries.deed(sale.deed.number).status == "active"
    # the deed is free again: a new conveyance may be filed
    assert reload(run(file_sale, sale)).status == Status.AWAITING_BUYER


def test_only_the_buyer_answers_the_offer(sale, run):
    conveyance = run(file_sale, sale)
    with pytest.raises(services.ConveyanceError):
        services.answer_offer(reload(conveyance), user=sale.seller_user, accept=True)


def test_an_unanswered_offer_expires(sale, run, travel, settings):
    conveyance = run(file_sale, sale)
    assert tasks.sweep_expired() == 0
    with travel(settings.CONVEYANCE_OFFER_TTL + timedelta(minutes=1)):
        with_capture = run(tasks.sweep_expired)
        assert with_capture == 1
        assert tasks.sweep_expired() == 0  # idempotent
    assert reload(conveyance).status == Status.EXPIRED
    assert registries.deed(sale.deed.number).status == "active"
    assert Notification.objects.filter(recipient=sale.buyer_user, kind="conveyance.expired").exists()


def test_an_unpaid_invoice_expires_and_is_cancelled(sale, run, travel, settings):
    conveyance = run(file_sale, sale)
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    with travel(settings.CONVEYANCE_OFFER_TTL + timedelta(minutes=1)):
        run(tasks.sweep_expired)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.EXPIRED
    assert conveyance.invoice.status == "cancelled"


def test_late_answer_after_the_ttl_expires_instead(sale, run, travel, settings):
    conveyance = run(file_sale, sale)
    with travel(settings.CONVEYANCE_OFFER_TTL + timedelta(minutes=1)):
        run(accept_offer, reload(conveyance), user=sale.buyer_user)
    assert reload(conveyance).status == Status.EXPIRED


def test_seller_cancels_before_payment(sale, run):
    conveyance = run(file_sale, sale)
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    run(services.cancel, reload(conveyance), user=sale.seller_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.CANCELLED
    assert conveyance.invoice.status == "cancelled"
    assert registries.deed(sale.deed.number).status == "active"
    # a payment arriving now is not taken by the cancelled invoice
    run(pay, conveyance)
    assert payments.held_for(conveyance) == Decimal("0.00")


def test_seller_cannot_cancel_after_payment(sale, run):
    conveyance = run(file_sale, sale)
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    run(pay, conveyance)
    with pytest.raises(services.ConveyanceError):
        services.cancel(reload(conveyance), user=sale.seller_user)


def test_only_the_filer_cancels(sale, run):
    conveyance = run(file_sale, sale)
    with pytest.raises(services.ConveyanceError):
        services.cancel(reload(conveyance), user=sale.buyer_user)


def test_co_owner_consents_then_buyer(sale, run):
    co_owner = factories.PersonFactory()
    account = factories.AccountFactory(person=co_owner, balance=Decimal("0"))
    deed = factories.DeedFactory(owners=[(sale.seller, Decimal("0.75")), (co_owner, Decimal("0.25"))])
    from najiz.accounts.services import user_for_person

    conveyance = run(file_sale, sale, deed=deed, price="400000")
    assert reload(conveyance).status == Status.AWAITING_CONSENTS
    with pytest.raises(services.ConveyanceError):
        services.answer_consent(reload(conveyance), user=sale.seller_user, accept=True)  # already given by filing
    run(give_consent, reload(conveyance), user=user_for_person(co_owner))
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    run(pay, conveyance)
    assert reload(conveyance).status == Status.COMPLETED
    assert _balance(account) == Decimal("100000.00")
    assert _balance(sale.seller_account) == Decimal("300000.00")


def test_advance_is_idempotent(sale, run):
    conveyance = run(file_sale, sale)
    assert services.advance(conveyance.pk) == Status.AWAITING_BUYER
    assert decisions_of(conveyance).filter(step="eligibility").count() == 1


def test_sweep_stalled_pushes_a_lost_check(sale, travel, settings, run):
    conveyance = file_sale(sale, approve=False)  # on-commit task never runs: "lost"
    assert reload(conveyance).status == Status.SUBMITTED
    with travel(settings.STALLED_AFTER + timedelta(minutes=1)):
        assert run(tasks.sweep_stalled) == 1
    assert reload(conveyance).status == Status.AWAITING_CONSENTS  # the seller's own approval is next
