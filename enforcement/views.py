"""Enforcement screens: file a request (live validation), my requests, requests against me,
and a request's file with its timeline that follows the automation while it runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from najiz.casefile.rules import failed, message_for
from najiz.casefile.selectors import decisions_of, timeline as case_timeline
from najiz.registries import services as registries

from . import selectors, services
from .forms import LIVE_FIELDS, FilingForm
from .models import ExecutionOrder
from .states import AUTOMATIC, PublicStatus, Status

PAGE_SIZE = 20

TONES = {
    PublicStatus.NEW: "info",
    PublicStatus.UNDER_ENFORCEMENT: "warning",
    PublicStatus.PARTIALLY_EXECUTED: "warning",
    PublicStatus.EXECUTED: "success",
    PublicStatus.REJECTED: "danger",
    PublicStatus.WITHDRAWN: "neutral",
    PublicStatus.SUSPENDED: "neutral",
    PublicStatus.DRAFT: "neutral",
}


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
            saved = services.save_draft(user=request.user, acting_entity=request.acting_entity, request=draft, **form.draft_values())
            messages.success(request, _("Your draft was saved."))
            return redirect("enforcement:draft", pk=saved.pk)
        if valid:
            data = form.cleaned_data
            saved = services.save_draft(
                user=request.user, acting_entity=request.acting_entity, request=draft,
                instrument_number=data["instrument_number"], debtor_ids=data["debtor_ids"], amount=data["amount"], iban=data["iban"],
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
    """Live validation of one field: its feedback (error or what was found) as a fragment."""
    if field not in LIVE_FIELDS:
        raise Http404
    form = _form(request, request.POST)
    form.is_valid()
    context = {"form": form, "field": form[field], "name": field, "typed": bool(str(request.POST.get(field, "")).strip())}
    return render(request, "enforcement/_feedback.html", context)


# --- lists ----------------------------------------------------------------------------------


def _status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in PublicStatus.values else ""


def _list(request, queryset, template, status, *, drafts_hidden=False):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"request": item, "badge": badge(item), "debtors": list(item.debtors.all())} for item in page.object_list]
    statuses = [(value, label) for value, label in PublicStatus.choices if not (value == PublicStatus.DRAFT and drafts_hidden)]
    return render(request, template, {"page_obj": page, "rows": rows, "status": status, "statuses": statuses})


@login_required
@require_GET
def request_list(request):
    status = _status_filter(request)
    return _list(request, selectors.filed_by(request.user, request.acting_entity, status=status), "enforcement/list.html", status)


@login_required
@require_GET
def against_me(request):
    status = _status_filter(request)
    return _list(request, selectors.against(request.user, request.acting_entity, status=status), "enforcement/against_me.html", status, drafts_hidden=True)


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


@login_required
@require_GET
@never_cache
def detail(request, number):
    enforcement_request = selectors.request_for(request, number)
    user, acting = request.user, request.acting_entity
    is_debtor = selectors.is_debtor(user, acting, enforcement_request)
    is_filer = selectors.is_filer(user, acting, enforcement_request)
    try:
        order = enforcement_request.order
    except ExecutionOrder.DoesNotExist:
        order = None
    context = {
        **_timeline_context(enforcement_request),
        "is_debtor": is_debtor and not is_filer,
        "is_filer": is_filer,
        "order": order,
        "reasons": _rejection_reasons(enforcement_request),
        "debtors": enforcement_request.debtors.select_related("person", "entity").order_by("id"),
        "measures": enforcement_request.measures.select_related("debtor__person", "debtor__entity"),
        "invoice": _open_invoice(enforcement_request) if is_debtor and order is not None else None,
    }
    return render(request, "enforcement/detail.html", context)


@login_required
@require_GET
@never_cache
def timeline(request, number):
    """The timeline fragment; it keeps polling while the automation runs. When a poll finds the
    automation done, the page reloads once so its amounts and sections are current too."""
    enforcement_request = selectors.request_for(request, number)
    context = _timeline_context(enforcement_request)
    response = render(request, "enforcement/_timeline.html", context)
    if request.htmx and not context["running"]:
        response["HX-Refresh"] = "true"
    return response
