"""Enforcement screens: file a request (live validation), my requests, requests against me,
a request's file with its timeline that follows the automation while it runs, the creditor's
actions on it, the معلومات تنفيذ dashboard, and the printable documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy as _lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from najiz.casefile.rules import failed, message_for
from najiz.casefile.selectors import decisions_of, timeline as case_timeline
from najiz.common import screens, verify
from najiz.common.identifiers import normalize_iban
from najiz.common.pagination import page_of
from najiz.common.pdf import pdf_response
from najiz.registries import services as registries
from payments import documents as payment_documents

from . import disclosure_views, documents, motion_views, precheck, reports, selectors, services
from .forms import LIVE_FIELDS, CertifyPaidForm, FilingForm, ReduceClaimForm, WithdrawForm
from .states import AUTOMATIC, ENFORCING, PublicStatus, Status, TransitionError

PAGE_SIZE = 20

TONES = reports.TONES


def badge(enforcement_request) -> dict:
    code = enforcement_request.public_status
    return {"label": PublicStatus(code).label, "tone": TONES.get(code, "neutral")}


# --- filing ---------------------------------------------------------------------------------


def _form(request, data=None, initial=None):
    person = registries.person(request.user.national_id)
    return FilingForm(data, initial=initial, user=request.user, person=person, acting_entity=request.acting_entity)


def _precheck(request, values) -> dict:
    """The audit's own rules on what is typed so far (enforcement.precheck): the blockers of the
    fields typed, by field, for the page and for the submit button."""
    values = {name: values.get(name) for name in precheck.FIELDS}
    typed = [name for name in precheck.FIELDS if str(values[name] or "").strip()]
    person = registries.person(request.user.national_id)
    checks = precheck.run(values, person=person, acting_entity=request.acting_entity)
    blockers = precheck.blockers(checks, typed)
    return {"blockers": blockers, "count": len(blockers), "by_field": precheck.by_field(blockers)}


def _pickers(form) -> dict:
    return {
        "instrument_choices": selectors.claimable_instruments(form.creditor),
        "accounts": selectors.own_accounts(form.creditor),
    }


def _page(request, form, draft, *, status=200, confirm=False):
    context = {"form": form, "draft": draft, "confirm": confirm, **_pickers(form)}
    if form.is_bound or draft is not None:
        context["precheck"] = _precheck(request, form.data if form.is_bound else form.initial)
    return render(request, "enforcement/new.html", context, status=status)


def _file(request, draft=None):
    """GET shows the form; POST saves a draft ("draft") or validates everything and submits. A
    submission the pre-check finds blockers in is filed only once the filer confirms it, knowing
    the audit will most likely reject it (a judge can review a rejection)."""
    if request.method == "POST":
        form = _form(request, request.POST)
        valid = form.is_valid()
        if request.POST.get("action") == "draft":
            if form.creditor is None:
                return _page(request, form, draft, status=400)
            saved = services.save_draft(
                user=request.user, acting_entity=request.acting_entity, request=draft, **form.draft_values()
            )
            messages.success(request, _("Your draft was saved."))
            return redirect("enforcement:draft", pk=saved.pk)
        if valid:
            if _precheck(request, form.data)["count"] and request.POST.get("confirm_blockers") != "1":
                return _page(request, form, draft, confirm=True)
            data = form.cleaned_data
            saved = services.save_draft(
                user=request.user,
                acting_entity=request.acting_entity,
                request=draft,
                instrument_number=data["instrument_number"],
                debtor_ids=data["debtor_ids"],
                amount=data["amount"],
                iban=data["iban"],
            )
            submitted = services.submit(saved, user=request.user)
            messages.success(request, _("Your request %(number)s was submitted.") % {"number": submitted.number})
            return redirect("enforcement:detail", number=submitted.number)
        return _page(request, form, draft, status=400)
    initial = FilingForm.initial_from(draft) if draft is not None else None
    return _page(request, _form(request, initial=initial), draft)  # a draft reopened shows its blockers


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    return _file(request)


@login_required
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    return _file(request, selectors.draft_for(request, pk))


@login_required
@require_POST
def validate(request, field):
    template = "enforcement/_feedback.html"
    return screens.field_feedback(request, field, live_fields=LIVE_FIELDS, form_for=_form, template=template)


@login_required
@require_POST
def check(request):
    """The pre-check of the whole form as typed: the blocker count for the submit button, and each
    field's blockers swapped in beside it (htmx out-of-band)."""
    refused = screens.too_long(request, screens.limits_of(FilingForm))
    if refused is not None:
        return refused
    return render(request, "enforcement/_precheck.html", {"precheck": _precheck(request, request.POST)})


