"""Commands on e-promissory notes. Each is one transaction that locks the note row; other apps
(accounts' Nafath, registries, payments, enforcement) are reached only through their services,
and notifications and tasks leave after commit."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor
from najiz.casefile.rules import message_for
from najiz.casefile.workflow import Workflow
from najiz.common import clock
from najiz.registries import services as registries

from . import issuance, rules
from .models import NoteEndorsement, PromissoryNote
from .selectors import roles
from .states import MACHINE, Status

INSTRUMENT_KIND = "promissory_note"
ISSUER = "Najiz — e-promissory note / ناجز — سند لأمر إلكتروني"


class NoteRefused(Exception):
    """The command cannot go ahead; `message` is safe to show to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _refuse(reason) -> None:
    if reason:
        raise NoteRefused(reason)


WORKFLOW = Workflow(MACHINE, PromissoryNote, event_params=lambda note: {"number": note.number})
locked = WORKFLOW.locked
# The one place a note changes state (the caller holds the row lock); `changed`: the other fields
# the caller set.
transition = WORKFLOW.move


def _set(prefix: str, subject) -> dict:
    if getattr(subject, "cr_number", None):
        return {f"{prefix}_person": None, f"{prefix}_entity": subject}
    return {f"{prefix}_person": subject, f"{prefix}_entity": None}


def party_id(subject) -> str:
    return getattr(subject, "cr_number", None) or subject.national_id


# --- issue and confirm ----------------------------------------------------------------------


@transaction.atomic
def issue_note(
    *, user, acting_entity, creditor, amount, due_date, place, guarantor=None, guarantor_named=False
) -> PromissoryNote:
    """The debtor (a person, or a representative acting for an entity) issues a note to `creditor`
    (as einstruments.issuance.find_party found them; `guarantor_named`: a guarantor's id was given,
    found or not). Refused on the first issue rule that fails, in its words."""
    debtor = acting_entity or registries.person(user.national_id)
    refusal = rules.issue_refusal(issuance.facts(
        debtor=debtor, creditor=creditor, guarantor=guarantor, guarantor_named=guarantor_named, amount=amount,
        due_date=due_date,
    ))
    if refusal is not None:
        raise NoteRefused(message_for(refusal.as_dict()))
    note = PromissoryNote.objects.create(
        number=casefile.next_case_number("PN"), issued_by=user, amount=amount, due_date=due_date, place=place,
        guarantor_person=guarantor, issued_at=clock.now(), status_changed_at=clock.now(),
        **_set("debtor", debtor), **_set("creditor", creditor), **_set("holder", creditor),
    )
    casefile.record_event(note, "einstruments.issued", actor=Actor.PERSON, user=user, params={"number": note.number})
    return note


def start_confirmation(note: PromissoryNote, *, user, acting_entity=None):
    """Send the debtor's confirmation request to Nafath (the number to choose is on the note's page)."""
    from najiz.accounts import services as accounts

    with transaction.atomic():
        note = locked(note.pk)
        _refuse(rules.can_confirm(note))
        if "issuer" not in roles(note, user, acting_entity):
            raise NoteRefused(_("Only the person who issued the note confirms it."))
        try:
            challenge = accounts.start_nafath_login(
                user.national_id, replacing_token=note.challenge_token or None,
                purpose=accounts.Purpose.SIGN_NOTE, subject=note.number,
            )
        except accounts.SignInRefused as refusal:
            raise NoteRefused(refusal.message) from refusal
        note.challenge_token = challenge.token
        note.save(update_fields=["challenge_token"])
        return challenge


def confirmation_request(note: PromissoryNote):
    """The note's Nafath request in its current state (expired when its time is up), or None."""
    from najiz.accounts import services as accounts

    return accounts.challenge_outcome(note.challenge_token or None)


@transaction.atomic
def confirm_by_debtor(note: PromissoryNote, *, user, acting_entity=None) -> PromissoryNote:
    """The debtor chose the right number in Nafath: use the request (once) and ask for acceptance."""
    from najiz.accounts import services as accounts

    note = locked(note.pk)
    if note.status != Status.AWAITING_CONFIRMATION:
        return note
    if "issuer" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the person who issued the note confirms it."))
    try:
        confirmer = accounts.complete_nafath_login(note.challenge_token, purpose=accounts.Purpose.SIGN_NOTE)
    except accounts.SignInRefused as refusal:
        raise NoteRefused(refusal.message) from refusal
    if confirmer.pk != note.issued_by_id:
        raise NoteRefused(_("The confirmation came from another ID."))
    note.debtor_confirmed_at = clock.now()
    transition(note, Status.AWAITING_ACCEPTANCE, actor=Actor.PERSON, user=user, changed=["debtor_confirmed_at"])
    from .alerts import ask_for_acceptance

    ask_for_acceptance(note)
    return note


@transaction.atomic
def cancel_note(note: PromissoryNote, *, user, acting_entity=None) -> PromissoryNote:
    note = locked(note.pk)
    if "issuer" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the person who issued the note can cancel it."))
    _refuse(rules.can_cancel(note))
    return transition(note, Status.CANCELLED, actor=Actor.PERSON, user=user)


