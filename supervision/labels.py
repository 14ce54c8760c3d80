"""Names of the automatic steps and their outcomes, in the reader's language."""

from django.utils.translation import gettext_lazy as _

STEPS = {
    "audit": _("Audit"),
    "referral": _("Referral to a circuit"),
    "order": _("Execution order"),
    "measures": _("Enforcement measures"),
    "closure": _("Closure"),
    "eligibility": _("Eligibility check"),
    "set_aside": _("Automatic steps set aside"),
    "objection": _("Objection to enforcement"),
    "grace_request": _("Request for a grace period"),
    "grace": _("Grace period"),
    "reactivation": _("Reactivation of enforcement"),
    "disclosure": _("Disclosure of assets"),
    "settlement_proposal": _("Proposed instalment plan"),
    "settlement": _("Instalment settlement"),
    "settlement_default": _("Instalment not paid in time"),
}

OUTCOMES = {
    "rejected": _("Rejected"),
    "accepted": _("Accepted"),
    "order_issued": _("Execution order issued"),
    "measures_applied": _("Enforcement measures applied"),
    "not_applied": _("No measures"),
    "closed": _("Closed"),
    "eligible": _("Eligible"),
    "needs_person": _("Needs a person"),
    "awaiting_judge": _("Awaiting the judge's decision"),
    "grace": _("Grace period"),
    "reactivated": _("Enforcement reactivated"),
    "measures_limited": _("Measures limited to the assets disclosed"),
    "disclosure_recorded": _("Disclosure recorded; the measures apply"),
    "awaiting_creditor": _("Awaiting the creditor's answer"),
    "settlement": _("Instalment settlement"),
    "declined": _("Declined"),
}


def step_label(step: str) -> str:
    return str(STEPS.get(step, step))


def outcome_label(outcome: str) -> str:
    return str(OUTCOMES.get(outcome, outcome))
