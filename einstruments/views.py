"""Screens of electronic instruments: issue, confirm (Nafath), accept, archive, pay, endorse,
one-step enforcement, PDF and the public verification page. Every note URL answers 404 to anyone
who is not a party to the note."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from najiz.casefile import selectors as casefile
from najiz.common import pdf, screens
from najiz.registries import services as registries

from . import documents, precheck, rules, selectors, services
from .forms import LIVE_FIELDS, EndorseForm, EnforceForm, IssueNoteForm
from .models import PromissoryNote
from .states import Status

ROLES = ("issuer", "holder", "guarantor")


def _acting(request):
    return getattr(request, "acting_entity", None)


@login_required
@require_GET
def note_list(request):
    """My instruments: as issuer (debtor), as holder, as guarantor, and what waits for my answer."""
    role = request.GET.get("as", "issuer")
    role = role if role in ROLES else "issuer"
    if role == "guarantor" and _acting(request) is not None:
        role = "issuer"
    query = {"issuer": selectors.as_issuer, "holder": selectors.as_holder, "guarantor": selectors.as_guarantor}[role]
    notes = list(query(request.user, _acting(request)).distinct()[:200])
    context = {"role": role, "notes": notes, "waiting": selectors.waiting_for_me(request.user, _acting(request))}
    return render(request, "einstruments/list.html", context)


def _debtor(request):
    return _acting(request) or registries.person(request.user.national_id)


def _precheck(request, values, *, invalid=()) -> dict:
    """The issue rules on what is typed so far (einstruments.precheck): each field's blockers in
    the rules' words, the creditor and guarantor found (by name), and the count for the button.
    `invalid`: fields whose own error is shown instead."""
    # the due date given in either calendar (najiz.common.widgets), or why it cannot be read
    due_date, due_problem = IssueNoteForm.base_fields["due_date"].typed(values, "due_date")
    values = {name: values.get(name) for name in precheck.FIELDS} | {"due_date": due_date or ""}
    outcome = precheck.run(values, debtor=_debtor(request))
    typed = [name for name in precheck.typed(values) if name not in invalid]
    blockers = precheck.blockers(outcome.checks, typed)
    by_field = precheck.by_field(blockers)
    found = {"creditor_id": outcome.creditor, "guarantor_id": outcome.guarantor}
    result = {
        "blockers": blockers, "count": len(blockers), "general": by_field.get("note", []),
        "fields": {
            name: {"name": name, "messages": by_field[name], "party": found.get(name), "typed": bool(values[name])}
            for name in precheck.FIELDS
        },
    }
    if due_problem and "due_date" not in invalid:
        result["fields"]["due_date"]["messages"] = [due_problem]
    result["fields"]["due_date"]["date"] = due_date  # shown back in Hijri and Gregorian
    return result


def _issue_page(request, form, *, status=200, refused=False):
    context = {"form": form, "debtor": _debtor(request), "refused": refused}
    if form.is_bound:
        context["precheck"] = _precheck(request, form.data, invalid=set(form.errors))
    return render(request, "einstruments/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """Issue a note. A blocker left is a hard refusal (no judge reviews a note before it is issued):
    the page names each by its field and nothing is issued."""
    acting = _acting(request)
    form = IssueNoteForm(request.POST if request.method == "POST" else None, debtor=_debtor(request))
    if request.method != "POST":
        return _issue_page(request, form)
    if not form.is_valid():
        return _issue_page(request, form, status=400)
    if _precheck(request, request.POST)["count"]:
        return _issue_page(request, form, status=400, refused=True)
    data = form.cleaned_data
    try:
        note = services.issue_note(
            user=request.user, acting_entity=acting, creditor=data["creditor_id"], amount=data["amount"],
            due_date=data["due_date"], place=data["place"], guarantor=data["guarantor_id"],
            guarantor_named=bool(str(request.POST.get("guarantor_id", "")).strip()),
        )
    except services.NoteRefused as refusal:  # a registry changed since the page was checked
        form.add_error(None, refusal.message)
        return _issue_page(request, form, status=400)
    try:
        services.start_confirmation(note, user=request.user, acting_entity=acting)
    except services.NoteRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("einstruments:detail", note.number)


@login_required
@require_POST
def check(request):
    """The pre-check of the whole issue form as typed: the blocker count for the submit button, and
    each field's blockers, or the name found, swapped in beside it (htmx out-of-band)."""
    refused = screens.too_long(request, screens.limits_of(IssueNoteForm))
    if refused is not None:
        return refused
    return render(request, "einstruments/_precheck.html", {"precheck": _precheck(request, request.POST)})


