"""What may be done to a note, as small named checks. Each returns None when allowed, or the
reason (translatable) it is refused. Services run them under the note's row lock."""

from django.utils.translation import gettext_lazy as _

from najiz.common import clock

from .states import Status


def can_confirm(note):
    if note.status != Status.AWAITING_CONFIRMATION:
        return _("This note no longer waits for the debtor's confirmation.")
    return None


def can_answer(note):
    if note.status != Status.AWAITING_ACCEPTANCE:
        return _("This note does not wait for acceptance.")
    return None


def can_cancel(note):
    if note.status not in (Status.AWAITING_CONFIRMATION, Status.AWAITING_ACCEPTANCE):
        return _("Only a note not yet registered can be cancelled.")
    return None


def is_active(note):
    if note.status == Status.UNDER_ENFORCEMENT:
        return _("The note is under enforcement: it is settled only through the enforcement request.")
    if note.status != Status.ACTIVE:
        return _("The note is not active.")
    return None


def can_pay(note):
    return is_active(note)


def can_certify_paid(note):
    return is_active(note)


def can_endorse(note, new_holder=None):
    refusal = is_active(note)
    if refusal:
        return refusal
    if note.endorsements.filter(state="pending").exists():
        return _("An endorsement of this note is already waiting for the new holder.")
    if new_holder is not None:
        if new_holder == note.holder:
            return _("The note is already held by this person.")
        if new_holder == note.debtor:
            return _("A note cannot be endorsed to its debtor.")
    return None


def past_due(note):
    if clock.today() <= note.due_date:
        return _("The note is not past its due date yet.")
    return None


def can_enforce(note):
    return is_active(note) or past_due(note)
