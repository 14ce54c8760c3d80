"""Read side of enforcement: which requests a signed-in person may see, and how to load them.

Visibility (docs/design.md §5): a request for a person is seen by the person who filed it, a request
for an entity by its current representatives while they act as it (najiz.accounts.parties), and by
its debtors (their portal account or national id, or the debtor entity they act as). Filing an
entity's request gives no access of one's own. Everyone else gets 404, whether it exists or not.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404

from najiz.accounts.parties import is_party, party_filter

from .models import EnforcementRequest, Measure, RequestDebtor
from .states import OPEN, PublicStatus, Status

_LIST_DEBTORS = Prefetch("debtors", queryset=RequestDebtor.objects.select_related("person", "entity").order_by("id"))


def _debtor_filter(user, acting_entity) -> Q:
    """The debtor rows that stand for the signed-in person (or the entity they act as)."""
    # id_number is the id the debtor was found by, so it stands for the person too: both columns
    # are indexed, and no join is needed (a join in an OR defeats the indexes at scale).
    return party_filter(acting_entity, entity="entity", mine=Q(user=user) | Q(id_number=user.national_id))


def _against_ids(user, acting_entity):
    return RequestDebtor.objects.filter(_debtor_filter(user, acting_entity)).values("request_id")


def _filed_filter(user, acting_entity) -> Q:
    """The requests of the creditor side the signed-in person stands for."""
    return party_filter(acting_entity, entity="creditor_entity", mine=Q(filed_by=user))


_ENFORCING = [Status.ACCEPTED, Status.REFERRED, Status.ORDER_ISSUED, Status.MEASURES_APPLIED]
_NOTHING_COLLECTED = Q(collected=0, paid_outside=0)


def public_status_filter(code: str) -> Q | None:
    """The rows whose public status (states.public_status) is `code`; None for an unknown code."""
    return {
        PublicStatus.DRAFT: Q(status=Status.DRAFT),
        PublicStatus.NEW: Q(status__in=[Status.SUBMITTED, Status.AUDITED]),
        PublicStatus.UNDER_ENFORCEMENT: Q(status__in=_ENFORCING) & _NOTHING_COLLECTED,
        PublicStatus.PARTIALLY_EXECUTED: Q(status__in=_ENFORCING) & ~_NOTHING_COLLECTED,
        PublicStatus.EXECUTED: Q(status=Status.SETTLED) | Q(status=Status.CLOSED, withdrawn=False),
        PublicStatus.REJECTED: Q(status=Status.REJECTED),
        PublicStatus.WITHDRAWN: Q(status=Status.WITHDRAWN) | Q(status=Status.CLOSED, withdrawn=True),
        PublicStatus.SUSPENDED: Q(status=Status.SUSPENDED),
    }.get(code)


def _with_status(queryset: QuerySet, status: str) -> QuerySet:
    condition = public_status_filter(status) if status else None
    return queryset.filter(condition) if condition is not None else queryset


def _for_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("instrument", "circuit", "creditor_person", "creditor_entity").prefetch_related(_LIST_DEBTORS)


def filed_by(user, acting_entity=None, *, status: str = "") -> QuerySet:
    """My requests: filed by me for myself, or the acting entity's requests (drafts included)."""
    if not getattr(user, "is_authenticated", False):
        return EnforcementRequest.objects.none()
    queryset = _with_status(EnforcementRequest.objects.filter(_filed_filter(user, acting_entity)), status)
    return _for_list(queryset).order_by("-created_at", "-id")


def against(user, acting_entity=None, *, status: str = "") -> QuerySet:
    """Requests against me (or the entity I act as); drafts never reach the debtor."""
    if not getattr(user, "is_authenticated", False):
        return EnforcementRequest.objects.none()
    queryset = EnforcementRequest.objects.filter(pk__in=_against_ids(user, acting_entity)).exclude(status=Status.DRAFT)
    queryset = _with_status(queryset, status)
    return _for_list(queryset).order_by("-submitted_at", "-id")


