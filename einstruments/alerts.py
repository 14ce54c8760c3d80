"""Who is told what about a note (through the notifications service, in the Najiz account)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.accounts.services import users_for_party
from notifications import kinds, services as notifications

KINDS = {
    "einstruments.acceptance_needed": (
        _("Promissory note {number} awaits your acceptance"),
        _("A promissory note {number} for {amount} names you. Open it to accept or decline."),
    ),
    "einstruments.endorsement_offered": (
        _("Promissory note {number} endorsed to you"),
        _("The holder of promissory note {number} ({amount}) endorsed it to you. Open it to accept or decline."),
    ),
}


def register_kinds() -> None:
    """Called from EinstrumentsConfig.ready()."""
    for kind, (subject, body) in KINDS.items():
        kinds.register(kind, subject=subject, body=body)


def _tell(party, kind, note) -> None:
    for user in users_for_party(party):
        notifications.notify(user, kind, params={"number": note.number, "amount": str(note.amount)},
                             url=reverse("einstruments:detail", args=[note.number]), case=note, channels=["in_app"])


def ask_for_acceptance(note) -> None:
    _tell(note.creditor, "einstruments.acceptance_needed", note)
    if note.guarantor_person_id:
        _tell(note.guarantor_person, "einstruments.acceptance_needed", note)


def ask_endorsee(endorsement) -> None:
    _tell(endorsement.to_party, "einstruments.endorsement_offered", endorsement.note)