@login_required
@require_POST
def validate(request, field):
    """The creditor or guarantor looked up by id as typed: their name, or the rules' blockers."""
    if field not in LIVE_FIELDS:
        raise Http404
    refused = screens.too_long(request, screens.limits_of(IssueNoteForm))
    if refused is not None:
        return refused
    region = _precheck(request, request.POST)["fields"][field]
    return render(request, "einstruments/_feedback.html", {"region": region})


def _confirmation_context(request, note) -> dict:
    """Where the debtor's Nafath confirmation stands; confirms the note once Nafath says yes."""
    context = {"note": note, "challenge": None, "message": None, "confirmed": False}
    if note.status != Status.AWAITING_CONFIRMATION:
        context["confirmed"] = note.debtor_confirmed_at is not None
        return context
    challenge = services.confirmation_request(note)
    context["challenge"] = challenge
    if challenge is None:
        context["message"] = _("No Nafath request is waiting for this note. Send one.")
    elif challenge.status == challenge.Status.PENDING:
        from najiz.accounts.services import seconds_left

        context["seconds_left"] = seconds_left(challenge)
    elif challenge.status == challenge.Status.CONFIRMED:
        try:
            services.confirm_by_debtor(note, user=request.user, acting_entity=_acting(request))
        except services.NoteRefused as refusal:
            context["message"] = refusal.message
        else:
            context["confirmed"] = True
    elif challenge.status == challenge.Status.REJECTED:
        context["message"] = _("The number chosen was wrong, so the confirmation was refused. Send a new request.")
    else:
        context["message"] = _("The request expired before it was confirmed. Send a new request.")
    return context


def _detail_context(request, note, **extra) -> dict:
    user, acting = request.user, _acting(request)
    confirmation_state = None
    mine = selectors.roles(note, user, acting)
    if "issuer" in mine and note.status == Status.AWAITING_CONFIRMATION:
        confirmation_state = _confirmation_context(request, note)
        note.refresh_from_db()
    waiting_answer = note.status == Status.AWAITING_ACCEPTANCE and (
        ("creditor" in mine and note.creditor_accepted_at is None) or ("guarantor" in mine and note.awaiting_guarantor)
    )
    pending = selectors.pending_endorsement(note)
    context = {
        "note": note,
        "roles": mine,
        "events": casefile.timeline(note),
        "endorsements": selectors.endorsements_of(note),
        "pending_endorsement": pending,
        "may_answer": waiting_answer,
        "may_cancel": "issuer" in mine and rules.can_cancel(note) is None,
        "may_pay": "debtor" in mine and rules.can_pay(note) is None,
        "may_certify": "holder" in mine and rules.can_certify_paid(note) is None,
        "may_endorse": "holder" in mine and rules.can_endorse(note) is None,
        "may_enforce": "holder" in mine and rules.can_enforce(note) is None,
        "may_answer_endorsement": "endorsee" in mine,
        "may_withdraw_endorsement": "holder" in mine and pending is not None,
        "verify_url": documents.verification_url(note.number, request) if note.is_registered else "",
        "code": documents.verification_code(note.number) if note.is_registered else "",
        "confirmation": confirmation_state if note.status == Status.AWAITING_CONFIRMATION else None,
        **extra,
    }
    return context


detail = screens.case_page(selectors.note_for, "einstruments/detail.html", _detail_context)


@screens.case_screen(selectors.note_for)
def confirmation(request, note):
    """Polled by the note page while the debtor confirms in Nafath (htmx, every 2 s)."""
    if "issuer" not in selectors.roles(note, request.user, _acting(request)):
        raise Http404
    context = _confirmation_context(request, note)
    target = reverse("einstruments:detail", args=[note.number])
    if context["confirmed"] or not request.htmx:
        return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)
    return render(request, "einstruments/_confirmation.html", {"confirmation": context, "note": note})


def _back(note):
    return redirect("einstruments:detail", note.number)


def _refused(request, note, refusal):
    messages.error(request, refusal.message)
    return _back(note)


@login_required
@require_POST
def resend(request, number):
    note = selectors.note_for(request, number)
    if "issuer" not in selectors.roles(note, request.user, _acting(request)):
        raise Http404
    try:
        services.start_confirmation(note, user=request.user, acting_entity=_acting(request))
    except services.NoteRefused as refusal:
        return _refused(request, note, refusal)
    return _back(note)


