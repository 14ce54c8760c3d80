"""After the order: Art. 46 measures, collection, disbursement, closure and withdrawal."""

from datetime import timedelta
from decimal import Decimal

import pytest

from enforcement import selectors, services
from enforcement.models import EnforcementRequest, Measure, MeasureKind
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines
from najiz.registries import services as registries
from najiz.registries.models import CreditReport, DealingBan, PoaIssuingStop, TravelBan
from payments import services as payments
from payments.models import Invoice, LedgerEntry
from payments.selectors import disbursements_for
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db
PERIOD = timedelta(days=6)


@pytest.fixture
def order(case, django_capture_on_commit_callbacks):
    """A request for 5,000 SAR at order_issued; the debtor has 3,000 SAR in the bank and a deed."""
    factories.DeedFactory(owners=[case.debtor], number="DEBTOR-DEED-1")
    request = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(request, user=case.user)
    request = EnforcementRequest.objects.get(pk=request.pk)
    assert request.status == Status.ORDER_ISSUED
    return request


def reload(request):
    return EnforcementRequest.objects.get(pk=request.pk)


def pay(request, amount, capture, txn="T1"):
    invoice = Invoice.objects.get(purpose_id=request.pk, status__in=["unpaid", "partly_paid"])
    with capture(execute=True):
        payments.record_gateway_payment(invoice, txn, Decimal(amount), "mada")


def lapse(capture, travel):
    with travel(PERIOD), capture(execute=True):
        return sweep_deadlines()


def restrictions(person):
    return {
        model.__name__: model.objects.filter(person=person, active=True).count()
        for model in (TravelBan, PoaIssuingStop, DealingBan, CreditReport)
    }


def test_nothing_happens_before_the_period_lapses(order):
    assert sweep_deadlines()["enforcement.apply_measures"] == 0
    assert reload(order).status == Status.ORDER_ISSUED


def test_lapsed_period_applies_every_measure_once(order, case, django_capture_on_commit_callbacks, travel):
    lapse(django_capture_on_commit_callbacks, travel)
    request = reload(order)
    assert request.status == Status.MEASURES_APPLIED
    kinds = sorted(request.measures.values_list("kind", flat=True))
    assert kinds == sorted([
        MeasureKind.DISCLOSE_ASSETS, MeasureKind.FREEZE_BALANCE, MeasureKind.SEIZE_BALANCE, MeasureKind.TRAVEL_BAN,
        MeasureKind.STOP_POA, MeasureKind.DEED_SEIZURE, MeasureKind.CREDIT_REPORT, MeasureKind.DEALINGS_BAR,
    ])
    assert request.collected == Decimal("3000.00")  # the whole balance, seized
    assert registries.account(case.debtor_account.iban).balance == Decimal("0.00")
    seizures = registries.active_encumbrances(registries.deed("DEBTOR-DEED-1"))
    assert [(e.kind, e.ref) for e in seizures] == [("seizure", request.number)]
    assert restrictions(case.debtor) == {"TravelBan": 1, "PoaIssuingStop": 1, "DealingBan": 1, "CreditReport": 1}
    assert Invoice.objects.get(purpose_id=request.pk).outstanding == Decimal("2000.00")  # the invoice asks for the rest
    # the sweep again, and the task again: nothing more
    lapse(django_capture_on_commit_callbacks, travel)
    services.apply_measures(request.pk)
    assert Measure.objects.filter(request=request).count() == 8
    assert restrictions(case.debtor)["TravelBan"] == 1
    assert reload(order).collected == Decimal("3000.00")


def test_paying_the_rest_lifts_every_measure_and_closes(order, case, django_capture_on_commit_callbacks, travel):
    lapse(django_capture_on_commit_callbacks, travel)
    pay(order, "2000.00", django_capture_on_commit_callbacks)
    request = reload(order)
    assert request.status == Status.CLOSED
    assert request.collected == Decimal("5000.00") and request.disbursed == Decimal("5000.00")
    assert not request.measures.filter(status=Measure.State.APPLIED).exists()
    assert restrictions(case.debtor) == {"TravelBan": 0, "PoaIssuingStop": 0, "DealingBan": 0, "CreditReport": 0}
    assert registries.active_encumbrances(registries.deed("DEBTOR-DEED-1")) == []
    assert registries.account(case.account.iban).balance == case.account.balance + Decimal("5000.00")


def test_paying_in_full_before_the_deadline_closes_without_measures(order, case, django_capture_on_commit_callbacks):
    pay(order, "5000.00", django_capture_on_commit_callbacks)
    request = reload(order)
    assert request.status == Status.CLOSED and not request.measures.exists()
    assert request.disbursed == Decimal("5000.00")


