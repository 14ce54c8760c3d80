"""Read side of the linkage: an entity's requests with the report's filters, their totals and
monthly figures (each one aggregate query), and the rows of the CSV export, read in chunks."""

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils import timezone

from enforcement import selectors as enforcement
from enforcement.models import RequestDebtor
from enforcement.states import OPEN, Status
from najiz.common.identifiers import as_case_number
from najiz.common.money import ZERO, MoneyField

from .models import ApiToken, WebhookDelivery, WebhookEndpoint

_ZERO = Value(ZERO, output_field=MoneyField())
_OWED = [*OPEN, Status.SUSPENDED]


def outstanding_expression():
    return Greatest(F("amount_claimed") - F("collected") - F("paid_outside"), _ZERO)


def requests_of(user, entity, *, status="", date_from=None, date_to=None, debtor="", amount_min=None, amount_max=None) -> QuerySet:
    """The submitted requests filed by the entity (or by the person for themselves), filtered.
    Dates are calendar days in Riyadh, both ends included, on the submission date."""
    queryset = enforcement.filed_by(user, entity, status=status or "").exclude(status=Status.DRAFT)
    if date_from:
        queryset = queryset.filter(submitted_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(submitted_at__date__lte=date_to)
    if debtor:
        queryset = queryset.filter(pk__in=RequestDebtor.objects.filter(id_number=debtor).values("request_id"))
    if amount_min is not None:
        queryset = queryset.filter(amount_claimed__gte=amount_min)
    if amount_max is not None:
        queryset = queryset.filter(amount_claimed__lte=amount_max)
    return queryset


def request_of(user, entity, number: str):
    """One submitted request of the entity (or the person's own), or None."""
    number = as_case_number(number)
    return requests_of(user, entity).filter(number=number).first() if number else None


def totals(queryset: QuerySet) -> dict:
    row = queryset.order_by().aggregate(
        n=Count("pk"),
        sum_claimed=Coalesce(Sum("amount_claimed"), _ZERO),
        sum_collected=Coalesce(Sum("collected"), _ZERO),
        sum_disbursed=Coalesce(Sum("disbursed"), _ZERO),
        sum_paid_outside=Coalesce(Sum("paid_outside"), _ZERO),
        sum_outstanding=Coalesce(Sum(outstanding_expression(), filter=Q(status__in=_OWED)), _ZERO),
    )
    return {"count": row["n"], **{key.removeprefix("sum_"): value for key, value in row.items() if key.startswith("sum_")}}


def by_month(queryset: QuerySet, *, limit: int = 24) -> list[dict]:
    """Requests, amount claimed and collected per month of submission (Riyadh), oldest first."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(n=Count("pk"), sum_claimed=Coalesce(Sum("amount_claimed"), _ZERO), sum_collected=Coalesce(Sum("collected"), _ZERO))
        .order_by("-month")[:limit]
    )
    return [
        {"month": row["month"], "count": row["n"], "claimed": row["sum_claimed"], "collected": row["sum_collected"]}
        for row in reversed(list(rows))
    ]


CSV_FIELDS = (
    "number", "status", "submitted_at", "instrument_number", "amount_claimed", "collected", "disbursed", "paid_outside",
    "circuit__code",
)


def export_rows(queryset: QuerySet, *, chunk_size: int = 2000):
    """(values tuple, debtor ids) per request, streamed from a server-side cursor in chunks: the
    memory used stays the same however many requests there are."""
    rows = queryset.prefetch_related(None).order_by("-submitted_at", "-id").values_list("pk", *CSV_FIELDS)
    batch = []
    for row in rows.iterator(chunk_size=chunk_size):
        batch.append(row)
        if len(batch) >= chunk_size:
            yield from _with_debtors(batch)
            batch = []
    if batch:
        yield from _with_debtors(batch)


def _with_debtors(batch):
    debtors: dict[int, list[str]] = {}
    for request_id, id_number in RequestDebtor.objects.filter(request_id__in=[row[0] for row in batch]).order_by("id").values_list("request_id", "id_number"):
        debtors.setdefault(request_id, []).append(id_number)
    for row in batch:
        yield row[1:], debtors.get(row[0], [])


# --- settings pages ---------------------------------------------------------------------------


def tokens_of(entity) -> QuerySet:
    return ApiToken.objects.filter(entity=entity).select_related("created_by", "revoked_by")


def webhooks_of(entity) -> QuerySet:
    return WebhookEndpoint.objects.filter(entity=entity)


def deliveries_of(entity, *, limit: int = 100) -> list:
    return list(
        WebhookDelivery.objects.filter(endpoint__entity=entity).select_related("endpoint").order_by("-created_at", "-id")[:limit]
    )


def conveyance_for(principal, number: str):
    """A conveyance the caller is a party to, else 404: the person's own while they act for
    themselves, those the entity buys for its token or a person acting for it."""
    from conveyance import selectors as conveyance

    return conveyance.conveyance_for(principal.user, number, principal.entity)