# --- acceptance and registration ------------------------------------------------------------


@transaction.atomic
def answer(note: PromissoryNote, *, user, acting_entity, accept: bool) -> PromissoryNote:
    """The creditor (or the guarantor) accepts or declines. When every acceptance is in, the note
    is registered as an execution instrument; a single refusal ends it for good."""
    note = locked(note.pk)
    _refuse(rules.can_answer(note))
    mine = roles(note, user, acting_entity)
    if "creditor" in mine and note.creditor_accepted_at is None:
        role = "creditor"
    elif "guarantor" in mine and note.awaiting_guarantor:
        role = "guarantor"
    else:
        raise NoteRefused(_("Nothing on this note waits for your answer."))
    if not accept:
        return transition(note, Status.DECLINED, actor=Actor.PERSON, user=user, params={"by": role})
    setattr(note, f"{role}_accepted_at", clock.now())
    note.save(update_fields=[f"{role}_accepted_at"])
    casefile.record_event(
        note, f"einstruments.accepted_by_{role}", actor=Actor.PERSON, user=user, params={"number": note.number}
    )
    if note.creditor_accepted_at and not note.awaiting_guarantor:
        _register(note)
    return note


def _register(note: PromissoryNote) -> None:
    debtors = [note.debtor] + ([note.guarantor_person] if note.guarantor_person_id else [])
    note.instrument = registries.register_instrument(
        number=note.number, kind=INSTRUMENT_KIND, issuer=ISSUER, creditor=note.holder, debtors=debtors,
        amount=note.amount, issue_date=clock.today(), due_date=note.due_date, ref=note.number,
    )
    note.registered_at = clock.now()
    transition(note, Status.ACTIVE, changed=["instrument", "registered_at"])


# --- payment --------------------------------------------------------------------------------


@transaction.atomic
def request_payment(note: PromissoryNote, *, user, acting_entity):
    """The debtor's invoice for the note (the open one if it exists)."""
    from payments import selectors as payment_selectors, services as payments

    note = locked(note.pk)
    if "debtor" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the debtor pays the note."))
    _refuse(rules.can_pay(note))
    invoice = payment_selectors.open_invoice_for(note)
    if invoice is not None:
        return invoice
    return payments.create_invoice(
        purpose=note,
        payer=note.debtor,
        payer_user=note.issued_by if note.debtor_person_id else None,
        amount=note.amount,
        description_ar=f"سند لأمر {note.number}",
        description_en=f"Promissory note {note.number}",
    )


def _close_invoice(note: PromissoryNote) -> None:
    from payments import selectors as payment_selectors, services as payments

    invoice = payment_selectors.open_invoice_for(note)
    if invoice is not None:
        payments.cancel_invoice_remainder(invoice)


def _pay_holder(note: PromissoryNote) -> None:
    from payments import services as payments

    accounts = registries.accounts_of(note.holder)
    if not accounts:
        casefile.record_event(note, "einstruments.payout_waiting", params={"number": note.number})
        return
    payments.request_disbursement(
        note, accounts[0].iban, note.amount, ref=f"{note.number}/payout", beneficiary=str(note.holder)
    )


@transaction.atomic
def record_invoice_paid(invoice) -> None:
    """The gateway confirmed the note's invoice: the note is paid and the holder is paid out."""
    note = locked(invoice.purpose_id)
    if invoice.status != "paid" or note.status != Status.ACTIVE:
        return
    registries.mark_instrument_executed(note.instrument, ref=note.number)
    transition(note, Status.PAID, params={"amount": str(note.amount)})
    _pay_holder(note)


@transaction.atomic
def certify_paid(note: PromissoryNote, *, user, acting_entity) -> PromissoryNote:
    """The holder certifies the debtor paid them: the note is no longer enforceable."""
    note = locked(note.pk)
    if "holder" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the holder can certify the note paid."))
    _refuse(rules.can_certify_paid(note))
    registries.mark_instrument_executed(note.instrument, ref=note.number)
    _close_invoice(note)
    return transition(note, Status.PAID, actor=Actor.PERSON, user=user, params={"amount": str(note.amount)})


# --- endorsement ----------------------------------------------------------------------------


@transaction.atomic
def endorse(note: PromissoryNote, *, user, acting_entity, new_holder) -> NoteEndorsement:
    note = locked(note.pk)
    if "holder" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the holder can endorse the note."))
    if new_holder is None:
        raise NoteRefused(_("The new holder is not found in the civil or commercial registry."))
    _refuse(rules.can_endorse(note, new_holder))
    row = NoteEndorsement.objects.create(
        note=note, requested_by=user, created_at=clock.now(), **_set("from", note.holder), **_set("to", new_holder)
    )
    casefile.record_event(note, "einstruments.endorsement_requested", actor=Actor.PERSON, user=user,
                          params={"number": note.number, "to": str(new_holder)})
    from .alerts import ask_endorsee

    ask_endorsee(row)
    return row


