import uuid
from decimal import Decimal

from conveyance import services
from conveyance.models import Conveyance


def file_sale(case, *, price="1200000.00", buyer_id=None, capacity="owner", user=None, deed=None, approve=True,
              **extra):
    """The seller files; with `approve`, the checks run and the seller approves the filing by
    Nafath (what the portal asks next), so a sale needing no other consent is offered to the buyer."""
    if "buyers" not in extra:
        extra["buyer_id"] = buyer_id or case.buyer.national_id
    conveyance = services.file(
        user=user or case.seller_user, capacity=capacity, deed_number=(deed or case.deed).number,
        price=Decimal(price), **extra,
    )
    if approve:
        conveyance = approve_filing(conveyance)
    return conveyance


def approve_filing(conveyance):
    """The checks run, then the filer approves their own consent by Nafath (if it is asked)."""
    services.advance(conveyance.pk)
    conveyance = reload(conveyance)
    if conveyance.status == "awaiting_consents" and conveyance.consents.filter(
        user=conveyance.filed_by, answer="pending"
    ).exists():
        give_consent(conveyance, user=conveyance.filed_by)
    return reload(conveyance)


def pay(conveyance, amount=None, *, tax=True):
    """Pay the conveyance's transaction tax (unless `tax=False`) and then its price, as the
    gateway would, and let the receivers run."""
    conveyance = Conveyance.objects.get(pk=conveyance.pk)
    if tax:
        pay_tax(conveyance)
    pay_price(conveyance, amount)


def pay_price(conveyance, amount=None):
    from payments import services as payments

    conveyance = Conveyance.objects.get(pk=conveyance.pk)
    payments.record_gateway_payment(
        conveyance.invoice, f"TXN-{uuid.uuid4().hex[:12]}", amount or conveyance.price, "mada"
    )


def pay_tax(conveyance):
    from payments import services as payments

    conveyance = Conveyance.objects.get(pk=conveyance.pk)
    if conveyance.tax_invoice_id:
        payments.record_gateway_payment(
            conveyance.tax_invoice, f"TXN-{uuid.uuid4().hex[:12]}", conveyance.tax_amount, "sadad"
        )


def reload(conveyance):
    return Conveyance.objects.get(pk=conveyance.pk)


def failed_rules(conveyance, step="eligibility"):
    from najiz.casefile.rules import failed
    from najiz.casefile.selectors import decisions_of

    decision = decisions_of(conveyance).filter(step=step).last()
    return [r["id"] for r in failed(decision.rules)]


def approve(conveyance, user):
    """The party approves in the Nafath simulator: the request the page opened, its number chosen."""
    from najiz.accounts import services as accounts

    challenge = services.start_approval(reload(conveyance), user=user)
    accounts.answer_challenge(challenge.pk, challenge.number)
    return challenge


def accept_offer(conveyance, *, user):
    """The buyer approves the purchase by Nafath, then accepts."""
    approve(conveyance, user)
    return services.answer_offer(reload(conveyance), user=user, accept=True)


def give_consent(conveyance, *, user):
    """A co-owner or heir approves the sale by Nafath, then consents."""
    approve(conveyance, user)
    return services.answer_consent(reload(conveyance), user=user, accept=True)
