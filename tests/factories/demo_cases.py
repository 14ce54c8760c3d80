"""The demo data taken through the portal's services, for tests that walk every role's pages.

Enforcement: a judgment's request at measures with a payment, a cheque's paid in full (closed),
a cancelled cheque's (rejected) and a company's (Al-Ofuq, filed by its manager acting for it).
Conveyance: a villa sold and transferred, a shared deed waiting for the co-owner's consent. An
e-note issued and confirmed by its debtor, waiting for the creditor's acceptance.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from conveyance import services as conveyances
from conveyance.models import Conveyance
from conveyance.states import Status as ConveyanceStatus
from demo import data as demo
from einstruments import services as notes
from enforcement import services as enforcement
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from enforcement.tasks import sweep_deadlines
from najiz.accounts import services as accounts
from najiz.common import clock
from najiz.registries import services as registries
from payments import services as payments
from payments.models import Invoice
from tests.conveyance import helpers as sale_helpers


def user(national_id):
    return get_user_model().objects.get(national_id=national_id)


def run(capture, fn, *args, **kwargs):
    with capture(execute=True):
        return fn(*args, **kwargs)


def file_request(capture, who, instrument, debtors, amount, *, acting_entity=None, iban=None):
    creditor = acting_entity or registries.person(who.national_id)
    draft = enforcement.save_draft(
        user=who, acting_entity=acting_entity, instrument_number=instrument, debtor_ids=debtors,
        amount=Decimal(amount), iban=iban or registries.accounts_of(creditor)[0].iban,
    )
    run(capture, enforcement.submit, draft, user=who)
    return EnforcementRequest.objects.get(pk=draft.pk)


def pay_request(capture, request, amount, txn):
    invoice = Invoice.objects.get(purpose_id=request.pk, status__in=["unpaid", "partly_paid"])
    run(capture, payments.record_gateway_payment, invoice, txn, Decimal(amount), "mada")


def build(capture, travel) -> dict:
    """The demo data, seeded, and cases in most states (see the module's docstring)."""
    demo.seed()
    abdullah, khalid, noura = user(demo.ABDULLAH), user(demo.KHALID), user(demo.NOURA)
    ofuq = registries.entity(demo.OFUQ)

    ordered = file_request(capture, abdullah, demo.JUDGMENT, [demo.KHALID], "150000.00")
    settled = file_request(capture, abdullah, demo.CHEQUE, [demo.KHALID], "35000.00")
    pay_request(capture, settled, "35000.00", "TXN-CODES-1")
    rejected = file_request(capture, abdullah, demo.CHEQUE_CANCELLED, [demo.NOURA], "9000.00")
    company = file_request(capture, abdullah, demo.BILL, [demo.WAHA], "80000.00", acting_entity=ofuq)
    pay_request(capture, ordered, "1000.00", "TXN-CODES-2")
    with travel(timedelta(days=6)):
        run(capture, sweep_deadlines)

    sale = run(capture, conveyances.file, user=abdullah, capacity="owner", deed_number=demo.DEED_VILLA,
               buyer_id=demo.NOURA, price=Decimal("1200000.00"))
    sale = Conveyance.objects.get(pk=sale.pk)
    run(capture, sale_helpers.give_consent, sale, user=abdullah)  # the seller approves by Nafath
    run(capture, sale_helpers.accept_offer, sale, user=noura)  # approved by Nafath, then accepted
    run(capture, sale_helpers.pay, sale)  # the transaction tax, then the price
    shared = run(capture, conveyances.file, user=noura, capacity="owner", deed_number=demo.DEED_SHARED,
                 buyer_id=demo.FAHD, price=Decimal("3000000.00"))

    note = notes.issue_note(
        user=khalid, acting_entity=None, creditor=registries.person(demo.ABDULLAH), amount=Decimal("5000.00"),
        due_date=clock.today() + timedelta(days=30), place="riyadh",
    )
    challenge = notes.start_confirmation(note, user=khalid)
    accounts.answer_challenge(challenge.pk, challenge.number)
    notes.confirm_by_debtor(note, user=khalid)

    requests = [ordered, settled, rejected, company]
    statuses = set(EnforcementRequest.objects.values_list("status", flat=True))
    assert {Status.MEASURES_APPLIED, Status.CLOSED, Status.REJECTED} <= statuses
    assert set(Conveyance.objects.values_list("status", flat=True)) >= {
        ConveyanceStatus.COMPLETED, ConveyanceStatus.AWAITING_CONSENTS
    }
    return {"requests": requests, "conveyances": [sale, shared], "note": note, "ofuq": ofuq}
