import uuid
from decimal import Decimal

from conveyance import services
from conveyance.models import Conveyance


def file_sale(case, *, price="1200000.00", buyer_id=None, capacity="owner", user=None, deed=None, **extra):
    return services.file(
        user=user or case.seller_user, capacity=capacity, deed_number=(deed or case.deed).number,
        buyer_id=buyer_id or case.buyer.national_id, price=Decimal(price), **extra,
    )


def pay(conveyance, amount=None):
    """Pay the conveyance's invoice as the gateway would, then let the receivers run."""
    from payments import services as payments

    conveyance = Conveyance.objects.get(pk=conveyance.pk)
    payments.record_gateway_payment(
        conveyance.invoice, f"TXN-{uuid.uuid4().hex[:12]}", amount or conveyance.price, "mada"
    )


def reload(conveyance):
    return Conveyance.objects.get(pk=conveyance.pk)


def failed_rules(conveyance, step="eligibility"):
    from najiz.casefile.rules import failed
    from najiz.casefile.selectors import decisions_of

    decision = decisions_of(conveyance).filter(step=step).last()
    return [r["id"] for r in failed(decision.rules)]
