"""/metrics for the operators' scraper, and the staff operations page with the same figures."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from payments import selectors as payment_selectors, services as payment_services

from . import metrics as portal_metrics, selectors
from .access import may_read_metrics

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def metrics(request):
    if not may_read_metrics(request):
        raise Http404
    try:
        body, content_type = portal_metrics.exposition(request.META.get("HTTP_ACCEPT", ""))
    except DatabaseError:
        logger.exception("metrics: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, content_type=content_type)


def _seconds(value) -> str:
    if value is None:
        return "—"
    if value < 1:
        return _("%(ms)s ms") % {"ms": f"{value * 1000:.0f}"}
    if value < 120:
        return _("%(s)s s") % {"s": f"{value:.1f}"}
    return _("%(min)s min") % {"min": f"{value / 60:.0f}"}


STEP_NAMES = {
    "filing_to_order": gettext_lazy("Enforcement: filing → execution order"),
    "payment_to_disbursement": gettext_lazy("Payment → payout to the beneficiary"),
    "payment_to_deed": gettext_lazy("Conveyance: payment → new deed"),
}
SERVICE_NAMES = {"enforcement": gettext_lazy("Enforcement requests"), "conveyance": gettext_lazy("Conveyances")}


def _p95(figures) -> str:
    bound = figures.bound_of(0.95)
    if bound is not None:
        return _("at most %(time)s") % {"time": _seconds(bound)}
    if figures.count:
        return _("over %(time)s") % {"time": _seconds(figures.buckets[-1][0])}
    return "—"


def _step_rows(snap) -> list[dict]:
    rows = []
    for step, figures in snap.latencies.items():
        rows.append({
            "step": step, "name": STEP_NAMES[step], "count": figures.count, "mean": _seconds(figures.mean_seconds),
            "p95": _p95(figures), "max": _seconds(figures.max_seconds),
        })
    return rows


RETRIES_DISBURSEMENTS = "payments.change_disbursement"  # a staff member's group grants it (admin)


def _staff_only(request):
    """None for a staff member; else what to answer: the staff sign-in for a stranger, a 404 for
    anyone else signed in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:staff_login"))
    if not request.user.is_staff:
        raise Http404
    return None


def _context(request, *, refused=None) -> dict:
    """The page's context; `refused`: (disbursement pk, messages, the IBAN typed) of a retry refused."""
    snap = selectors.snapshot()
    context = {
        "snap": snap,
        "steps": _step_rows(snap),
        "window_minutes": int(snap.window.total_seconds() // 60),
        "stranded_seconds": int(snap.stranded_after.total_seconds()),
        "stranded": [
            {"service": service, "name": SERVICE_NAMES[service], "count": n} for service, n in snap.stranded.items()
        ],
        "quarantined": [
            {"service": service, "name": SERVICE_NAMES[service], "count": n} for service, n in snap.quarantined.items()
        ],
        "queues": sorted(snap.queues.depths.items()) if snap.queues else [],
    }
    if not request.htmx:  # the failed disbursements sit outside the refreshed figures, with their forms
        refused_pk, errors, typed = refused or (None, [], "")
        context["failed"] = [
            {"disbursement": d, "errors": errors, "typed": typed} if d.pk == refused_pk
            else {"disbursement": d, "errors": [], "typed": ""}
            for d in payment_selectors.failed_disbursements()
        ]
        context["may_retry"] = request.user.has_perm(RETRIES_DISBURSEMENTS)
    return context


@never_cache
@require_GET
def page(request):
    """Staff only: others signed in get a 404, and anyone not signed in the staff sign-in."""
    if (refused := _staff_only(request)) is not None:
        return refused
    template = "operations/_figures.html" if request.htmx else "operations/page.html"
    return render(request, template, _context(request))


@never_cache
@require_POST
def retry_disbursement(request, pk: int):
    """Send a failed disbursement again, to the IBAN given (the beneficiary's corrected one) or the
    same. Staff whose group may change disbursements only."""
    if (refused := _staff_only(request)) is not None:
        return refused
    if not request.user.has_perm(RETRIES_DISBURSEMENTS):
        raise PermissionDenied
    disbursement = payment_selectors.failed_disbursement(pk)
    iban = request.POST.get("iban", "").strip() or None
    try:
        payment_services.retry_disbursement(disbursement, iban=iban)
    except ValidationError as error:
        context = _context(request, refused=(disbursement.pk, error.messages, iban))
        return render(request, "operations/page.html", context, status=400)
    logger.info("disbursement %s (%s) sent again by staff user %s%s", disbursement.pk, disbursement.ref,
                request.user.pk, " to a corrected IBAN" if iban else "")
    messages.success(request, _("Disbursement %(ref)s is back in the queue: the bank is asked again now.")
                     % {"ref": disbursement.ref})
    return redirect("operations:page")