# What a picker takes: a search, an instrument number, an IBAN.
_FIELDS = FilingForm.base_fields
PICKER_LIMITS = {
    "q": (_lazy("Search by number, debtor name or ID"), 100),
    "instrument": (_FIELDS["instrument_number"].label, _FIELDS["instrument_number"].max_length),
    "account": (_FIELDS["iban"].label, _FIELDS["iban"].max_length),
}


@login_required
@require_GET
def instrument_choices(request):
    """The instrument picker's rows matching the search (only the creditor's own instruments)."""
    refused = screens.too_long(request, PICKER_LIMITS)
    if refused is not None:
        return refused
    form = _form(request)
    rows = selectors.claimable_instruments(form.creditor, search=request.GET.get("q", ""))
    return render(request, "enforcement/_instrument_choices.html", {"rows": rows})


def _debtor_key(party) -> str:
    return getattr(party, "cr_number", None) or party.national_id


@login_required
@require_POST
def pick(request):
    """A choice from a picker fills in the form as typed so far: an instrument its number, its
    debtors and what remains claimable; an account its IBAN. A number that is not the creditor's
    changes nothing and reads as not found."""
    refused = screens.too_long(request, screens.limits_of(FilingForm, **PICKER_LIMITS))
    if refused is not None:
        return refused
    creditor = _form(request).creditor
    values = {name: request.POST.get(name, "") for name in LIVE_FIELDS}
    picked, error = "", ""
    if "instrument" in request.POST:
        picked, row = "instrument", selectors.claimable_instrument(creditor, request.POST["instrument"])
        if row is None:
            error = _("No execution instrument with this number was found for you.")
        else:
            values.update(instrument_number=row["instrument"].number, amount=str(row["remaining"]),
                          debtor_ids=" ".join(_debtor_key(debtor) for debtor in row["debtors"]))
    elif "account" in request.POST:
        picked, iban = "account", normalize_iban(request.POST["account"])
        if iban in {account["iban"] for account in selectors.own_accounts(creditor)}:
            values["iban"] = iban
        else:
            error = _("None of your accounts has this IBAN.")
    form = _form(request, initial=values)
    context = {"form": form, "precheck": _precheck(request, values), "picked": picked, "pick_error": error, "oob": True,
               **_pickers(form)}
    return render(request, "enforcement/_steps.html", context)


# --- lists ----------------------------------------------------------------------------------


def _status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in PublicStatus.values else ""


def _list(request, queryset, template, status, *, drafts_hidden=False):
    page = page_of(queryset, request.GET.get("page"), PAGE_SIZE)
    rows = [{"request": item, "badge": badge(item), "debtors": list(item.debtors.all())} for item in page.object_list]
    statuses = [
        (value, label) for value, label in PublicStatus.choices if not (value == PublicStatus.DRAFT and drafts_hidden)
    ]
    return render(request, template, {"page_obj": page, "rows": rows, "status": status, "statuses": statuses})


@login_required
@require_GET
def request_list(request):
    status = _status_filter(request)
    return _list(
        request, selectors.filed_by(request.user, request.acting_entity, status=status), "enforcement/list.html", status
    )


@login_required
@require_GET
def against_me(request):
    status = _status_filter(request)
    return _list(
        request,
        selectors.against(request.user, request.acting_entity, status=status),
        "enforcement/against_me.html",
        status,
        drafts_hidden=True,
    )


# --- request file ---------------------------------------------------------------------------


