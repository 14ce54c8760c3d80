"""Who may see which note, and the lists of "my instruments".

A note is seen by its parties only: the issuer, the debtor, the creditor it was issued to, its
current holder, everyone it passed through by endorsement (and whoever it is being endorsed to),
and the guarantor. Acting as an entity, a representative sees the entity's notes instead of their
own; issuing a note for an entity gives no access of one's own (najiz.accounts.parties). Anyone else
gets 404, whether the note exists or not.
"""

import re
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from najiz.accounts.parties import is_party, party_filter
from najiz.common.deadlines import Deadline
from najiz.common.todo import Task

from .models import NoteEndorsement, PromissoryNote
from .states import Status


def _me(field: str, user, acting_entity) -> Q:
    """`field` (a person/entity pair without its suffix) stands for the signed-in party."""
    return party_filter(
        acting_entity, entity=f"{field}_entity", mine=Q(**{f"{field}_person__national_id": user.national_id})
    )


def _issuer(user, acting_entity) -> Q:
    """Notes the signed-in person issued for the debtor side they stand for now."""
    return Q(issued_by=user) & party_filter(acting_entity, entity="debtor_entity", mine=Q())


def _notes() -> QuerySet:
    return PromissoryNote.objects.select_related(
        "debtor_person", "debtor_entity", "creditor_person", "creditor_entity", "holder_person", "holder_entity",
        "guarantor_person", "instrument",
    )


def _in_chain(user, acting_entity) -> Q:
    rows = NoteEndorsement.objects.filter(_me("from", user, acting_entity) | _me("to", user, acting_entity))
    return Q(pk__in=rows.values("note_id"))


def visible_to(user, acting_entity=None) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return PromissoryNote.objects.none()
    mine = (
        _me("debtor", user, acting_entity) | _me("creditor", user, acting_entity) | _me("holder", user, acting_entity)
    )
    mine |= _issuer(user, acting_entity)
    if acting_entity is None:
        mine |= Q(guarantor_person__national_id=user.national_id)
    return _notes().filter(mine | _in_chain(user, acting_entity))


NUMBER_RE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


def clean_number(value) -> str:
    """A note number as typed (upper case, spaces trimmed), or "" when it cannot be one."""
    text = str(value or "").strip().upper()[:20]
    return text if NUMBER_RE.fullmatch(text) else ""


def note_for(http_request, number: str) -> PromissoryNote:
    """The note if the signed-in person is a party to it; 404 otherwise."""
    text = clean_number(number)
    if not text:
        raise Http404
    queryset = visible_to(http_request.user, getattr(http_request, "acting_entity", None))
    return get_object_or_404(queryset, number=text)


def as_issuer(user, acting_entity=None) -> QuerySet:
    return _notes().filter(_issuer(user, acting_entity) | _me("debtor", user, acting_entity))


def as_holder(user, acting_entity=None) -> QuerySet:
    """Notes I hold now, notes issued to me, and notes I held before endorsing them on."""
    return _notes().filter(
        _me("holder", user, acting_entity) | _me("creditor", user, acting_entity) | _in_chain(user, acting_entity)
    ).exclude(status=Status.AWAITING_CONFIRMATION)


def as_guarantor(user, acting_entity=None) -> QuerySet:
    if acting_entity is not None:
        return PromissoryNote.objects.none()
    return _notes().filter(guarantor_person__national_id=user.national_id).exclude(status=Status.AWAITING_CONFIRMATION)


def waiting_for_me(user, acting_entity=None) -> dict:
    """Notes waiting for my acceptance (as creditor or guarantor) and endorsements to me."""
    notes = _notes().filter(status=Status.AWAITING_ACCEPTANCE)
    to_accept = notes.filter(_me("creditor", user, acting_entity), creditor_accepted_at__isnull=True)
    if acting_entity is None:
        to_accept = to_accept | notes.filter(
            guarantor_person__national_id=user.national_id, guarantor_accepted_at__isnull=True
        )
    endorsements = NoteEndorsement.objects.filter(_me("to", user, acting_entity), state=NoteEndorsement.State.PENDING)
    return {"notes": list(to_accept.distinct()), "endorsements": list(endorsements.select_related("note"))}


def _is(person, entity, user, acting_entity) -> bool:
    mine = person is not None and person.national_id == user.national_id
    return is_party(acting_entity, entity_id=entity.pk if entity is not None else None, mine=mine)


def roles(note, user, acting_entity=None) -> set[str]:
    """What the signed-in party is on this note: issuer, debtor, creditor, holder, guarantor, endorsee."""
    found = set()
    if note.issued_by_id == user.pk and is_party(acting_entity, entity_id=note.debtor_entity_id, mine=True):
        found.add("issuer")
    if _is(note.debtor_person, note.debtor_entity, user, acting_entity):
        found.add("debtor")
    if _is(note.creditor_person, note.creditor_entity, user, acting_entity):
        found.add("creditor")
    if _is(note.holder_person, note.holder_entity, user, acting_entity):
        found.add("holder")
    if acting_entity is None and _is(note.guarantor_person, None, user, None):
        found.add("guarantor")
    pending = pending_endorsement(note)
    if pending is not None and _is(pending.to_person, pending.to_entity, user, acting_entity):
        found.add("endorsee")
    return found


def pending_endorsement(note) -> NoteEndorsement | None:
    return (
        note.endorsements.filter(state=NoteEndorsement.State.PENDING).select_related("to_person", "to_entity").first()
    )


def endorsements_of(note) -> list:
    return list(note.endorsements.select_related("from_person", "from_entity", "to_person", "to_entity"))


def next_deadline(now) -> Deadline | None:
    """The nearest active note to fall due after `now`: past its due date (the day after it, in
    Riyadh), its holder may file it for enforcement in one step."""
    found = (
        PromissoryNote.objects.filter(status=Status.ACTIVE, due_date__gte=timezone.localdate(now))
        .order_by("due_date").values_list("due_date", "number").first()
    )
    if found is None:
        return None
    day_after = datetime.combine(found[0] + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    return Deadline(day_after, _("An electronic promissory note falls due"), found[1])


def tasks_for(user, acting_entity=None) -> list[Task]:
    """"My tasks": notes to confirm through Nafath (as their debtor), notes to accept (as creditor
    or guarantor) and endorsements to accept. None of them has a deadline."""
    waiting = waiting_for_me(user, acting_entity)
    to_confirm = as_issuer(user, acting_entity).filter(status=Status.AWAITING_CONFIRMATION)[:20]
    return [
        *(Task(_("Confirm note %(number)s through Nafath") % {"number": n.number},
               reverse("einstruments:detail", args=[n.number]), n.number) for n in to_confirm),
        *(Task(_("Accept or decline note %(number)s") % {"number": n.number},
               reverse("einstruments:detail", args=[n.number]), n.number) for n in waiting["notes"]),
        *(Task(_("Accept or decline the endorsement of note %(number)s") % {"number": e.note.number},
               reverse("einstruments:detail", args=[e.note.number]), e.note.number) for e in waiting["endorsements"]),
    ]