def visible_to(user, acting_entity=None) -> QuerySet:
    """Every submitted request the person may open."""
    if not getattr(user, "is_authenticated", False):
        return EnforcementRequest.objects.none()
    filed = _filed_filter(user, acting_entity)
    return EnforcementRequest.objects.filter(filed | Q(pk__in=_against_ids(user, acting_entity))).exclude(status=Status.DRAFT)


def request_for(http_request, number: str) -> EnforcementRequest:
    """The request with this number if the signed-in person may see it; 404 otherwise."""
    queryset = visible_to(http_request.user, getattr(http_request, "acting_entity", None))
    return get_object_or_404(queryset.select_related("instrument", "circuit", "creditor_person", "creditor_entity"), number=number)


def draft_for(http_request, pk: int) -> EnforcementRequest:
    """A draft the signed-in person filed for the side they stand for now; 404 for anyone else's,
    for an entity's draft outside acting as it, or for a submitted request."""
    user = http_request.user
    mine = Q(filed_by=user) & _filed_filter(user, getattr(http_request, "acting_entity", None))
    return get_object_or_404(EnforcementRequest.objects.filter(mine, status=Status.DRAFT), pk=pk)


def is_debtor(user, acting_entity, request: EnforcementRequest) -> bool:
    return request.debtors.filter(_debtor_filter(user, acting_entity)).exists()


def is_filer(user, acting_entity, request: EnforcementRequest) -> bool:
    """The signed-in person stands for the creditor side: the creditor's actions are theirs."""
    return is_party(acting_entity, entity_id=request.creditor_entity_id, mine=request.filed_by_id == user.pk)


# --- معلومات تنفيذ: the dashboard's figures, each a single aggregate query ----------------------

_STATS_ORDER = [
    PublicStatus.NEW, PublicStatus.UNDER_ENFORCEMENT, PublicStatus.PARTIALLY_EXECUTED, PublicStatus.EXECUTED,
    PublicStatus.REJECTED, PublicStatus.WITHDRAWN, PublicStatus.SUSPENDED,
]
_OWED = [*OPEN, Status.SUSPENDED]  # states in which what is not yet collected is still owed
_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _outstanding_expression():
    return Greatest(F("amount_claimed") - F("collected") - F("paid_outside"), _ZERO)


def _counts_by_public_status(status: str, n: int, n_withdrawn: int, n_nothing_collected: int) -> list:
    """How the n requests in a state split into public statuses, exactly as public_status_filter
    sorts them: an enforcing state by whether anything was collected, a closed one by whether it
    was withdrawn; every other state has a single public status (a draft none)."""
    if status in _ENFORCING:
        return [(PublicStatus.UNDER_ENFORCEMENT, n_nothing_collected), (PublicStatus.PARTIALLY_EXECUTED, n - n_nothing_collected)]
    if status == Status.CLOSED:
        return [(PublicStatus.EXECUTED, n - n_withdrawn), (PublicStatus.WITHDRAWN, n_withdrawn)]
    single = {
        Status.SUBMITTED: PublicStatus.NEW, Status.AUDITED: PublicStatus.NEW, Status.SETTLED: PublicStatus.EXECUTED,
        Status.REJECTED: PublicStatus.REJECTED, Status.WITHDRAWN: PublicStatus.WITHDRAWN, Status.SUSPENDED: PublicStatus.SUSPENDED,
    }
    return [(single[status], n)] if status in single else []


