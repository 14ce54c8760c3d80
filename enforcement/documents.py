"""The request's documents as the verification sees them: the execution order, the request
report and the enforcement information report, each a najiz.common.documents kind with its
stamp (what the copy shows) and its look-up (what the record shows now)."""

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _, gettext_lazy

from najiz.common import documents, links
from najiz.common.templatetags.najiz_format import both_dates_filter

from .models import EnforcementRequest, ExecutionOrder
from .states import PublicStatus, Status

ORDER = "order"
REPORT = "request-report"
INFORMATION = "enforcement-information"


def verification_url(kind: str, number: str, request=None) -> str:
    path = reverse(f"verify_enforcement:{'order' if kind == ORDER else 'request'}", args=[number])
    return f"{links.absolute(path, request)}?code={documents.code(kind, number)}"


def order_state(order, enforcement_request) -> str:
    return documents.fingerprint(
        order.number, order.amount, order.period_days, order.published_at,
        enforcement_request.notified_at, enforcement_request.deadline,
    )


def report_state(enforcement_request) -> str:
    """A report shows the request's status, amounts, measures and timeline: a change of any of
    them (each moves status_changed_at or an amount) supersedes a printed one."""
    req = enforcement_request
    measures = sorted(f"{pk}:{status}" for pk, status in req.measures.values_list("pk", "status"))
    return documents.fingerprint(
        req.number, req.status, req.status_changed_at, req.amount_claimed, req.collected, req.disbursed,
        req.paid_outside, req.deadline, req.closed_at, *measures,
    )


def order_stamp(order, enforcement_request) -> str:
    return documents.stamp(ORDER, order.number, order_state(order, enforcement_request))


def report_stamp(enforcement_request) -> str:
    return documents.stamp(REPORT, enforcement_request.number, report_state(enforcement_request))


def information_stamp(generated_at) -> str:
    return documents.stamp(INFORMATION, generated_at.isoformat(timespec="seconds"), "-")


def _status_fact(enforcement_request):
    return (_("Request status"), PublicStatus(enforcement_request.public_status).label)


def order_lookup(number: str) -> documents.Record | None:
    order = ExecutionOrder.objects.select_related("request").filter(number=str(number)[:24]).first()
    if order is None:
        return None
    req = order.request
    return documents.Record(
        state=order_state(order, req), current=req.status != Status.WITHDRAWN,
        title=_("Execution order %(number)s") % {"number": order.number}, url=verification_url(ORDER, order.number),
        facts=[(_("Order number"), order.number), (_("Date of the order"), both_dates_filter(order.issued_at)),
               (_("Request number"), req.number), _status_fact(req)],
    )


def report_lookup(number: str) -> documents.Record | None:
    req = EnforcementRequest.objects.exclude(status=Status.DRAFT).filter(number=str(number)[:20]).first()
    if req is None:
        return None
    return documents.Record(
        state=report_state(req), current=True,
        title=_("Request report %(number)s") % {"number": req.number}, url=verification_url(REPORT, req.number),
        facts=[(_("Request number"), req.number), _status_fact(req)],
    )


def information_lookup(reference: str) -> documents.Record | None:
    when = parse_datetime(str(reference))
    if when is None:
        return None
    return documents.Record(state="-", facts=[(_("Date"), both_dates_filter(when, "time"))])


def register_kinds() -> None:
    documents.register(ORDER, gettext_lazy("Execution order"), order_lookup)
    documents.register(REPORT, gettext_lazy("Request report"), report_lookup)
    documents.register(INFORMATION, gettext_lazy("Enforcement information report"), information_lookup, snapshot=True)