def test_the_request_closes_after_its_last_payout_reached_the_creditor(
    order, case, django_capture_on_commit_callbacks
):
    """Covered, the request is settled; it closes once the payout is done, so "closed" is the
    last line of its timeline, after "paid to the creditor's account"."""
    from najiz.casefile.selectors import timeline
    from payments.models import Disbursement

    invoice = Invoice.objects.get(purpose_id=order.pk)
    with django_capture_on_commit_callbacks() as paid:
        payments.record_gateway_payment(invoice, "T-ORDER", Decimal("5000.00"), "mada")
    with django_capture_on_commit_callbacks() as payout:
        for callback in paid:  # the payment reaches the request; its payout is queued
            callback()
    assert payout and reload(order).status == Status.SETTLED  # the payout is still on its way
    with django_capture_on_commit_callbacks(execute=True):
        for callback in payout:
            callback()
    request = reload(order)
    assert request.status == Status.CLOSED and Disbursement.objects.get(purpose_id=order.pk).status == "done"
    kinds = [event.kind for event in timeline(request)]
    assert kinds[-1] == "enforcement.closed"
    assert kinds.index("enforcement.settled") < kinds.index("enforcement.disbursed") < kinds.index("enforcement.closed")


def test_the_debtor_is_no_longer_told_to_pay_once_the_order_is_paid(
    order, case, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from najiz.accounts.services import user_for_person

    client.force_login(user_for_person(case.debtor))
    page = client.get(reverse("enforcement:detail", args=[order.number])).content.decode()
    assert "أنت ملزم بسداد المبلغ أدناه" in page  # before: the order and what to pay
    pay(order, "5000.00", django_capture_on_commit_callbacks)
    page = client.get(reverse("enforcement:detail", args=[order.number])).content.decode()
    assert "أنت ملزم بسداد المبلغ أدناه" not in page and 'id="nothing-to-pay"' in page


def test_partial_payment_then_seizure_closes_exactly_at_the_claim(
    order, case, django_capture_on_commit_callbacks, travel
):
    pay(order, "2500.00", django_capture_on_commit_callbacks)
    assert reload(order).status == Status.ORDER_ISSUED
    lapse(django_capture_on_commit_callbacks, travel)
    request = reload(order)
    assert request.status == Status.CLOSED
    assert request.collected == Decimal("5000.00")
    assert registries.account(case.debtor_account.iban).balance == Decimal("500.00")  # only what was owed was seized
    assert not TravelBan.objects.filter(person=case.debtor).exists()  # covered: no restriction was needed


def test_an_overpaying_callback_counts_only_what_was_applied(order, case, client, django_capture_on_commit_callbacks):
    """A signed callback of 6,000 on the 5,000 invoice: 5,000 applied, 1,000 refunded, and the
    request and every figure made from it show 5,000 collected."""
    from django.urls import reverse

    from payments import callbacks
    from payments.models import Payment

    invoice = Invoice.objects.get(purpose_id=order.pk)
    body = callbacks.encode({"txn_id": "OVERPAY1", "bill_number": invoice.bill_number, "amount": "6000.00",
                             "method": "mada", "status": "succeeded"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/payments/callback/", data=body, content_type="application/json",
                               HTTP_X_GATEWAY_SIGNATURE=callbacks.signature(body))
    assert response.status_code == 200 and response.json()["refunded"] == "1000.00"
    payment = Payment.objects.get(gateway_txn_id="OVERPAY1")
    assert (payment.applied_amount, payment.refunded_amount) == (Decimal("5000.00"), Decimal("1000.00"))
    request = reload(order)
    assert request.status == Status.CLOSED
    assert (request.collected, request.disbursed) == (Decimal("5000.00"), Decimal("5000.00"))
    assert list(request.collections.values_list("amount", flat=True)) == [Decimal("5000.00")]
    assert selectors.creditor_stats(case.user)["collected"] == Decimal("5000.00")
    client.force_login(case.user)
    html = client.get(reverse("enforcement:detail", args=[request.number])).content.decode()
    assert "5,000.00" in html and "6,000.00" not in html
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == Decimal("0.00")


def test_the_migration_corrects_requests_that_counted_a_refunded_part(order, django_capture_on_commit_callbacks):
    import importlib

    from django.apps import apps

    from enforcement.models import Collection

    pay(order, "6000.00", django_capture_on_commit_callbacks, txn="OVERPAY2")
    Collection.objects.filter(request=order).update(amount=Decimal("6000.00"))  # as counted before the fix
    EnforcementRequest.objects.filter(pk=order.pk).update(collected=Decimal("6000.00"))
    migration = importlib.import_module("enforcement.migrations.0006_collected_counts_only_applied")
    migration.count_only_applied(apps, None)
    migration.count_only_applied(apps, None)  # twice changes nothing more
    assert reload(order).collected == Decimal("5000.00")
    assert list(Collection.objects.filter(request=order).values_list("amount", flat=True)) == [Decimal("5000.00")]


def race_the_seizure(order, capture, travel):
    """A payment of 4,000 whose signal arrives only after the lapse seized 3,000 of the 5,000."""
    invoice = Invoice.objects.get(purpose_id=order.pk)
    with capture(execute=False) as pending:  # the payment's signal is still in flight
        payments.record_gateway_payment(invoice, "RACE", Decimal("4000.00"), "sadad")
    lapse(capture, travel)  # seizes 3,000 of the 5,000 it still sees owed
    with capture(execute=True):
        for callback in pending:
            callback()


def test_payment_racing_the_seizure_is_refunded_beyond_the_claim(
    order, case, django_capture_on_commit_callbacks, travel
):
    race_the_seizure(order, django_capture_on_commit_callbacks, travel)
    request = reload(order)
    assert request.status == Status.CLOSED
    # 3,000 seized and 4,000 paid, but only the 5,000 the claim needed is collected: the
    # 2,000 surplus is the debtor's, refunded to them, never the creditor's
    assert request.collected == Decimal("5000.00")
    assert sorted(request.collections.values_list("amount", flat=True)) == [Decimal("2000.00"), Decimal("3000.00")]
    assert selectors.creditor_stats(case.user)["collected"] == Decimal("5000.00")
    assert request.disbursed == Decimal("5000.00")
    assert sorted(disbursements_for(request).values_list("kind", "amount")) == [
        ("payout", Decimal("5000.00")), ("refund", Decimal("2000.00"))]
    assert payments.held_for(request) == Decimal("0.00")  # the 2,000 surplus went back to the debtor
    assert registries.account(case.debtor_account.iban).balance == Decimal("2000.00")
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == Decimal("0.00")


def test_the_migration_caps_collected_at_the_claim(order, django_capture_on_commit_callbacks, travel):
    import importlib

    from django.apps import apps

    from enforcement.models import Collection

    race_the_seizure(order, django_capture_on_commit_callbacks, travel)
    Collection.objects.filter(request=order, source="invoice").update(amount=Decimal("4000.00"))  # as counted before
    EnforcementRequest.objects.filter(pk=order.pk).update(collected=Decimal("7000.00"))
    migration = importlib.import_module("enforcement.migrations.0007_collected_never_beyond_the_claim")
    migration.cap_collected_at_the_claim(apps, None)
    migration.cap_collected_at_the_claim(apps, None)  # twice changes nothing more
    assert reload(order).collected == Decimal("5000.00")
    assert dict(Collection.objects.filter(request=order).values_list("source", "amount")) == {
        "seizure": Decimal("3000.00"), "invoice": Decimal("2000.00")}


def test_ledger_balances_after_a_whole_request(order, django_capture_on_commit_callbacks, travel):
    lapse(django_capture_on_commit_callbacks, travel)
    pay(order, "2000.00", django_capture_on_commit_callbacks)
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == Decimal("0.00")
    assert payments.held_for(order) == Decimal("0.00")


def test_withdrawal_lifts_measures_and_closes(order, case, django_capture_on_commit_callbacks, travel):
    lapse(django_capture_on_commit_callbacks, travel)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(reload(order), user=case.user)
    request = reload(order)
    assert request.status == Status.CLOSED and request.withdrawn
    assert request.public_status == "withdrawn"
    assert restrictions(case.debtor)["TravelBan"] == 0
    assert registries.active_encumbrances(registries.deed("DEBTOR-DEED-1")) == []
    assert Invoice.objects.get(purpose_id=request.pk).status == "cancelled"


def test_certified_payment_outside_closes_and_lifts(order, case, django_capture_on_commit_callbacks, travel):
    lapse(django_capture_on_commit_callbacks, travel)
    with django_capture_on_commit_callbacks(execute=True):
        services.certify_paid_outside(reload(order), user=case.user, amount=Decimal("2000.00"))
    request = reload(order)
    assert request.status == Status.CLOSED and request.paid_outside == Decimal("2000.00")
    assert restrictions(case.debtor)["TravelBan"] == 0


def test_no_electronic_channel_leads_to_a_newspaper_notice(case, django_capture_on_commit_callbacks, travel):
    case.debtor.email, case.debtor.phone = "", ""
    case.debtor.save()
    request = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(request, user=case.user)
    request = reload(request)
    assert request.status == Status.ORDER_ISSUED
    assert request.notified_at is None and request.deadline is None  # never signed in, no mobile, no e-mail
    with travel(timedelta(days=10)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines()["enforcement.publish_notice"] == 0
    with travel(timedelta(days=21)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines()["enforcement.publish_notice"] == 1
    request = reload(request)
    assert request.order.published_at is not None
    assert request.amount_claimed == Decimal("5500.00")  # the notice's cost joins the claim
    assert Invoice.objects.get(purpose_id=request.pk).outstanding == Decimal("5500.00")
    with travel(timedelta(days=27)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    assert reload(request).status == Status.MEASURES_APPLIED  # five days after publication


def test_debtor_is_alerted_once_when_the_deadline_nears(order, case, django_capture_on_commit_callbacks, travel):
    from notifications.models import Notification

    with travel(timedelta(days=4, hours=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
        sweep_deadlines()
    alerts = Notification.objects.filter(
        recipient__national_id=case.debtor.national_id, kind="enforcement.deadline_near"
    )
    assert alerts.count() == 1
