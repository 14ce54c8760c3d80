"""What the enforcement screens and printable reports show: the معلومات تنفيذ dashboard's figures
and charts, and the documents of a request (the Art. 34 execution order, the request report,
the dashboard report). Everything is read through the selectors, so it only ever covers what the
signed-in person may see; the views decide who may ask.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from najiz.casefile.selectors import timeline as case_timeline
from najiz.common import clock, money
from najiz.common.documents import code
from najiz.common.pdf import pdf_response, render_pdf

from . import charts, documents, selectors
from .models import ExecutionOrder
from .states import PublicStatus

TONES = {
    PublicStatus.NEW: "info",
    PublicStatus.UNDER_ENFORCEMENT: "warning",
    PublicStatus.PARTIALLY_EXECUTED: "warning",
    PublicStatus.EXECUTED: "success",
    PublicStatus.REJECTED: "danger",
    PublicStatus.WITHDRAWN: "neutral",
    PublicStatus.SUSPENDED: "neutral",
    PublicStatus.GRACE: "info",
    PublicStatus.SETTLEMENT: "info",
    PublicStatus.DRAFT: "neutral",
}


def _rtl() -> bool:
    return bool(translation.get_language_bidi())


def status_chart(stats: dict, *, title: str):
    items = [(code.label, count, str(count), TONES.get(code, "primary")) for code, count in stats["by_status"]]
    separator = "، " if _rtl() else ", "
    description = _("Number of requests by status: %(figures)s.") % {
        "figures": separator.join(f"{item[0]} {item[2]}" for item in items),
    }
    return charts.bar_chart(items, title=title, description=description, rtl=_rtl(), prefix="status-chart")


def amounts_chart(stats: dict, *, title: str, keys=("claimed", "collected", "disbursed", "outstanding")):
    labels = {
        "claimed": (_("Amount claimed"), "primary"),
        "collected": (_("Collected"), "success"),
        "disbursed": (_("Disbursed"), "info"),
        "outstanding": (_("Outstanding"), "warning"),
        "paid_outside": (_("Paid outside the system"), "neutral"),
    }
    items = [(labels[key][0], stats[key], money.format_sar(stats[key]), labels[key][1]) for key in keys]
    separator = "، " if _rtl() else ", "
    description = _("Amounts in Saudi riyals: %(figures)s.") % {
        "figures": separator.join(f"{item[0]} {item[2]}" for item in items),
    }
    return charts.bar_chart(items, title=title, description=description, rtl=_rtl(), prefix="amounts-chart")


def dashboard_context(user, acting_entity) -> dict:
    """The figures of معلومات تنفيذ for a person (or the entity they act as), as creditor and as
    debtor. A fixed number of queries, however many requests there are."""
    as_creditor = selectors.creditor_stats(user, acting_entity)
    as_debtor = selectors.debtor_stats(user, acting_entity)
    to_pay = selectors.to_pay(user, acting_entity)
    measures = selectors.measures_in_force(user, acting_entity)
    invoices = _open_invoices(user, acting_entity, [item.pk for item in to_pay])
    for item in to_pay:
        item.open_invoice = invoices.get(item.pk)
    return {
        "creditor": as_creditor,
        "debtor": as_debtor,
        "creditor_status_chart": status_chart(as_creditor, title=_("My requests by status")),
        "creditor_amounts_chart": amounts_chart(as_creditor, title=_("Amounts of my requests")),
        "debtor_status_chart": status_chart(as_debtor, title=_("Requests against me by status")),
        "to_pay": to_pay,
        "measures": measures,
        "measure_requests": _group_measures(measures),
    }


def _group_measures(measures) -> list[dict]:
    groups: dict[int, dict] = {}
    for measure in measures:
        group = groups.setdefault(measure.request_id, {"request": measure.request, "measures": []})
        group["measures"].append(measure)
    return list(groups.values())


def _open_invoices(user, acting_entity, request_ids) -> dict:
    """The open invoice of each of these requests that the person pays, in one query."""
    if not request_ids:
        return {}
    from django.contrib.contenttypes.models import ContentType

    from payments.models import OPEN_STATUSES
    from payments.selectors import invoices_visible_to

    from .models import EnforcementRequest

    kind = ContentType.objects.get_for_model(EnforcementRequest)
    invoices = (
        invoices_visible_to(user, acting_entity)
        .filter(purpose_type=kind, purpose_id__in=request_ids, status__in=OPEN_STATUSES)
        .order_by("purpose_id", "-created_at", "-id")
    )
    found = {}
    for invoice in invoices:
        found.setdefault(invoice.purpose_id, invoice)
    return found


# --- documents ------------------------------------------------------------------------------


def order_of(enforcement_request):
    try:
        return enforcement_request.order
    except ExecutionOrder.DoesNotExist:
        return None


def order_pdf(http_request, enforcement_request, order):
    context = {
        "req": enforcement_request,
        "order": order,
        "debtors": enforcement_request.debtors.select_related("person", "entity").order_by("id"),
        "verify_url": documents.verification_url(documents.ORDER, order.number, http_request),
        "code": code(documents.ORDER, order.number),
    }
    stamp = documents.order_stamp(order, enforcement_request)
    rendered = render_pdf("enforcement/pdf/order.html", context, request=http_request, document=stamp)
    return pdf_response(rendered, f"{order.number}.pdf")


def request_report_pdf(http_request, enforcement_request, *, show_iban: bool):
    from payments.selectors import disbursements_for, payments_for

    context = {
        "req": enforcement_request,
        "order": order_of(enforcement_request),
        "debtors": enforcement_request.debtors.select_related("person", "entity").order_by("id"),
        "measures": enforcement_request.measures.select_related("debtor__person", "debtor__entity"),
        "payments": payments_for(enforcement_request).order_by("received_at", "id"),
        "disbursements": disbursements_for(enforcement_request).order_by("requested_at", "id") if show_iban else [],
        "events": case_timeline(enforcement_request),
        "show_iban": show_iban,
        "status_label": PublicStatus(enforcement_request.public_status).label,
        "verify_url": documents.verification_url(documents.REPORT, enforcement_request.number, http_request),
        "code": code(documents.REPORT, enforcement_request.number),
    }
    stamp = documents.report_stamp(enforcement_request)
    rendered = render_pdf("enforcement/pdf/report.html", context, request=http_request, document=stamp)
    return pdf_response(rendered, f"{enforcement_request.number}-report.pdf")


def dashboard_report_pdf(http_request):
    user, acting = http_request.user, http_request.acting_entity
    context = dashboard_context(user, acting)
    context["filed_rows"] = selectors.report_rows(selectors.filed_by(user, acting))
    context["against_rows"] = selectors.report_rows(selectors.against(user, acting))
    context["holder"] = acting.display_name if acting is not None else user.display_name
    context["generated_at"] = clock.now()
    for row in context["filed_rows"] + context["against_rows"]:
        row.status_label = PublicStatus(row.public_status).label
    stamp = documents.information_stamp(context["generated_at"])
    rendered = render_pdf("enforcement/pdf/dashboard.html", context, request=http_request, document=stamp)
    return pdf_response(rendered, "enforcement-information.pdf")