def _rejection_reasons(enforcement_request) -> list[str]:
    if enforcement_request.status != Status.REJECTED:
        return []
    audit = decisions_of(enforcement_request).filter(step="audit").last()
    return [message_for(rule) for rule in failed(audit.rules)] if audit else []


DELAYED = {"label": pgettext_lazy("enforcement public status", "Under review: delayed"), "tone": "warning"}


def _timeline_context(enforcement_request) -> dict:
    """A request set aside after its automatic step failed shows as delayed (never the error),
    and the page stops following the automation."""
    delayed = selectors.set_aside(enforcement_request) is not None
    return {
        "req": enforcement_request,
        "events": case_timeline(enforcement_request),
        "running": enforcement_request.status in AUTOMATIC and not delayed,
        "delayed": delayed,
        "badge": DELAYED if delayed else badge(enforcement_request),
    }


def _open_invoice(enforcement_request):
    """The invoice the debtor pays now: the request's, or in settlement the next instalment's."""
    try:
        from payments.selectors import open_invoice_for
    except ImportError:  # payments not installed
        return None
    if enforcement_request.status == Status.SETTLEMENT:
        from .settlement import next_invoice

        return next_invoice(enforcement_request)
    return open_invoice_for(enforcement_request)


def _documents(enforcement_request) -> dict:
    from payments.selectors import invoices_for, payments_for

    return {
        "invoices": list(invoices_for(enforcement_request).order_by("created_at", "id")),
        "receipts": list(payments_for(enforcement_request).order_by("received_at", "id")),
    }


def _creditor_actions(enforcement_request) -> dict:
    """Which of the creditor's actions the request's state allows now."""
    return {
        "withdraw": enforcement_request.is_open,
        "certify": enforcement_request.status in CERTIFIABLE,
        "reduce": enforcement_request.is_open,
    }


def _detail_context(request, enforcement_request, *, forms=None, action_error="", motion_forms=None) -> dict:
    user, acting = request.user, request.acting_entity
    is_debtor = selectors.is_debtor(user, acting, enforcement_request)
    is_filer = selectors.is_filer(user, acting, enforcement_request)
    order = reports.order_of(enforcement_request)
    motion_context = motion_views.context(request, enforcement_request, is_debtor=is_debtor and not is_filer,
                                          is_filer=is_filer, forms=motion_forms)
    context = {
        **_timeline_context(enforcement_request),
        "is_debtor": is_debtor and not is_filer,
        "is_filer": is_filer,
        "order": order,
        "reasons": _rejection_reasons(enforcement_request),
        "debtors": enforcement_request.debtors.select_related("person", "entity").order_by("id"),
        "measures": enforcement_request.measures.select_related("debtor__person", "debtor__entity"),
        "invoice": _open_invoice(enforcement_request) if is_debtor and order is not None else None,
        "action_error": action_error,
        **_documents(enforcement_request),
        **motion_context,
        **disclosure_views.context(request, enforcement_request, is_debtor=is_debtor and not is_filer,
                                   forms=motion_forms, motions=motion_context["motions"]),
    }
    if is_filer:
        allowed = _creditor_actions(enforcement_request)
        forms = forms or {}
        context["actions"] = {
            name: forms.get(name) or form_class(prefix=name, enforcement_request=enforcement_request)
            for name, (form_class, _command) in ACTIONS.items() if allowed[name]
        }
    return context


detail = screens.case_page(selectors.request_for, "enforcement/detail.html", _detail_context)


@screens.case_screen(selectors.request_for)
def timeline(request, enforcement_request):
    """The timeline fragment; it keeps polling while the automation runs (screens.poll)."""
    context = _timeline_context(enforcement_request)
    return screens.poll(request, "enforcement/_timeline.html", context, running=context["running"])


# --- the creditor's actions -----------------------------------------------------------------

CERTIFIABLE = ENFORCING

ACTIONS = {
    "withdraw": (WithdrawForm, lambda req, user, data: services.withdraw(req, user=user)),
    "certify": (
        CertifyPaidForm,
        lambda req, user, data: services.certify_paid_outside(req, user=user, amount=data["amount"]),
    ),
    "reduce": (ReduceClaimForm, lambda req, user, data: services.reduce_claim(req, user=user, amount=data["amount"])),
}

