"""What each enforcement event says on a request's timeline."""

from django.utils.translation import gettext_lazy as _

from najiz.casefile import messages

messages.register(
    {
        "enforcement.submitted": _("Request {number} submitted through the Najiz portal."),
        "enforcement.audited": _("Automatic audit against the central registries completed."),
        "enforcement.accepted": _("The request was accepted for enforcement."),
        "enforcement.rejected": _("The request was rejected; see the reasons."),
        "enforcement.referred": _("Referred automatically to enforcement circuit {circuit}."),
        "enforcement.order_issued": _(
            "Execution order {order} issued (Art. 34) and the debtor notified electronically."
        ),
        "enforcement.notice_published": _(
            "The order was published in a newspaper notice; its cost ({cost}) was added to the claim."
        ),
        "enforcement.measures_applied": _(
            "The payment period lapsed: the enforcement measures of Art. 46 were applied."
        ),
        "enforcement.collected": _("{amount} collected."),
        "enforcement.disbursed": _("{amount} paid to the creditor's account."),
        "enforcement.refunded": _("{amount} paid beyond the claim refunded to the debtor."),
        "enforcement.paid_outside": _("The creditor certified {amount} paid directly by the debtor."),
        "enforcement.claim_reduced": _("The creditor reduced the claim from {from} to {to}."),
        "enforcement.measure_lifted": _("A measure was lifted."),
        "enforcement.settled": _("The claim is fully covered."),
        "enforcement.withdrawn": _("The creditor withdrew the request."),
        "enforcement.suspended": _("The supervising judge suspended the request: {reason}"),
        "enforcement.closed": _("The request was closed."),
        "enforcement.resumed": _("The supervising judge resumed the request: {reason}"),
        "enforcement.audit_rerun": _("The supervising judge had the audit run again: {reason}"),
        "enforcement.steps_retried": _("The supervising judge had the automatic steps run again: {reason}"),
        "enforcement.measure_lifted_by_judge": _("The supervising judge lifted a measure: {reason}"),
        "enforcement.ended_by_judge": _("The supervising judge ended the request: {reason}"),
        "enforcement.measures_reapplied": _("Enforcement resumed: the measures of Art. 46 were applied again."),
        "enforcement.objection_filed": _(
            "The debtor objected to the enforcement; the supervising judge will decide."
        ),
        "enforcement.objection_dismissed": _("The supervising judge dismissed the debtor's objection: {reason}"),
        "enforcement.objection_upheld": _("The supervising judge upheld the debtor's objection: {reason}"),
        "enforcement.grace_requested": _("The debtor asked for a grace period of {days} days; the judge will decide."),
        "enforcement.grace": _("A grace period of {days} days began; the measures are lifted until it ends: {reason}"),
        "enforcement.grace_refused": _("The supervising judge refused the grace period: {reason}"),
        "enforcement.reactivated": _("Enforcement reactivated after the grace period."),
    }
)
