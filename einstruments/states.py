"""The e-promissory note's states and the moves allowed between them; the diagram is
docs/states.md, drawn from this table (make docs).

The debtor confirms through Nafath, the creditor (and the guarantor) accept; the issuer may cancel
before the note is active; an endorsed note stays active with its new holder; a note under
enforcement is active again when the request is rejected or withdrawn.
"""

from django.db import models
from django.utils.translation import pgettext_lazy

from najiz.casefile.workflow import Machine


class Status(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", pgettext_lazy("note status", "Awaiting the debtor's confirmation")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", pgettext_lazy("note status", "Awaiting acceptance")
    ACTIVE = "active", pgettext_lazy("note status", "Active")
    PAID = "paid", pgettext_lazy("note status", "Paid")
    UNDER_ENFORCEMENT = "under_enforcement", pgettext_lazy("note status", "Under enforcement")
    EXECUTED = "executed", pgettext_lazy("note status", "Executed")
    DECLINED = "declined", pgettext_lazy("note status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("note status", "Cancelled")


S = Status
ALLOWED: dict[str, frozenset] = {
    S.AWAITING_CONFIRMATION: frozenset({S.AWAITING_ACCEPTANCE, S.CANCELLED}),
    S.AWAITING_ACCEPTANCE: frozenset({S.ACTIVE, S.DECLINED, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAID, S.UNDER_ENFORCEMENT}),
    S.UNDER_ENFORCEMENT: frozenset({S.EXECUTED, S.ACTIVE}),
    S.PAID: frozenset(),
    S.EXECUTED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}
MACHINE = Machine("einstruments", Status, ALLOWED)
can_move = MACHINE.can_move

# Registered in the instruments registry (an execution instrument exists).
REGISTERED = frozenset({S.ACTIVE, S.PAID, S.UNDER_ENFORCEMENT, S.EXECUTED})
PENDING = frozenset({S.AWAITING_CONFIRMATION, S.AWAITING_ACCEPTANCE})

TONES = {
    S.AWAITING_CONFIRMATION: "warning",
    S.AWAITING_ACCEPTANCE: "warning",
    S.ACTIVE: "success",
    S.PAID: "info",
    S.UNDER_ENFORCEMENT: "danger",
    S.EXECUTED: "info",
    S.DECLINED: "neutral",
    S.CANCELLED: "neutral",
}
