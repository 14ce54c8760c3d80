"""The conveyance's states and the moves allowed between them (docs/design.md §7); the diagram
is docs/states.md, drawn from this table (make docs).

The seller may cancel before payment; a consent refused stops it (rejected, with the reason);
an offer nobody answers in time expires; a payment the re-run rules refuse is refunded (rejected).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.casefile.workflow import Machine


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("conveyance status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("conveyance status", "Submitted")
    CHECKED = "checked", pgettext_lazy("conveyance status", "Checked")
    REJECTED = "rejected", pgettext_lazy("conveyance status", "Rejected")
    AWAITING_CONSENTS = "awaiting_consents", pgettext_lazy("conveyance status", "Awaiting the sellers' approval")
    AWAITING_BUYER = "awaiting_buyer", pgettext_lazy("conveyance status", "Awaiting the buyer's acceptance")
    DECLINED = "declined", pgettext_lazy("conveyance status", "Declined by the buyer")
    EXPIRED = "expired", pgettext_lazy("conveyance status", "Expired")
    AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("conveyance status", "Awaiting payment")
    PAID = "paid", pgettext_lazy("conveyance status", "Paid")
    TRANSFERRED = "transferred", pgettext_lazy("conveyance status", "Ownership transferred")
    COMPLETED = "completed", pgettext_lazy("conveyance status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("conveyance status", "Cancelled")


S = Status
# A conveyance in one of these holds its deed: no second conveyance may be opened on it.
OPEN = frozenset(
    {S.SUBMITTED, S.CHECKED, S.AWAITING_CONSENTS, S.AWAITING_BUYER, S.AWAITING_PAYMENT, S.PAID, S.TRANSFERRED}
)
# States the automation moves on from by itself; a conveyance idle in one is "stalled".
AUTOMATIC = frozenset({S.SUBMITTED, S.CHECKED, S.PAID, S.TRANSFERRED})
# States a person must answer in, within CONVEYANCE_OFFER_TTL.
WAITING = frozenset({S.AWAITING_CONSENTS, S.AWAITING_BUYER, S.AWAITING_PAYMENT})
CANCELLABLE = frozenset({S.SUBMITTED, S.CHECKED, S.AWAITING_CONSENTS, S.AWAITING_BUYER, S.AWAITING_PAYMENT})
FINAL = frozenset({S.REJECTED, S.DECLINED, S.EXPIRED, S.COMPLETED, S.CANCELLED})

ALLOWED: dict[str, frozenset] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.CHECKED}),
    S.CHECKED: frozenset({S.REJECTED, S.AWAITING_CONSENTS}),
    S.AWAITING_CONSENTS: frozenset({S.AWAITING_BUYER, S.REJECTED, S.EXPIRED}),
    S.AWAITING_BUYER: frozenset({S.AWAITING_PAYMENT, S.DECLINED, S.EXPIRED}),
    S.AWAITING_PAYMENT: frozenset({S.PAID, S.EXPIRED}),
    S.PAID: frozenset({S.TRANSFERRED, S.REJECTED}),
    S.TRANSFERRED: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
for _state in CANCELLABLE:
    ALLOWED[_state] = ALLOWED[_state] | {S.CANCELLED}

MACHINE = Machine("conveyance", Status, ALLOWED, stamps={S.COMPLETED: "completed_at"})
can_move = MACHINE.can_move


TONES = {
    S.DRAFT: "neutral",
    S.SUBMITTED: "info",
    S.CHECKED: "info",
    S.REJECTED: "danger",
    S.AWAITING_CONSENTS: "warning",
    S.AWAITING_BUYER: "warning",
    S.DECLINED: "danger",
    S.EXPIRED: "neutral",
    S.AWAITING_PAYMENT: "warning",
    S.PAID: "info",
    S.TRANSFERRED: "success",
    S.COMPLETED: "success",
    S.CANCELLED: "neutral",
}


class Capacity(models.TextChoices):
    """In what capacity the filer sells."""

    OWNER = "owner", _("Owner of the deed")
    HEIR = "heir", _("Heir of a deceased owner")
    AGENT = "agent", _("Agent under a power of attorney")


class Kind(models.TextChoices):
    SALE = "sale", _("Sale")
    HEIRS = "heirs", _("Heirs' conveyance")


class PaymentMethod(models.TextChoices):
    MADA = "mada", _("Mada card")
    SADAD = "sadad", _("SADAD")


class TaxPayer(models.TextChoices):
    """Who pays the real-estate transaction tax, chosen on filing (the registry's own values)."""

    SELLER = "seller", pgettext_lazy("tax payer", "The seller")
    BUYER = "buyer", pgettext_lazy("tax payer", "The buyer")


class BuyersPay(models.TextChoices):
    """How several buyers pay the price into escrow, chosen on filing: each their part (the price
    split by their shares), or the first buyer named the whole price."""

    EACH = "each", _("Each buyer pays their share of the price")
    FIRST = "first", _("The first buyer pays the whole price")


class Answer(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
