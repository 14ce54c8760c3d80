"""The enforcement request's states and the moves allowed between them (docs/design.md §6); the
diagram is docs/states.md, drawn from this table (make docs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.casefile.workflow import Machine, TransitionError  # noqa: F401 - callers import it with the states


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AUDITED = "audited", _("Audited")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred to a circuit")
    ORDER_ISSUED = "order_issued", _("Execution order issued")
    MEASURES_APPLIED = "measures_applied", _("Enforcement measures applied")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUSPENDED = "suspended", _("Suspended")
    GRACE = "grace", _("Grace period")
    SETTLEMENT = "settlement", _("Instalment settlement")
    CLOSED = "closed", _("Closed")


S = Status
OPEN = frozenset({
    S.SUBMITTED, S.AUDITED, S.ACCEPTED, S.REFERRED, S.ORDER_ISSUED, S.MEASURES_APPLIED, S.GRACE, S.SETTLEMENT,
})
# After the order, while something may still be owed: paid, certified, or answered by a motion.
ENFORCING = frozenset({S.ORDER_ISSUED, S.MEASURES_APPLIED, S.GRACE, S.SETTLEMENT})
# States the automation moves on from by itself; a request idle in one is "stalled".
AUTOMATIC = frozenset({S.SUBMITTED, S.AUDITED, S.ACCEPTED, S.REFERRED})
FINAL = frozenset({S.REJECTED, S.CLOSED})

ALLOWED: dict[str, frozenset] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.AUDITED}),
    S.AUDITED: frozenset({S.ACCEPTED, S.REJECTED}),
    S.REJECTED: frozenset({S.ACCEPTED}),  # a judge reverses the rejection
    S.ACCEPTED: frozenset({S.REFERRED}),
    S.REFERRED: frozenset({S.ORDER_ISSUED}),
    S.ORDER_ISSUED: frozenset({S.MEASURES_APPLIED, S.SETTLED, S.GRACE, S.SETTLEMENT}),
    S.MEASURES_APPLIED: frozenset({S.SETTLED, S.GRACE, S.SETTLEMENT}),
    # a grace period or an instalment plan ends paid, or enforcement reactivates from the order
    S.GRACE: frozenset({S.ORDER_ISSUED, S.SETTLED}),
    S.SETTLEMENT: frozenset({S.ORDER_ISSUED, S.SETTLED}),
    S.SETTLED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.SUSPENDED: frozenset(),  # leaves only by resume, back to the state it was suspended in
    S.CLOSED: frozenset(),
}
for _open in OPEN:
    ALLOWED[_open] = ALLOWED[_open] | {S.WITHDRAWN, S.SUSPENDED}

MACHINE = Machine(
    "enforcement", Status, ALLOWED,
    stamps={S.CLOSED: "closed_at"},
    returns={S.SUSPENDED: "status_before_suspension"},  # a judge resumes it
    forced={state: frozenset({S.CLOSED}) for state in OPEN | {S.SUSPENDED}},  # a judge ends it
)
can_move = MACHINE.can_move


# What parties see, in the ministry's own words (معلومات تنفيذ).
class PublicStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("enforcement public status", "New")
    UNDER_ENFORCEMENT = "under_enforcement", pgettext_lazy("enforcement public status", "Under enforcement")
    PARTIALLY_EXECUTED = "partially_executed", pgettext_lazy("enforcement public status", "Partially executed")
    EXECUTED = "executed", pgettext_lazy("enforcement public status", "Executed")
    REJECTED = "rejected", pgettext_lazy("enforcement public status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("enforcement public status", "Withdrawn")
    SUSPENDED = "suspended", pgettext_lazy("enforcement public status", "Suspended")
    GRACE = "grace", pgettext_lazy("enforcement public status", "Grace period")
    SETTLEMENT = "settlement", pgettext_lazy("enforcement public status", "Under instalment settlement")
    DRAFT = "draft", pgettext_lazy("enforcement public status", "Draft")


def public_status(status: str, *, collected=0, was_withdrawn=False) -> str:
    if status == S.DRAFT:
        return PublicStatus.DRAFT
    if status in (S.SUBMITTED, S.AUDITED):
        return PublicStatus.NEW
    if status == S.REJECTED:
        return PublicStatus.REJECTED
    if status == S.WITHDRAWN or (status == S.CLOSED and was_withdrawn):
        return PublicStatus.WITHDRAWN
    if status == S.SUSPENDED:
        return PublicStatus.SUSPENDED
    if status == S.GRACE:
        return PublicStatus.GRACE
    if status == S.SETTLEMENT:
        return PublicStatus.SETTLEMENT
    if status in (S.SETTLED, S.CLOSED):
        return PublicStatus.EXECUTED
    return PublicStatus.PARTIALLY_EXECUTED if collected else PublicStatus.UNDER_ENFORCEMENT
