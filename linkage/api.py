"""The Najiz business API, version 1 (/api/v1/): an entity's system files enforcement requests
and follows them. OpenAPI schema at /api/v1/schema, browsable docs at /api/v1/docs (the schema
rendered in the portal's own layout, linkage/docs.py).

Authentication: `Authorization: Bearer <token>` (a token an entity representative created on
/linkage/tokens/), or the portal's session in the browser (with the CSRF token for POST).
Errors are RFC 9457 problem details; `Accept-Language: en` or `ar` picks their language.
"""

import functools
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Header, NinjaAPI, Query
from ninja.parser import Parser
from ninja.responses import Status

from najiz.common.money import Amount
from najiz.common.problems import CONTENT_TYPE, api_language
from najiz.registries import services as registries

from . import problems, selectors, services
from .auth import BrowserSession, EntityToken
from .docs import PortalDocs
from .problems import ApiProblem
from .schemas import (
    CheckOut,
    ConveyanceOut,
    FilingIn,
    InvoiceOut,
    MotionOut,
    PaymentOut,
    Problem,
    RequestDetail,
    RequestPage,
)


class ObjectBodyParser(Parser):
    """A JSON body must be an object; anything else is a 400 like any unparsable body."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data


class NajizAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Error responses are documented as what they are: application/problem+json."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, documented in operation.get("responses", {}).items():
                    content = documented.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = NajizAPI(
    title="Najiz API", version="1", urls_namespace="api-v1", openapi_url="/schema", docs_url="/docs", docs=PortalDocs(),
    auth=[EntityToken(), BrowserSession()], parser=ObjectBodyParser(),
    description=(
        "Electronic linkage of businesses' systems with the virtual enforcement court: file enforcement "
        "requests, follow their status, procedures, measures and amounts, invoices and payments. Amounts are "
        "strings in SAR with two decimals. Errors are RFC 9457 problem details (application/problem+json).\n\n"
        "Webhooks: an entity's endpoints receive signed events (Najiz-Signature: t=<timestamp>,v1=<HMAC-SHA256 of "
        "\"<timestamp>.<body>\">), in order per case: request.status_changed, motion.filed, motion.decided, "
        "grace.started, grace.ended, plan.accepted, plan.defaulted for its enforcement requests; and for a "
        "conveyance the entity is party to conveyance.filed, conveyance.accepted, conveyance.paid, "
        "conveyance.tax_paid, conveyance.transferred (with the new deed number), conveyance.completed, "
        "conveyance.rejected, conveyance.refunded (rejected after payment, the money returned), "
        "conveyance.declined, conveyance.expired, conveyance.cancelled, whose data show the price, the "
        "transaction tax, each seller's exact share as a fraction (\"7/24\") and Nafath approval, and the "
        "buyer's."
    ),
)
problems.install(api)

# 414: a query string over 4 KB (najiz.common.middleware.InputGuardMiddleware). Filing also documents 413, a body
# over the upload limit.
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 414: Problem, 422: Problem, 429: Problem}


def in_caller_language(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(api_language(request)):
            return view(request, *args, **kwargs)
    return wrapped


# --- serialising ----------------------------------------------------------------------------


def _summary(req) -> dict:
    from enforcement.states import PublicStatus

    return {
        "number": req.number,
        "status": req.status,
        "status_label": str(req.get_status_display()),
        "public_status": str(req.public_status),
        "public_status_label": str(PublicStatus(req.public_status).label),
        "instrument_number": req.instrument_number,
        "debtors": [debtor.id_number for debtor in req.debtors.all()],
        "amount_claimed": req.amount_claimed,
        "collected": req.collected,
        "disbursed": req.disbursed,
        "paid_outside": req.paid_outside,
        "outstanding": req.outstanding,
        "circuit": req.circuit.code if req.circuit_id else None,
        "submitted_at": req.submitted_at,
        "status_changed_at": req.status_changed_at,
        "deadline": req.deadline,
    }


def _detail(req) -> dict:
    from najiz.casefile.rules import failed, message_for
    from najiz.casefile.selectors import decisions_of, timeline

    order = getattr(req, "order", None) if hasattr(req, "order") else None
    debtors = list(req.debtors.select_related("person", "entity").order_by("id"))
    reasons = []
    if req.status == "rejected":
        audit = decisions_of(req).filter(step="audit").last()
        reasons = [str(message_for(rule)) for rule in failed(audit.rules)] if audit else []
    return {
        **_summary(req),
        "debtor_details": [
            {"id_number": d.id_number, "name": getattr(d.party, "display_name", "") if d.party else ""} for d in debtors
        ],
        "order": None
        if order is None
        else {
            "number": order.number,
            "amount": order.amount,
            "period_days": order.period_days,
            "issued_at": order.issued_at,
            "published_at": order.published_at,
        },
        "measures": [
            {
                "kind": m.kind,
                "kind_label": str(m.get_kind_display()),
                "debtor": m.debtor.id_number,
                "target": m.target,
                "amount": m.amount,
                "status": m.status,
                "status_label": str(m.get_status_display()),
                "applied_at": m.applied_at,
                "lifted_at": m.lifted_at,
            }
            for m in req.measures.select_related("debtor")
        ],
        "rejection_reasons": reasons,
        "timeline": [{"at": e.at, "kind": e.kind, "message": str(e.message)} for e in timeline(req)],
    }


def _principal(request):
    return request.auth


def _request_or_404(request, number: str):
    principal = _principal(request)
    found = selectors.request_of(principal.user, principal.entity, number)
    if found is None:
        raise Http404
    return found


# --- requests -------------------------------------------------------------------------------


@api.post(
    "/requests",
    response={201: RequestDetail, 413: Problem, **ERRORS},
    operation_id="file_request",
    tags=["requests"],
    summary="File an enforcement request",
)
@in_caller_language
def file_request(
    request, payload: FilingIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200)
):
    """The same checks as the portal's form, then the automatic audit, referral and order run as for
    any request. With an `Idempotency-Key` header, retrying the same call returns the request the first
    call filed (header `Idempotent-Replayed: true`), never a second one."""
    from enforcement import validators

    principal = _principal(request)
    key = (idempotency_key or "").strip()
    body = payload.dict()
    print_ = services.fingerprint(body)
    scope = services.scope_of(principal.user, principal.entity)
    try:
        if key:
            earlier = services.earlier_filing(scope=scope, key=key, print_=print_)
            if earlier is not None:
                return _replayed(request, earlier)
        person = registries.person(principal.user.national_id)
        data = {
            "instrument_number": payload.instrument_number, "debtor_ids": " ".join(payload.debtor_ids),
            "amount": payload.amount, "iban": payload.iban,
        }
        try:
            cleaned = validators.filing(data, person=person, acting_entity=principal.entity)
        except ValidationError as invalid:
            errors = [
                {"field": None if name == NON_FIELD_ERRORS else name, "in": "body", "code": error.code or "invalid",
                 "message": message}
                for name, items in invalid.error_dict.items() for error in items for message in error.messages
            ]
            raise ApiProblem(422, "validation", _("The request has invalid fields."), errors=errors) from None
        filed, created = services.file_request(user=principal.user, entity=principal.entity, cleaned=cleaned,
                                               idempotency_key=key, print_=print_)
    except services.IdempotencyConflict:
        raise ApiProblem(422, "idempotency-key-reused",
                         _("This Idempotency-Key was already used with a different request body.")) from None
    if not created:
        return _replayed(request, filed)
    return Status(201, _detail(selectors.request_of(principal.user, principal.entity, filed.number)))


def _field_errors(invalid: ValidationError) -> list[dict]:
    return [
        {"field": None if name == NON_FIELD_ERRORS else name, "code": error.code or "invalid", "message": message}
        for name, items in invalid.error_dict.items() for error in items for message in error.messages
    ]


@api.post(
    "/requests/check",
    response={200: CheckOut, 413: Problem, **ERRORS},
    operation_id="check_request",
    tags=["requests"],
    summary="Check a filing without filing it",
)
@in_caller_language
def check_request(request, payload: FilingIn):
    """The body of a filing, checked as `file_request` would check it and run through the automatic
    audit's rules on the registries as they are now. Nothing is filed. The audit after filing still
    decides, since a registry can change in between. An instrument that is not the caller's reads as
    not registered."""
    from enforcement import precheck, validators

    principal = _principal(request)
    person = registries.person(principal.user.national_id)
    values = {
        "instrument_number": payload.instrument_number, "debtor_ids": " ".join(payload.debtor_ids),
        "amount": payload.amount, "iban": payload.iban,
    }
    try:
        validators.filing(values, person=person, acting_entity=principal.entity)
        errors = []
    except ValidationError as invalid:
        errors = _field_errors(invalid)
    checks = precheck.run(values, person=person, acting_entity=principal.entity)
    blockers = precheck.blockers(checks)
    return {
        "ok": not errors and not blockers,
        "blockers": len(blockers),
        "errors": errors,
        "rules": [{"id": c.rule.id, "field": c.field, "passed": c.rule.passed, "message": c.message} for c in checks],
    }


def _replayed(request, filed):
    principal = _principal(request)
    found = selectors.request_of(principal.user, principal.entity, filed.number)
    if found is None:  # filed by this key, but no longer visible to the caller
        raise Http404
    response = api.create_response(request, RequestDetail(**_detail(found)).model_dump(mode="json"), status=201)
    response["Idempotent-Replayed"] = "true"
    return response


@api.get("/requests", response={200: RequestPage, **ERRORS}, operation_id="list_requests", tags=["requests"],
         summary="List the entity's requests")
@in_caller_language
def list_requests(
    request,
    status: str | None = Query(
        None,
        description=(
            "Public status: new, under_enforcement, partially_executed, executed, "
            "rejected, withdrawn, suspended."
        ),
    ),
    submitted_from: date | None = Query(None),
    submitted_to: date | None = Query(None),
    debtor: str | None = Query(None, max_length=10, description="National ID, iqama or CR number of a debtor."),
    amount_min: Amount | None = Query(None),
    amount_max: Amount | None = Query(None),
    page: int = Query(1, ge=1, le=100000),
    page_size: int = Query(50, ge=1, le=200),
):
    from enforcement.states import PublicStatus

    if status and (status not in PublicStatus.values or status == PublicStatus.DRAFT):
        raise ApiProblem(422, "validation", _("The request has invalid fields."), errors=[
            {"field": "status", "in": "query", "code": "invalid_choice", "message": _("Not a known status.")},
        ])
    principal = _principal(request)
    queryset = selectors.requests_of(
        principal.user, principal.entity, status=status or "", date_from=submitted_from, date_to=submitted_to,
        debtor=debtor or "", amount_min=amount_min, amount_max=amount_max,
    )
    count = queryset.count()
    start = (page - 1) * page_size
    rows = list(queryset.order_by("-submitted_at", "-id")[start:start + page_size])
    return {"count": count, "page": page, "page_size": page_size, "results": [_summary(row) for row in rows]}


@api.get("/requests/{number}", response={200: RequestDetail, **ERRORS}, operation_id="get_request", tags=["requests"],
         summary="A request with its status, procedures, measures, amounts and timeline")
@in_caller_language
def get_request(request, number: str):
    return _detail(_request_or_404(request, number))


@api.get("/requests/{number}/invoices", response={200: list[InvoiceOut], **ERRORS}, operation_id="list_invoices",
         tags=["requests"], summary="Invoices issued to the debtors of a request")
@in_caller_language
def list_invoices(request, number: str):
    from payments.selectors import invoices_for

    found = _request_or_404(request, number)
    return [
        {
            "bill_number": i.bill_number,
            "status": i.status,
            "status_label": str(i.get_status_display()),
            "amount": i.amount,
            "paid": i.paid,
            "outstanding": i.outstanding,
            "created_at": i.created_at,
            "expires_at": i.expires_at,
            "closed_at": i.closed_at,
        }
        for i in invoices_for(found).order_by("created_at", "id")
    ]


@api.get("/requests/{number}/payments", response={200: list[PaymentOut], **ERRORS}, operation_id="list_payments",
         tags=["requests"], summary="Payments received on a request's invoices")
@in_caller_language
def list_payments(request, number: str):
    from payments.selectors import payments_for

    found = _request_or_404(request, number)
    return [
        {
            "receipt_number": p.receipt_number,
            "bill_number": p.invoice.bill_number,
            "method": p.method,
            "amount": p.amount,
            "applied_amount": p.applied_amount,
            "refunded_amount": p.refunded_amount,
            "received_at": p.received_at,
        }
        for p in payments_for(found).order_by("received_at", "id")
    ]


@api.get("/requests/{number}/motions", response={200: list[MotionOut], **ERRORS}, operation_id="list_motions",
         tags=["requests"], summary="The parties' motions on a request, with their outcome")
@in_caller_language
def list_motions(request, number: str):
    """Objections, grace periods and instalment plans on a request, oldest first, each with its
    status and the reasons of its decision; a plan lists its instalments and their invoices."""
    from enforcement.selectors import motions_with_plans

    found = _request_or_404(request, number)
    return [
        {
            "id": m.pk, "kind": m.kind, "kind_label": str(m.get_kind_display()), "status": m.status,
            "status_label": str(m.get_status_display()), "grounds": m.grounds,
            "grounds_label": str(m.get_grounds_display()) if m.grounds else "", "days": m.days,
            "filed_at": m.filed_at, "decided_at": m.decided_at, "reasons": m.reasons, "starts_at": m.starts_at,
            "ends_at": m.ends_at, "ended_at": m.ended_at,
            "instalments": [
                {"number": i.number, "amount": i.amount, "due_on": i.due_on, "paid_at": i.paid_at,
                 "bill_number": i.invoice.bill_number if i.invoice_id else None}
                for i in m.plan
            ],
        }
        for m in motions_with_plans(found)
    ]


# --- conveyance -----------------------------------------------------------------------------


@api.get("/conveyances/{number}", response={200: ConveyanceOut, **ERRORS}, operation_id="get_conveyance",
         tags=["conveyance"], summary="A conveyance the caller is a party to")
@in_caller_language
def get_conveyance(request, number: str):
    conveyance = selectors.conveyance_for(_principal(request), number)
    return {
        "number": conveyance.number,
        "status": conveyance.status,
        "status_label": str(conveyance.get_status_display()),
        "kind": conveyance.kind,
        "deed_number": conveyance.deed.number,
        "price": conveyance.price,
        "buyer_answer": conveyance.buyer_answer,
        "submitted_at": conveyance.submitted_at,
        "completed_at": conveyance.completed_at,
        "new_deed_number": conveyance.new_deed.number if conveyance.new_deed_id else None,
        "buyer_approved_by_nafath": conveyance.buyer_approved_at is not None,
        "tax": {
            "registered": conveyance.tax_registered,
            "transaction_number": conveyance.tax_number or None,
            "amount": conveyance.tax_amount,
            "exempt_amount": conveyance.tax_exempt_amount,
            "payer": conveyance.tax_payer,
            "payer_label": str(conveyance.get_tax_payer_display()),
            "is_paid": conveyance.tax_paid,
            "receipt_number": conveyance.tax_receipt_number or None,
        },
        "sellers": [
            {"name": c.person.display_name, "role": c.role, "role_label": str(c.get_role_display()),
             "share": c.share_label, "answer": c.answer, "approved_by_nafath": c.approved_at is not None}
            for c in conveyance.consents.select_related("person").order_by("id")
        ],
        "share_only": conveyance.share_only,
        "buyers": [
            {"name": b.person.display_name, "share": b.share_label, "answer": b.answer,
             "approved_by_nafath": b.approved_at is not None,
             "bill_number": b.invoice.bill_number if b.invoice_id else None}
            for b in conveyance.buyers.select_related("person", "invoice").order_by("id")
        ],
    }
