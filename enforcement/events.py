"""What each enforcement event says on a request's timeline."""

from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.casefile import inputs, messages


def circuit_name(code) -> str:
    """An event stores the circuit's code; the reader sees its name and court, in their language."""
    from .models import Circuit

    circuit = Circuit.objects.filter(code=code).first() if code else None
    return str(circuit) if circuit is not None else str(code or "")


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
        "enforcement.plan_proposed": _(
            "The debtor proposed a plan of {count} monthly instalments of {amount}; the creditor will answer."
        ),
        "enforcement.settlement": _(
            "The creditor accepted the debtor's plan of {count} monthly instalments, the first due on {first_due}; "
            "the measures are lifted while they are paid on time."
        ),
        "enforcement.plan_declined": _("The creditor declined the debtor's instalment plan: {reason}"),
        "enforcement.instalment_paid": _("Instalment {n} of {count} ({amount}) paid; the measures stay lifted."),
        "enforcement.plan_defaulted": _(
            "Instalment {n}, due on {due_on}, was not paid in time: the plan ended and enforcement is reactivated "
            "for the whole remainder."
        ),
        "enforcement.plan_ended": _(
            "The creditor ended the instalment plan before its end: enforcement is reactivated for the whole "
            "remainder: {reason}"
        ),
    },
    params={"circuit": circuit_name},
)


def _input_labels():
    from notifications.models import Delivery

    from .models import MeasureKind, Motion

    inputs.register(
        values={
            "kind": {**dict(Motion.Kind.choices), **dict(MeasureKind.choices)},
            "grounds": dict(Motion.Grounds.choices),
            "channels": dict(Delivery.Channel.choices),
            "by": {"creditor": pgettext_lazy("decision input", "The creditor"),
                   "debtor": pgettext_lazy("decision input", "The debtor")},
        },
        key_readers={"loads": circuit_name},
    )


_input_labels()