def _note_action(request, number, act):
    """Do `act(note)` on one of the person's notes: back to the note, or the refusal explained."""
    note = selectors.note_for(request, number)
    try:
        act(note)
    except services.NoteRefused as refusal:
        return _refused(request, note, refusal)
    return _back(note)


def _accept_or_decline(request, number, answer_with):
    """A party's answer to what awaits them on a note (the note itself, or an endorsement)."""
    choice = request.POST.get("answer")

    def answer(note):
        if choice not in ("accept", "decline"):
            raise services.NoteRefused(_("Choose to accept or to decline."))
        answer_with(note, user=request.user, acting_entity=_acting(request), accept=choice == "accept")

    return _note_action(request, number, answer)


@login_required
@require_POST
def answer(request, number):
    return _accept_or_decline(request, number, services.answer)


@login_required
@require_POST
def cancel(request, number):
    return _note_action(
        request, number, lambda note: services.cancel_note(note, user=request.user, acting_entity=_acting(request))
    )


@login_required
@require_POST
def pay(request, number):
    note = selectors.note_for(request, number)
    try:
        invoice = services.request_payment(note, user=request.user, acting_entity=_acting(request))
    except services.NoteRefused as refusal:
        return _refused(request, note, refusal)
    return redirect("payments:invoice_detail", invoice.bill_number)


@login_required
@require_POST
def certify_paid(request, number):
    return _note_action(
        request, number, lambda note: services.certify_paid(note, user=request.user, acting_entity=_acting(request))
    )


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request, number):
    note = selectors.note_for(request, number)
    if "holder" not in selectors.roles(note, request.user, _acting(request)):
        raise Http404
    form = EndorseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorse(
                note, user=request.user, acting_entity=_acting(request), new_holder=form.cleaned_data["new_holder_id"]
            )
        except services.NoteRefused as refusal:
            form.add_error("new_holder_id", refusal.message)
        else:
            return _back(note)
    return render(
        request, "einstruments/endorse.html", {"note": note, "form": form, "refusal": rules.can_endorse(note)}
    )


@login_required
@require_POST
def answer_endorsement(request, number):
    return _accept_or_decline(request, number, services.answer_endorsement)


@login_required
@require_POST
def withdraw_endorsement(request, number):
    return _note_action(
        request,
        number,
        lambda note: services.cancel_endorsement(note, user=request.user, acting_entity=_acting(request)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enforce(request, number):
    """One step: the fields come from the registry; the holder only confirms (and picks the account)."""
    note = selectors.note_for(request, number)
    if "holder" not in selectors.roles(note, request.user, _acting(request)):
        raise Http404
    refusal = rules.can_enforce(note)
    ibans = services.holder_ibans(note)
    form = EnforceForm(request.POST if request.method == "POST" else None, ibans=ibans)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            enforcement_request = services.file_enforcement(
                note, user=request.user, acting_entity=_acting(request), iban=form.cleaned_data["iban"]
            )
        except services.NoteRefused as error:
            form.add_error(None, error.message)
        else:
            return redirect("enforcement:detail", enforcement_request.number)
    context = {
        "note": note,
        "form": form,
        "refusal": refusal,
        "instrument": registries.instrument(note.number),
        "ibans": ibans,
    }
    return render(
        request, "einstruments/enforce.html", context, status=200 if request.method == "GET" or refusal is None else 400
    )


@login_required
@require_GET
def note_pdf(request, number):
    note = selectors.note_for(request, number)
    if not note.is_registered:
        raise Http404
    return pdf.pdf_response(documents.note_pdf(note, request=request), f"{note.number}.pdf")


@require_GET
def verify(request, number):
    """Public: is this electronic instrument registered and valid? Nothing about its parties or amount."""
    text = selectors.clean_number(number)
    note = (
        PromissoryNote.objects.filter(number=text, instrument__isnull=False).select_related("instrument").first()
        if text
        else None
    )
    instrument = note.instrument if note else None
    code = request.GET.get("code", "")[:40]
    context = {
        "number": text or str(number or "")[:20].translate({0: None}),
        "instrument": instrument,
        "valid": instrument is not None and instrument.is_valid,
        "code_given": bool(code),
        "code_ok": instrument is not None and bool(code) and documents.code_matches(instrument.number, code),
    }
    return render(request, "einstruments/verify.html", context, status=200 if instrument else 404)
