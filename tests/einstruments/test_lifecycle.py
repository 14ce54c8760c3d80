"""A note becomes an execution instrument only with the debtor's Nafath confirmation and every
acceptance; paying, endorsing and one-step enforcement follow the registry."""

from datetime import timedelta
from decimal import Decimal

import pytest

from einstruments import services
from einstruments.models import PromissoryNote
from einstruments.services import NoteRefused
from einstruments.states import Status
from enforcement import services as enforcement
from enforcement.models import EnforcementRequest
from enforcement.states import Status as RequestStatus
from najiz.accounts import services as accounts
from najiz.registries import services as registries
from payments import selectors as payment_selectors, services as payments
from payments.models import Disbursement

from .conftest import active_note, confirm, issue

pytestmark = pytest.mark.django_db


def test_not_an_instrument_until_debtor_confirmed_and_creditor_accepted(parties):
    note = issue(parties)
    assert note.status == Status.AWAITING_CONFIRMATION
    assert registries.instrument(note.number) is None
    with pytest.raises(NoteRefused):  # the creditor cannot accept before the debtor confirmed
        services.answer(note, user=parties.creditor_user, acting_entity=None, accept=True)
    confirm(note, parties.debtor_user)
    note.refresh_from_db()
    assert note.status == Status.AWAITING_ACCEPTANCE and note.debtor_confirmed_at
    assert registries.instrument(note.number) is None

    services.answer(note, user=parties.creditor_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.status == Status.ACTIVE
    instrument = registries.instrument(note.number)
    assert instrument is not None and instrument.is_valid
    assert instrument.kind == "promissory_note"
    assert instrument.creditor == parties.creditor and instrument.debtors == [parties.debtor]
    assert instrument.amount == Decimal("5000.00") and instrument.due_date == note.due_date
    assert note.instrument == instrument


def test_guarantor_must_accept_too_and_is_liable_on_the_instrument(parties):
    note = issue(parties, guarantor=parties.guarantor)
    confirm(note, parties.debtor_user)
    services.answer(note, user=parties.creditor_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.status == Status.AWAITING_ACCEPTANCE and registries.instrument(note.number) is None
    services.answer(note, user=parties.guarantor_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.status == Status.ACTIVE
    assert registries.instrument(note.number).debtors == [parties.debtor, parties.guarantor]


def test_wrong_number_in_nafath_does_not_confirm(parties):
    note = issue(parties)
    challenge = services.start_confirmation(note, user=parties.debtor_user)
    accounts.answer_challenge(challenge.pk, 10 if challenge.number != 10 else 11)
    with pytest.raises(NoteRefused):
        services.confirm_by_debtor(note, user=parties.debtor_user)
    note.refresh_from_db()
    assert note.status == Status.AWAITING_CONFIRMATION


def test_only_the_issuer_confirms(parties):
    note = issue(parties)
    with pytest.raises(NoteRefused):
        services.start_confirmation(note, user=parties.creditor_user)


@pytest.mark.parametrize("who", ["creditor", "guarantor"])
def test_a_declined_note_never_becomes_an_instrument(parties, who):
    note = issue(parties, guarantor=parties.guarantor)
    confirm(note, parties.debtor_user)
    services.answer(note, user=getattr(parties, f"{who}_user"), acting_entity=None, accept=False)
    note.refresh_from_db()
    assert note.status == Status.DECLINED
    for user in (parties.creditor_user, parties.guarantor_user):
        with pytest.raises(NoteRefused):
            services.answer(note, user=user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.status == Status.DECLINED and note.instrument is None
    assert registries.instrument(note.number) is None


def test_a_stranger_cannot_accept(parties):
    note = issue(parties)
    confirm(note, parties.debtor_user)
    with pytest.raises(NoteRefused):
        services.answer(note, user=parties.stranger_user, acting_entity=None, accept=True)


def test_payment_through_the_invoice_marks_paid_and_pays_the_holder(parties, django_capture_on_commit_callbacks):
    note = active_note(parties)
    invoice = services.request_payment(note, user=parties.debtor_user, acting_entity=None)
    assert services.request_payment(note, user=parties.debtor_user, acting_entity=None) == invoice  # the same bill
    assert invoice.amount == Decimal("5000.00") and invoice.payer_user == parties.debtor_user
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "TXN-PN-1", Decimal("5000.00"), "mada")
    note.refresh_from_db()
    assert note.status == Status.PAID
    assert registries.instrument(note.number).status == "executed"
    payout = Disbursement.objects.get(purpose_id=note.pk, ref=f"{note.number}/payout")
    assert payout.iban == parties.creditor_account.iban and payout.amount == Decimal("5000.00")


def test_only_the_debtor_pays(parties):
    note = active_note(parties)
    with pytest.raises(NoteRefused):
        services.request_payment(note, user=parties.creditor_user, acting_entity=None)


def test_a_paid_note_cannot_be_enforced(parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=10)
    services.certify_paid(note, user=parties.creditor_user, acting_entity=None)
    note.refresh_from_db()
    assert note.status == Status.PAID
    with travel(timedelta(days=11)):
        with pytest.raises(NoteRefused):
            services.file_enforcement(
                note, user=parties.creditor_user, acting_entity=None, iban=parties.creditor_account.iban
            )
        # nor through the ordinary filing form: the audit finds the instrument executed
        with django_capture_on_commit_callbacks(execute=True):
            draft = enforcement.save_draft(
                user=parties.creditor_user,
                acting_entity=None,
                instrument_number=note.number,
                debtor_ids=[parties.debtor.national_id],
                amount=note.amount,
                iban=parties.creditor_account.iban,
            )
            request = enforcement.submit(draft, user=parties.creditor_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED


def test_not_before_the_due_date(parties):
    note = active_note(parties, days=10)
    with pytest.raises(NoteRefused):
        services.file_enforcement(
            note, user=parties.creditor_user, acting_entity=None, iban=parties.creditor_account.iban
        )


def test_one_step_enforcement_reaches_the_order_and_locks_the_note(parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=10)
    invoice = services.request_payment(note, user=parties.debtor_user, acting_entity=None)
    with travel(timedelta(days=11)):
        with django_capture_on_commit_callbacks(execute=True):
            request = services.file_enforcement(note, user=parties.creditor_user, acting_entity=None,
                                                iban=parties.creditor_account.iban)
        request.refresh_from_db()
        assert request.status == RequestStatus.ORDER_ISSUED
        assert request.instrument_number == note.number and request.amount_claimed == note.amount
        assert [d.id_number for d in request.debtors.all()] == [parties.debtor.national_id]
        assert request.creditor_iban == parties.creditor_account.iban and request.filed_by == parties.creditor_user
        note.refresh_from_db()
        assert note.status == Status.UNDER_ENFORCEMENT and note.enforcement_number == request.number
        invoice.refresh_from_db()
        assert invoice.status == "cancelled"  # only the request's invoice is payable now
        for attempt in (
            lambda: services.request_payment(note, user=parties.debtor_user, acting_entity=None),
            lambda: services.certify_paid(note, user=parties.creditor_user, acting_entity=None),
            lambda: services.endorse(note, user=parties.creditor_user, acting_entity=None, new_holder=parties.endorsee),
            lambda: services.file_enforcement(note, user=parties.creditor_user, acting_entity=None,
                                              iban=parties.creditor_account.iban),
        ):
            with pytest.raises(NoteRefused):
                attempt()


def test_enforcement_settled_executes_the_note(parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=1)
    with travel(timedelta(days=2)):
        with django_capture_on_commit_callbacks(execute=True):
            request = services.file_enforcement(note, user=parties.creditor_user, acting_entity=None,
                                                iban=parties.creditor_account.iban)
        request.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            enforcement.certify_paid_outside(request, user=parties.creditor_user, amount=request.outstanding)
    note.refresh_from_db()
    assert note.status == Status.EXECUTED
    assert registries.instrument(note.number).status == "executed"


def test_withdrawn_request_returns_the_note_to_active(parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=1)
    with travel(timedelta(days=2)):
        with django_capture_on_commit_callbacks(execute=True):
            request = services.file_enforcement(note, user=parties.creditor_user, acting_entity=None,
                                                iban=parties.creditor_account.iban)
        with django_capture_on_commit_callbacks(execute=True):
            enforcement.withdraw(request, user=parties.creditor_user)
    note.refresh_from_db()
    assert note.status == Status.ACTIVE


def test_endorsed_note_is_enforced_only_by_its_last_holder(parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=5)
    services.endorse(note, user=parties.creditor_user, acting_entity=None, new_holder=parties.endorsee)
    note.refresh_from_db()
    assert note.holder == parties.creditor  # not until the new holder accepts
    services.answer_endorsement(note, user=parties.endorsee_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.holder == parties.endorsee
    instrument = registries.instrument(note.number)
    assert instrument.creditor == parties.endorsee
    chain = registries.endorsement_chain(instrument)
    assert [(row.from_party, row.to_party) for row in chain] == [(parties.creditor, parties.endorsee)]

    with travel(timedelta(days=6)):
        with pytest.raises(NoteRefused):
            services.file_enforcement(
                note, user=parties.creditor_user, acting_entity=None, iban=parties.creditor_account.iban
            )
        with django_capture_on_commit_callbacks(execute=True):  # the former holder through the ordinary form
            draft = enforcement.save_draft(
                user=parties.creditor_user,
                acting_entity=None,
                instrument_number=note.number,
                debtor_ids=[parties.debtor.national_id],
                amount=note.amount,
                iban=parties.creditor_account.iban,
            )
            old = enforcement.submit(draft, user=parties.creditor_user)
        old.refresh_from_db()
        assert old.status == RequestStatus.REJECTED
        with django_capture_on_commit_callbacks(execute=True):
            request = services.file_enforcement(note, user=parties.endorsee_user, acting_entity=None,
                                                iban=parties.endorsee_account.iban)
    request.refresh_from_db()
    assert request.status == RequestStatus.ORDER_ISSUED
    assert (
        EnforcementRequest.objects.filter(instrument_number=note.number, status=RequestStatus.ORDER_ISSUED).count() == 1
    )


def test_declined_endorsement_keeps_the_holder(parties):
    note = active_note(parties)
    services.endorse(note, user=parties.creditor_user, acting_entity=None, new_holder=parties.endorsee)
    with pytest.raises(NoteRefused):  # one pending endorsement at a time
        services.endorse(note, user=parties.creditor_user, acting_entity=None, new_holder=parties.guarantor)
    with pytest.raises(NoteRefused):  # only the endorsee answers
        services.answer_endorsement(note, user=parties.stranger_user, acting_entity=None, accept=True)
    services.answer_endorsement(note, user=parties.endorsee_user, acting_entity=None, accept=False)
    note.refresh_from_db()
    assert note.holder == parties.creditor and registries.instrument(note.number).creditor == parties.creditor


def test_endorse_refuses_the_debtor_and_non_holders(parties):
    note = active_note(parties)
    with pytest.raises(NoteRefused):
        services.endorse(note, user=parties.creditor_user, acting_entity=None, new_holder=parties.debtor)
    with pytest.raises(NoteRefused):
        services.endorse(note, user=parties.debtor_user, acting_entity=None, new_holder=parties.endorsee)


def test_issuer_cancels_before_registration_only(parties):
    note = issue(parties)
    services.cancel_note(note, user=parties.debtor_user)
    note.refresh_from_db()
    assert note.status == Status.CANCELLED
    active = active_note(parties)
    with pytest.raises(NoteRefused):
        services.cancel_note(active, user=parties.debtor_user)


def test_states_refuse_illegal_moves():
    from einstruments.states import can_move

    assert not can_move(Status.AWAITING_CONFIRMATION, Status.ACTIVE)
    assert not can_move(Status.DECLINED, Status.ACTIVE)
    assert not can_move(Status.PAID, Status.UNDER_ENFORCEMENT)
    assert can_move(Status.ACTIVE, Status.UNDER_ENFORCEMENT)


def test_no_open_invoice_left_after_payment(parties, django_capture_on_commit_callbacks):
    note = active_note(parties)
    invoice = services.request_payment(note, user=parties.debtor_user, acting_entity=None)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(invoice, "TXN-PN-2", Decimal("5000.00"), "mada")
    assert payment_selectors.open_invoice_for(PromissoryNote.objects.get(pk=note.pk)) is None
