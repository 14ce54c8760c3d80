"""Screens of the business linkage for an entity representative acting as the entity: API
tokens, webhooks and their delivery log, and the entity's aggregate report (page, CSV, PDF)."""

import csv
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.states import PublicStatus, Status
from najiz.common import clock
from najiz.common.pdf import pdf_response, render_pdf

from . import documents, selectors, services
from .forms import ReportFilterForm, TokenForm, WebhookForm

PDF_ROWS = 500
PAGE_ROWS = 100


def entity_required(view):
    """Only a representative acting as the entity; others see why, with status 403."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.acting_entity is None:
            return render(request, "linkage/entity_required.html", status=403)
        return view(request, *args, **kwargs)
    return login_required(wrapped)


# --- tokens ---------------------------------------------------------------------------------


@entity_required
@require_http_methods(["GET", "POST"])
@never_cache
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST":
        if form.is_valid():
            _token, secret = services.create_token(
                entity=request.acting_entity, user=request.user, name=form.cleaned_data["name"]
            )
            form = TokenForm()
        else:
            return render(
                request,
                "linkage/tokens.html",
                {"form": form, "tokens": selectors.tokens_of(request.acting_entity)},
                status=400,
            )
    context = {"form": form, "secret": secret, "tokens": selectors.tokens_of(request.acting_entity)}
    return render(request, "linkage/tokens.html", context)


@entity_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(selectors.tokens_of(request.acting_entity), pk=pk)
    services.revoke_token(token, user=request.user)
    messages.success(request, _("The token was revoked. Calls made with it are refused from now on."))
    return redirect("linkage:tokens")


# --- webhooks -------------------------------------------------------------------------------


@entity_required
@require_http_methods(["GET", "POST"])
@never_cache
def webhooks(request):
    form = WebhookForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = services.register_webhook(
                entity=request.acting_entity, user=request.user, url=form.cleaned_data["url"]
            )
            form = WebhookForm()
        else:
            status = 400
    context = {
        "form": form, "created": created, "endpoints": selectors.webhooks_of(request.acting_entity),
        "deliveries": selectors.deliveries_of(request.acting_entity),
    }
    return render(request, "linkage/webhooks.html", context, status=status)


@entity_required
@require_POST
def disable_webhook(request, pk):
    endpoint = get_object_or_404(selectors.webhooks_of(request.acting_entity), pk=pk)
    services.disable_webhook(endpoint, user=request.user)
    messages.success(request, _("The webhook was disabled."))
    return redirect("linkage:webhooks")


# --- aggregate report -----------------------------------------------------------------------


def _report(request):
    form = ReportFilterForm(request.GET or None)
    queryset = selectors.requests_of(request.user, request.acting_entity, **form.filters())
    return form, queryset


def month_chart(months: list[dict]) -> dict:
    """Bars of the requests per month, drawn as SVG attributes (no script, no inline style)."""
    top = max((row["count"] for row in months), default=0) or 1
    bar_width, gap, height = 28, 12, 160
    bars = []
    for index, row in enumerate(months):
        bar_height = max(round(row["count"] / top * (height - 30)), 2 if row["count"] else 0)
        bars.append(
            {
                "x": index * (bar_width + gap) + gap,
                "y": height - 20 - bar_height,
                "height": bar_height,
                "width": bar_width,
                "label": timezone.localtime(row["month"]).strftime("%Y-%m") if row["month"] else "",
                "count": row["count"],
                "label_x": index * (bar_width + gap) + gap + bar_width // 2,
                "label_y": height - 6,
            }
        )
    return {"bars": bars, "width": max(len(bars) * (bar_width + gap) + gap, 200), "height": height}


@entity_required
@require_GET
@never_cache
def report(request):
    form, queryset = _report(request)
    months = selectors.by_month(queryset)
    rows = list(queryset.order_by("-submitted_at", "-id")[:PAGE_ROWS])
    context = {
        "form": form, "totals": selectors.totals(queryset), "months": months, "chart": month_chart(months),
        "rows": [{"request": row, "public_status": PublicStatus(row.public_status).label} for row in rows],
        "shown": len(rows), "query": request.GET.urlencode(),
    }
    return render(request, "linkage/report.html", context)


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "number", "status", "public_status", "submitted_at", "instrument_number", "debtors", "amount_claimed", "collected",
    "disbursed", "paid_outside", "outstanding", "circuit",
]


def csv_lines(queryset):
    """The CSV, line by line, from a server-side cursor: flat memory for any number of rows."""
    from enforcement.states import public_status

    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for (
        number,
        status,
        submitted_at,
        instrument,
        claimed,
        collected,
        disbursed,
        paid_outside,
        circuit,
    ), debtors in selectors.export_rows(queryset):
        outstanding = max(claimed - collected - paid_outside, 0) if status in _OWED else 0
        yield writer.writerow(
            [
                number,
                status,
                str(public_status(status, collected=collected + paid_outside)),
                timezone.localtime(submitted_at).isoformat() if submitted_at else "",
                instrument,
                " ".join(debtors),
                f"{claimed:.2f}",
                f"{collected:.2f}",
                f"{disbursed:.2f}",
                f"{paid_outside:.2f}",
                f"{outstanding:.2f}",
                circuit or "",
            ]
        )


_OWED = (
    Status.SUBMITTED,
    Status.AUDITED,
    Status.ACCEPTED,
    Status.REFERRED,
    Status.ORDER_ISSUED,
    Status.MEASURES_APPLIED,
    Status.SUSPENDED,
)


@entity_required
@require_GET
def report_csv(request):
    _form, queryset = _report(request)
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = clock.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="requests-{request.acting_entity.cr_number}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@entity_required
@require_GET
def report_pdf(request):
    form, queryset = _report(request)
    rows = list(queryset.order_by("-submitted_at", "-id")[:PDF_ROWS])
    context = {
        "entity": request.acting_entity, "form": form, "totals": selectors.totals(queryset),
        "months": selectors.by_month(queryset), "rows": rows, "limit": PDF_ROWS, "generated_at": clock.now(),
    }
    stamp = documents.stamp(request.acting_entity, context["generated_at"])
    pdf = render_pdf("linkage/pdf/report.html", context, request=request, document=stamp)
    return pdf_response(pdf, f"requests-{request.acting_entity.cr_number}.pdf")