DONE = {
    "withdraw": _lazy("The request was withdrawn and closed."),
    "certify": _lazy("Your certification of the payment was recorded."),
    "reduce": _lazy("The amount claimed was reduced."),
}

NOT_NOW = {
    "withdraw": _lazy("The request cannot be withdrawn in its current state (%(status)s)."),
    "certify": _lazy(
        "A payment can be certified only after the execution order is issued and while "
        "the request is open (now: %(status)s)."
    ),
    "reduce": _lazy("The amount claimed cannot be changed in the request's current state (%(status)s)."),
}


@login_required
@require_POST
def act(request, number, action):
    """Withdraw, certify a payment made directly to the creditor, or reduce the claim. Only the
    filer (or a representative acting as the creditor entity) may; anyone else gets 404."""
    if action not in ACTIONS:
        raise Http404
    enforcement_request = selectors.request_for(request, number)
    if not selectors.is_filer(request.user, request.acting_entity, enforcement_request):
        raise Http404
    form_class, command = ACTIONS[action]

    def refused():
        status = PublicStatus(enforcement_request.public_status).label
        error = NOT_NOW[action] % {"status": status}
        return render(
            request,
            "enforcement/detail.html",
            _detail_context(request, enforcement_request, action_error=error),
            status=409,
        )

    if not _creditor_actions(enforcement_request)[action]:
        return refused()
    form = form_class(request.POST, prefix=action, enforcement_request=enforcement_request)
    if not form.is_valid():
        context = _detail_context(request, enforcement_request, forms={action: form})
        return render(request, "enforcement/detail.html", context, status=400)
    try:
        command(enforcement_request, request.user, form.cleaned_data)
    except TransitionError:
        enforcement_request = selectors.request_for(request, number)  # as it is now
        return refused()
    messages.success(request, DONE[action])
    return redirect("enforcement:detail", number=enforcement_request.number)


# --- dashboard and documents ----------------------------------------------------------------


@login_required
@require_GET
@never_cache
def dashboard(request):
    """معلومات تنفيذ: my requests as creditor and as debtor at a glance."""
    context = reports.dashboard_context(request.user, request.acting_entity)
    context["statuses"] = PublicStatus
    return render(request, "enforcement/dashboard.html", context)


@login_required
@require_GET
def dashboard_report(request):
    return reports.dashboard_report_pdf(request)


@login_required
@require_GET
def order_pdf(request, number):
    enforcement_request = selectors.request_for(request, number)
    order = reports.order_of(enforcement_request)
    if order is None:
        raise Http404
    return reports.order_pdf(request, enforcement_request, order)


@login_required
@require_GET
def report_pdf(request, number):
    enforcement_request = selectors.request_for(request, number)
    is_filer = selectors.is_filer(request.user, request.acting_entity, enforcement_request)
    return reports.request_report_pdf(request, enforcement_request, show_iban=is_filer)


@login_required
@require_GET
def invoice_pdf(request, number, bill_number):
    from payments.selectors import invoices_for

    enforcement_request = selectors.request_for(request, number)
    invoice = get_object_or_404(invoices_for(enforcement_request), bill_number=bill_number)
    return pdf_response(payment_documents.invoice_pdf(invoice, request=request), f"invoice-{invoice.bill_number}.pdf")


@login_required
@require_GET
def receipt_pdf(request, number, pk):
    from payments.selectors import payments_for

    enforcement_request = selectors.request_for(request, number)
    payment = get_object_or_404(payments_for(enforcement_request), pk=pk)
    return pdf_response(payment_documents.receipt_pdf(payment, request=request), f"{payment.receipt_number}.pdf")


@require_GET
def verify_order(request, number):
    """Public: what an execution order's QR code opens. Nothing about the parties or the amount."""
    return verify.record_page(request, documents.ORDER, number)


@require_GET
def verify_request(request, number):
    """Public: what a request report's QR code opens."""
    return verify.record_page(request, documents.REPORT, number)
