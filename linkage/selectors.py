"""Read side of the linkage: an entity's requests with the report's filters, their totals and
monthly figures (each one aggregate query), and the rows of the CSV export, read in chunks; the
requests are enforcement's, read through its selectors."""

from django.db.models import QuerySet

from enforcement import selectors as enforcement
from najiz.common.identifiers import as_case_number

from .models import ApiToken, WebhookDelivery, WebhookEndpoint


def requests_of(
    user, entity, *, status="", date_from=None, date_to=None, debtor="", amount_min=None, amount_max=None
) -> QuerySet:
    """The submitted requests filed by the entity (or by the person for themselves), filtered.
    Dates are calendar days in Riyadh, both ends included, on the submission date."""
    return enforcement.submitted_by(user, entity, status=status, date_from=date_from, date_to=date_to, debtor=debtor,
                                    amount_min=amount_min, amount_max=amount_max)


def request_of(user, entity, number: str):
    """One submitted request of the entity (or the person's own), or None."""
    number = as_case_number(number)
    return requests_of(user, entity).filter(number=number).first() if number else None


def totals(queryset: QuerySet) -> dict:
    return enforcement.money_totals(queryset)


def by_month(queryset: QuerySet, *, limit: int = 24) -> list[dict]:
    """Requests, amount claimed and collected per month of submission (Riyadh), oldest first."""
    return enforcement.by_month(queryset, limit=limit)


def export_rows(queryset: QuerySet, *, chunk_size: int = 2000):
    """(values of enforcement.selectors.EXPORT_FIELDS, debtor ids) per request, read in chunks."""
    return enforcement.export_rows(queryset, chunk_size=chunk_size)


# --- settings pages ---------------------------------------------------------------------------


def tokens_of(entity) -> QuerySet:
    return ApiToken.objects.filter(entity=entity).select_related("created_by", "revoked_by")


def webhooks_of(entity) -> QuerySet:
    return WebhookEndpoint.objects.filter(entity=entity)


def deliveries_of(entity, *, limit: int = 100) -> list:
    return list(
        WebhookDelivery.objects.filter(endpoint__entity=entity)
        .select_related("endpoint")
        .order_by("-created_at", "-id")[:limit]
    )


def conveyance_for(principal, number: str):
    """A conveyance the caller is a party to, else 404: the person's own while they act for
    themselves, those the entity buys for its token or a person acting for it."""
    from conveyance import selectors as conveyance

    return conveyance.conveyance_for(principal.user, number, principal.entity)
