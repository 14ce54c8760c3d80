"""Names of the automatic steps and their outcomes, in the reader's language."""

from django.utils.translation import gettext_lazy as _, pgettext, pgettext_lazy

from najiz.casefile import inputs

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
    "instalment_paid": _("Instalment paid"),
    "settlement_ended": _("Instalment plan ended by the creditor"),
    "consents": pgettext_lazy("decision step", "Consents of the co-owners and heirs"),
    "payment": pgettext_lazy("decision step", "Payment of the price"),
    "transfer": pgettext_lazy("decision step", "Transfer of ownership"),
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
    "instalment_paid": _("Instalment paid"),
    "awaiting_consents": pgettext_lazy("decision outcome", "Awaiting the sellers' approval"),
    "awaiting_buyer": pgettext_lazy("decision outcome", "Awaiting the buyer's acceptance"),
    "paid": pgettext_lazy("decision outcome", "Paid"),
    "transferred": pgettext_lazy("decision outcome", "Ownership transferred"),
}


def step_label(step: str) -> str:
    return str(STEPS.get(step, step))


def outcome_label(outcome: str, decision=None) -> str:
    """A referral's outcome is the circuit's code: the reader sees the circuit it went to."""
    if decision is not None and decision.step == "referral":
        circuit = decision.circuit or ""
        if circuit:
            return pgettext("decision outcome", "Referred to %(circuit)s") % {"circuit": circuit}
        return pgettext("decision outcome", "Referred to a circuit")
    return str(OUTCOMES.get(outcome, outcome))


inputs.register(values={"step": STEPS})
