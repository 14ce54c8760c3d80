"""Who is told what at each step of a conveyance (notifications), and what each timeline event says."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.casefile import inputs, messages
from notifications import kinds, services as notifications

from .states import Answer, Capacity, Kind

KINDS = {
    "conveyance.filed": (
        _("Conveyance {number} filed"),
        _("Your conveyance {number} of deed {deed} was filed; the eligibility checks are running."),
    ),
    "conveyance.rejected": (
        _("Conveyance {number} rejected"),
        _("Conveyance {number} of deed {deed} did not pass the eligibility checks. Open it to see the reasons."),
    ),
    "conveyance.consent_requested": (
        _("Your consent is requested on conveyance {number}"),
        _("A conveyance of deed {deed} to a buyer for {price} awaits your consent as a co-owner or heir."),
    ),
    "conveyance.approve_filing": (
        _("Approve conveyance {number} by Nafath"),
        _(
            "Your conveyance {number} of deed {deed} for {price} passed the eligibility checks. Approve the sale "
            "by Nafath: only then is the offer sent to the buyer."
        ),
    ),
    "conveyance.consent_refused": (
        _("Conveyance {number} stopped"),
        _("The co-owner or heir with ID {id} refused conveyance {number} of deed {deed}; it was stopped."),
    ),
    "conveyance.offer": (
        _("Offer to buy the property of deed {deed}"),
        _(
            "You are offered the property of deed {deed} for {price} (conveyance "
            "{number}). Accept or decline within {hours} hours."
        ),
    ),
    "conveyance.declined": (
        _("The buyer declined conveyance {number}"),
        _("The buyer declined the conveyance {number} of deed {deed}."),
    ),
    "conveyance.accepted": (
        _("The buyer accepted conveyance {number}"),
        _("The buyer accepted the conveyance {number} of deed {deed}; the payment of {price} is awaited."),
    ),
    "conveyance.pay": (
        _("Pay the price of conveyance {number}"),
        _("Pay {price} in full by SADAD bill {bill} or a Mada card to complete conveyance {number}."),
    ),
    "conveyance.pay_tax": (
        _("Pay the real-estate transaction tax of conveyance {number}"),
        _(
            "Pay the real-estate transaction tax of {tax} by SADAD bill {bill} or a Mada card: the deed of "
            "conveyance {number} is transferred only once the price is in escrow and the tax is paid."
        ),
    ),
    "conveyance.paid": (
        _("The buyer paid conveyance {number}"),
        _("The price of {price} of conveyance {number} was paid into escrow; the deed is being transferred."),
    ),
    "conveyance.refunded": (
        _("Conveyance {number} rejected and the payment refunded"),
        _(
            "Conveyance {number} of deed {deed} no longer meets the conditions at the "
            "transfer; the payment is refunded to the buyer."
        ),
    ),
    "conveyance.new_deed": (
        _("Your new deed {new_deed}"),
        _("The ownership of the property was transferred to you by conveyance {number}. Your new deed is {new_deed}."),
    ),
    "conveyance.transferred": (
        _("Deed {deed} transferred"),
        _(
            "Conveyance {number}: deed {deed} was transferred to the buyer (new deed {new_deed}); "
            "your share of the price is paid to your account."
        ),
    ),
    "conveyance.completed": (
        _("Conveyance {number} completed"),
        _("Conveyance {number} of deed {deed} is completed."),
    ),
    "conveyance.cancelled": (
        _("Conveyance {number} cancelled"),
        _("The seller cancelled conveyance {number} of deed {deed}."),
    ),
    "conveyance.expired": (
        _("Conveyance {number} expired"),
        _("Conveyance {number} of deed {deed} expired: it was not answered or paid in time."),
    ),
}


def register_kinds() -> None:
    """Called from ConveyanceConfig.ready()."""
    for kind, (subject, body) in KINDS.items():
        kinds.register(kind, subject=subject, body=body)


messages.register(
    {
        "conveyance.submitted": _("The seller filed conveyance {number} of deed {deed}."),
        "conveyance.checked": _("The eligibility checks were run."),
        "conveyance.rejected": _("The conveyance was rejected."),
        "conveyance.awaiting_consents": _(
            "The checks passed; the deed is suspended for this conveyance and the sellers' approval by Nafath "
            "is requested."
        ),
        "conveyance.consent_accepted": _("The co-owner or heir with ID {id} consented."),
        "conveyance.consent_refused": _("The co-owner or heir with ID {id} refused."),
        "conveyance.awaiting_buyer": _("The offer was sent to the buyer."),
        "conveyance.buyer_accepted": _("The buyer with ID {id} accepted by Nafath (share {share})."),
        "conveyance.declined": _("The buyer declined the offer."),
        "conveyance.expired": _("The conveyance expired without an answer or payment in time."),
        "conveyance.awaiting_payment": _("The buyer accepted; the price is billed by SADAD {bill}."),
        "conveyance.paid": _("The price of {amount} is in the conveyance's escrow and the tax is paid."),
        "conveyance.tax_paid": _(
            "The real-estate transaction tax of {amount} was paid to the tax authority; receipt {receipt}."
        ),
        "conveyance.transferred": _(
            "The deed was transferred; new deed {deed} was issued to the buyer and "
            "the proceeds are paid to the sellers."
        ),
        "conveyance.completed": _("The proceeds were paid to the sellers; the conveyance is completed."),
        "conveyance.cancelled": _("The seller cancelled the conveyance."),
    }
)


def _params(conveyance, **extra) -> dict:
    return {"number": conveyance.number, "deed": conveyance.deed.number, "price": f"{conveyance.price:,.2f}", **extra}


def tell(conveyance, kind, users, *, view="conveyance:detail", url=None, **extra):
    """Notify each user (once each) of `kind` about the conveyance."""
    link = url or reverse(view, args=[conveyance.number])
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notifications.notify(user, kind, params=_params(conveyance, **extra), url=link, case=conveyance)


def seller_users(conveyance) -> list:
    return [conveyance.filed_by, *[c.user for c in conveyance.consents.select_related("user") if c.user_id]]


def buyer_users(conveyance) -> list:
    """Every buyer's user (the first buyer's first)."""
    users = [b.user for b in conveyance.buyers.select_related("user") if b.user_id]
    return users or [conveyance.buyer_user]


def tell_parties(conveyance, kind, *, buyer=True, **extra):
    users = seller_users(conveyance)
    if buyer:
        users += buyer_users(conveyance)
    tell(conveyance, kind, users, **extra)

inputs.register(values={
    "kind": dict(Kind.choices),
    "capacity": dict(Capacity.choices),
    "role": {"owner": _("Owner"), "heir": _("Heir")},
    "answer": dict(Answer.choices),
})