def _stats(queryset: QuerySet) -> dict:
    """Counts by public status and money totals of the requests in `queryset`, in one query.

    The database sums the rows state by state (with how many were withdrawn and how many have
    nothing collected, which is what else decides the public status): a dozen rows, added up
    here. Everything it reads is in the indexes the dashboard uses (request_*_figures), so it
    answers from the index alone."""
    groups = (
        queryset.order_by()
        .values("status")
        .annotate(
            n=Count("*"), n_withdrawn=Count("status", filter=Q(withdrawn=True)),
            n_nothing_collected=Count("status", filter=_NOTHING_COLLECTED),
            claimed=Sum("amount_claimed"), collected_=Sum("collected"), disbursed_=Sum("disbursed"),
            paid_outside_=Sum("paid_outside"), outstanding=Sum(_outstanding_expression()),
        )
    )
    zero = Decimal("0.00")
    totals = {"claimed": zero, "collected": zero, "disbursed": zero, "paid_outside": zero, "outstanding": zero, "total": 0}
    counts = dict.fromkeys(_STATS_ORDER, 0)
    for group in groups:
        totals["total"] += group["n"]
        totals["claimed"] += group["claimed"]
        totals["collected"] += group["collected_"]
        totals["disbursed"] += group["disbursed_"]
        totals["paid_outside"] += group["paid_outside_"]
        if group["status"] in _OWED:
            totals["outstanding"] += group["outstanding"]
        for code, count in _counts_by_public_status(group["status"], group["n"], group["n_withdrawn"], group["n_nothing_collected"]):
            if code in counts:
                counts[code] += count
    totals["by_status"] = [(PublicStatus(code), counts[code]) for code in _STATS_ORDER]
    return totals


def creditor_stats(user, acting_entity=None) -> dict:
    """The requests I filed (or the entity I act as filed), drafts aside."""
    if not getattr(user, "is_authenticated", False):
        return _stats(EnforcementRequest.objects.none())
    return _stats(EnforcementRequest.objects.filter(_filed_filter(user, acting_entity)).exclude(status=Status.DRAFT))


def debtor_stats(user, acting_entity=None) -> dict:
    """The requests against me (or the entity I act as)."""
    if not getattr(user, "is_authenticated", False):
        return _stats(EnforcementRequest.objects.none())
    queryset = EnforcementRequest.objects.filter(pk__in=_against_ids(user, acting_entity)).exclude(status=Status.DRAFT)
    return _stats(queryset)


def to_pay(user, acting_entity=None, *, limit: int = 20) -> list:
    """Open requests against me with something still owed, the nearest deadline first, each with
    its creditor (what the dashboard's table shows)."""
    if not getattr(user, "is_authenticated", False):
        return []
    queryset = (
        EnforcementRequest.objects.filter(pk__in=_against_ids(user, acting_entity), status__in=_OWED)
        .annotate(owed=_outstanding_expression())
        .filter(owed__gt=0)
        .select_related("creditor_person", "creditor_entity")
        .order_by(F("deadline").asc(nulls_last=True), "-id")
    )
    return list(queryset[:limit])


def measures_in_force(user, acting_entity=None, *, limit: int = 100) -> list:
    """The Art. 46 measures in force against me (or the entity I act as), by request."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = RequestDebtor.objects.filter(_debtor_filter(user, acting_entity)).values("pk")
    queryset = (
        Measure.objects.filter(debtor__in=mine, status=Measure.State.APPLIED)
        .select_related("request")
        .order_by("request__number", "applied_at", "id")
    )
    return list(queryset[:limit])


def report_rows(queryset: QuerySet, *, limit: int = 500) -> list:
    """Requests for an aggregate report, with the outstanding amount computed by the database."""
    return list(
        queryset.exclude(status=Status.DRAFT).select_related("instrument", "creditor_person", "creditor_entity")
        .annotate(owed=_outstanding_expression()).order_by("-submitted_at", "-id")[:limit]
    )


def operational_figures(*, since, idle_before) -> dict:
    """For the operators (operations app): filing → order latency of the orders issued since
    `since`, and the requests left in an automatic state since before `idle_before`.

    Both read indexes: a request whose order was issued since `since` has moved since then, so
    status_changed_at (indexed) narrows the rows before the join to the order.
    """
    from django.db.models import F

    from najiz.common.figures import latencies

    from .states import AUTOMATIC

    ordered = EnforcementRequest.objects.filter(
        status_changed_at__gte=since, order__issued_at__gte=since, submitted_at__isnull=False,
    )
    return {
        "filing_to_order": latencies(ordered, F("order__issued_at") - F("submitted_at")),
        "stranded": EnforcementRequest.objects.filter(status__in=AUTOMATIC, status_changed_at__lt=idle_before).count(),
        # Requests set aside after failing their automatic step: None until the pipeline keeps
        # such a quarantine; then their count here (and out of "stranded"), and the metric and
        # the operations page show it.
        "quarantined": None,
    }
