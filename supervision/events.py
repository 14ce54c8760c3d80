"""What the supervising judge's reviews say on a case's timeline."""

from django.utils.translation import gettext_lazy as _

from najiz.casefile import messages

messages.register(
    {
        "decision.confirmed": _("The supervising judge confirmed the automatic step: {reason}"),
        "decision.overridden": _("The supervising judge overrode the automatic decision: {reason}"),
        "supervision.note": _("Internal note of the supervising judge: {note}"),
    }
)
