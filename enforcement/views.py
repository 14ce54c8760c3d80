"""Enforcement screens: file a request (live validation), my requests, requests against me,
a request's file with its timeline that follows the automation while it runs, the creditor's
actions on it, the معلومات تنفيذ dashboard, and the printable documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from najiz.casefile.rules import failed, message_for
from najiz.casefile.selectors import decisions_of, timeline as case_timeline
from najiz.common import screens
from najiz.common.pdf import pdf_response, render_pdf
from najiz.registries import services as registries

from . import motion_views, reports, selectors, services
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


def _file(request, draft=None):
    """GET shows the form; POST saves a draft ("draft") or validates everything and submits."""
    if request.method == "POST":
        form = _form(request, request.POST)
        valid = form.is_valid()
        if request.POST.get("action") == "draft":
            if form.creditor is None:
                return render(request, "enforcement/new.html", {"form": form, "draft": draft}, status=400)
            saved = services.save_draft(
                user=request.user, acting_entity=request.acting_entity, request=draft, **form.draft_values()
            )
            messages.success(request, _("Your draft was saved."))
            return redirect("enforcement:draft", pk=saved.pk)
        if valid:
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
        return render(request, "enforcement/new.html", {"form": form, "draft": draft}, status=400)
    initial = FilingForm.initial_from(draft) if draft is not None else None
    return render(request, "enforcement/new.html", {"form": _form(request, initial=initial), "draft": draft})


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


# --- lists ----------------------------------------------------------------------------------


def _status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in PublicStatus.values else ""


def _list(request, queryset, template, status, *, drafts_hidden=False):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
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


def _timeline_context(enforcement_request) -> dict:
    return {
        "req": enforcement_request,
        "events": case_timeline(enforcement_request),
        "running": enforcement_request.status in AUTOMATIC,
        "badge": badge(enforcement_request),
    }


def _open_invoice(enforcement_request):
    try:
        from payments.selectors import open_invoice_for
    except ImportError:  # payments not installed
        return None
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
        **motion_views.context(request, enforcement_request, is_debtor=is_debtor and not is_filer, is_filer=is_filer,
                               forms=motion_forms),
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
    pdf = render_pdf("payments/pdf/invoice.html", {"invoice": invoice}, request=request)
    return pdf_response(pdf, f"invoice-{invoice.bill_number}.pdf")


@login_required
@require_GET
def receipt_pdf(request, number, pk):
    from payments.selectors import payments_for

    enforcement_request = selectors.request_for(request, number)
    payment = get_object_or_404(payments_for(enforcement_request), pk=pk)
    pdf = render_pdf("payments/pdf/receipt.html", {"payment": payment, "invoice": payment.invoice}, request=request)
    return pdf_response(pdf, f"{payment.receipt_number}.pdf")
