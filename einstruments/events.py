"""What each note event says on the note's timeline."""

from django.utils.translation import gettext_lazy as _

from najiz.casefile import messages

messages.register(
    {
        "einstruments.issued": _("Promissory note {number} issued by the debtor."),
        "einstruments.awaiting_acceptance": _("The debtor confirmed the note through Nafath."),
        "einstruments.accepted_by_creditor": _("The creditor accepted the note."),
        "einstruments.accepted_by_guarantor": _("The guarantor accepted the note."),
        "einstruments.active": _("The note was registered as an execution instrument."),
        "einstruments.declined": _("The note was declined; it will not become an instrument."),
        "einstruments.cancelled": _("The issuer cancelled the note before it was registered."),
        "einstruments.paid": _("The note was paid ({amount})."),
        "einstruments.payout_waiting": _("The holder has no bank account on record; the payment is held for them."),
        "einstruments.endorsement_requested": _("The holder endorsed the note to {to}; awaiting their acceptance."),
        "einstruments.endorsement_declined": _("The endorsement was declined."),
        "einstruments.endorsed": _("The note was endorsed to {to}, its new holder."),
        "einstruments.under_enforcement": _("Enforcement request {request} filed on the note."),
        "einstruments.executed": _("Enforcement request {request} collected the debt; the note is executed."),
    }
)
# Back to active after a request was rejected or withdrawn.
messages.register(
    {
        "einstruments.active_again": _(
            "Enforcement request {request} ended without collection; the note is active again."
        )
    }
)