@transaction.atomic
def answer_endorsement(note: PromissoryNote, *, user, acting_entity, accept: bool) -> NoteEndorsement:
    note = locked(note.pk)
    row = NoteEndorsement.objects.select_for_update().filter(note=note, state=NoteEndorsement.State.PENDING).first()
    if row is None:
        raise NoteRefused(_("No endorsement of this note waits for an answer."))
    if "endorsee" not in roles(note, user, acting_entity):
        raise NoteRefused(_("This endorsement is not addressed to you."))
    row.decided_at = clock.now()
    if not accept:
        row.state = NoteEndorsement.State.DECLINED
        row.save(update_fields=["state", "decided_at"])
        casefile.record_event(
            note, "einstruments.endorsement_declined", actor=Actor.PERSON, user=user, params={"number": note.number}
        )
        return row
    _refuse(rules.is_active(note))
    if row.from_party != note.holder:
        raise NoteRefused(_("The note changed hands since this endorsement was made."))
    registries.endorse_instrument(note.instrument, row.to_party, ref=f"{note.number}/E{row.pk}")
    for field, value in _set("holder", row.to_party).items():
        setattr(note, field, value)
    note.save(update_fields=["holder_person", "holder_entity"])
    row.state = NoteEndorsement.State.ACCEPTED
    row.save(update_fields=["state", "decided_at"])
    casefile.record_event(note, "einstruments.endorsed", actor=Actor.PERSON, user=user,
                          params={"number": note.number, "to": str(row.to_party)})
    return row


@transaction.atomic
def cancel_endorsement(note: PromissoryNote, *, user, acting_entity) -> None:
    note = locked(note.pk)
    if "holder" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the holder can withdraw the endorsement."))
    updated = NoteEndorsement.objects.filter(note=note, state=NoteEndorsement.State.PENDING).update(
        state=NoteEndorsement.State.CANCELLED, decided_at=clock.now()
    )
    if not updated:
        raise NoteRefused(_("No endorsement of this note waits for an answer."))


# --- one-step enforcement -------------------------------------------------------------------


def holder_ibans(note: PromissoryNote) -> list[str]:
    return [account.iban for account in registries.accounts_of(note.holder)]


@transaction.atomic
def file_enforcement(note: PromissoryNote, *, user, acting_entity, iban: str):
    """File the enforcement request on a past-due note with every field taken from the registry."""
    from enforcement import services as enforcement

    note = locked(note.pk)
    if "holder" not in roles(note, user, acting_entity):
        raise NoteRefused(_("Only the note's last holder can file for enforcement."))
    _refuse(rules.can_enforce(note))
    instrument = registries.instrument(note.number)
    if instrument is None or not instrument.is_valid or instrument.creditor != note.holder:
        raise NoteRefused(_("The instruments registry does not show you as the holder of a valid note."))
    if iban not in holder_ibans(note):
        raise NoteRefused(_("Choose one of your own bank accounts."))
    debtor = note.debtor
    request = enforcement.save_draft(
        user=user, acting_entity=acting_entity, instrument_number=instrument.number, debtor_ids=[party_id(debtor)],
        amount=instrument.amount, iban=iban,
    )
    request = enforcement.submit(request, user=user)
    note.enforcement_number = request.number
    _close_invoice(note)
    transition(note, Status.UNDER_ENFORCEMENT, actor=Actor.PERSON, user=user, params={"request": request.number},
               changed=["enforcement_number"])
    return request


# The moves of a request that change its note (see follow_enforcement).
FOLLOWED = frozenset({"rejected", "withdrawn", "accepted", "settled"})


def follow_enforcement_moves(moves) -> None:
    """follow_enforcement for each move (enforcement.signals.StatusMove) of a request filed on a
    note, in order; no query for moves a note does not follow, one when none was filed on one."""
    moves = [move for move in moves if move.number and move.status in FOLLOWED]
    numbers = {move.number for move in moves}
    if not numbers:
        return
    followed = set(
        PromissoryNote.objects.filter(enforcement_number__in=numbers).values_list("enforcement_number", flat=True)
    )
    for move in moves:
        if move.number in followed:
            follow_enforcement(move.number, move.status)


@transaction.atomic
def follow_enforcement(number: str, status: str) -> None:
    """Keep the note in step with its enforcement request (inside the transaction of the move)."""
    from enforcement.states import Status as RequestStatus

    found = PromissoryNote.objects.filter(enforcement_number=number).values_list("pk", flat=True).first()
    if found is None:
        return
    note = locked(found)
    if status in (RequestStatus.REJECTED, RequestStatus.WITHDRAWN) and note.status == Status.UNDER_ENFORCEMENT:
        transition(note, Status.ACTIVE, params={"request": number}, kind="einstruments.active_again")
    elif status == RequestStatus.ACCEPTED and note.status == Status.ACTIVE:  # a judge reversed a rejection
        transition(note, Status.UNDER_ENFORCEMENT, params={"request": number})
    elif status == RequestStatus.SETTLED and note.status == Status.UNDER_ENFORCEMENT:
        registries.mark_instrument_executed(note.instrument, ref=note.number)
        transition(note, Status.EXECUTED, params={"request": number})
