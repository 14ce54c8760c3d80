"""Read side of enforcement: which requests a signed-in person may see, and how to load them.

Visibility (docs/design.md §5): a request for a person is seen by the person who filed it, a request
for an entity by its current representatives while they act as it (najiz.accounts.parties), and by
its debtors (their portal account or national id, or the debtor entity they act as). Filing an
entity's request gives no access of one's own. Everyone else gets 404, whether it exists or not.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from najiz.accounts.parties import is_party, party_filter
from najiz.casefile.models import Decision
from najiz.common import clock
from najiz.common.deadlines import Deadline, earliest
from najiz.common.money import ZERO, MoneyField
from najiz.common.todo import Task, purpose_key
from najiz.registries import services as registries

from .models import Circuit, EnforcementRequest, ExecutionOrder, Measure, Motion, RequestDebtor, StepFailure
from .states import AUTOMATIC, OPEN, PublicStatus, Status

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
        PublicStatus.GRACE: Q(status=Status.GRACE),
        PublicStatus.SETTLEMENT: Q(status=Status.SETTLEMENT),
    }.get(code)


def _with_status(queryset: QuerySet, status: str) -> QuerySet:
    condition = public_status_filter(status) if status else None
    return queryset.filter(condition) if condition is not None else queryset


def _for_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("instrument", "circuit", "creditor_person", "creditor_entity").prefetch_related(
        _LIST_DEBTORS
    )


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
    return EnforcementRequest.objects.filter(filed | Q(pk__in=_against_ids(user, acting_entity))).exclude(
        status=Status.DRAFT
    )


def request_for(http_request, number: str) -> EnforcementRequest:
    """The request with this number if the signed-in person may see it; 404 otherwise."""
    queryset = visible_to(http_request.user, getattr(http_request, "acting_entity", None))
    return get_object_or_404(
        queryset.select_related("instrument", "circuit", "creditor_person", "creditor_entity"), number=number
    )


def draft_for(http_request, pk: int) -> EnforcementRequest:
    """A draft the signed-in person filed for the side they stand for now; 404 for anyone else's,
    for an entity's draft outside acting as it, or for a submitted request."""
    user = http_request.user
    mine = Q(filed_by=user) & _filed_filter(user, getattr(http_request, "acting_entity", None))
    return get_object_or_404(EnforcementRequest.objects.filter(mine, status=Status.DRAFT), pk=pk)


def is_debtor(user, acting_entity, request: EnforcementRequest) -> bool:
    return request.debtors.filter(_debtor_filter(user, acting_entity)).exists()


def debtor_row(user, acting_entity, request: EnforcementRequest) -> RequestDebtor | None:
    """The debtor of the request the signed-in person stands for (the motion's filer)."""
    return request.debtors.filter(_debtor_filter(user, acting_entity)).select_related("person", "entity").first()


def is_filer(user, acting_entity, request: EnforcementRequest) -> bool:
    """The signed-in person stands for the creditor side: the creditor's actions are theirs."""
    return is_party(acting_entity, entity_id=request.creditor_entity_id, mine=request.filed_by_id == user.pk)


# --- معلومات تنفيذ: the dashboard's figures, each a single aggregate query ----------------------

_STATS_ORDER = [
    PublicStatus.NEW, PublicStatus.UNDER_ENFORCEMENT, PublicStatus.PARTIALLY_EXECUTED, PublicStatus.EXECUTED,
    PublicStatus.REJECTED, PublicStatus.WITHDRAWN, PublicStatus.SUSPENDED, PublicStatus.GRACE, PublicStatus.SETTLEMENT,
]
_OWED = [*OPEN, Status.SUSPENDED]  # states in which what is not yet collected is still owed
_ZERO = Value(ZERO, output_field=MoneyField())


def _outstanding_expression():
    return Greatest(F("amount_claimed") - F("collected") - F("paid_outside"), _ZERO)


def _counts_by_public_status(status: str, n: int, n_withdrawn: int, n_nothing_collected: int) -> list:
    """How the n requests in a state split into public statuses, exactly as public_status_filter
    sorts them: an enforcing state by whether anything was collected, a closed one by whether it
    was withdrawn; every other state has a single public status (a draft none)."""
    if status in _ENFORCING:
        return [
            (PublicStatus.UNDER_ENFORCEMENT, n_nothing_collected),
            (PublicStatus.PARTIALLY_EXECUTED, n - n_nothing_collected),
        ]
    if status == Status.CLOSED:
        return [(PublicStatus.EXECUTED, n - n_withdrawn), (PublicStatus.WITHDRAWN, n_withdrawn)]
    single = {
        Status.SUBMITTED: PublicStatus.NEW,
        Status.AUDITED: PublicStatus.NEW,
        Status.SETTLED: PublicStatus.EXECUTED,
        Status.REJECTED: PublicStatus.REJECTED,
        Status.WITHDRAWN: PublicStatus.WITHDRAWN,
        Status.SUSPENDED: PublicStatus.SUSPENDED,
        Status.GRACE: PublicStatus.GRACE,
        Status.SETTLEMENT: PublicStatus.SETTLEMENT,
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
    totals = {
        "claimed": ZERO,
        "collected": ZERO,
        "disbursed": ZERO,
        "paid_outside": ZERO,
        "outstanding": ZERO,
        "total": 0,
    }
    counts = dict.fromkeys(_STATS_ORDER, 0)
    for group in groups:
        totals["total"] += group["n"]
        if group["status"] != Status.REJECTED:  # a rejected request claims nothing any more
            totals["claimed"] += group["claimed"]
        totals["collected"] += group["collected_"]
        totals["disbursed"] += group["disbursed_"]
        totals["paid_outside"] += group["paid_outside_"]
        if group["status"] in _OWED:
            totals["outstanding"] += group["outstanding"]
        for code, count in _counts_by_public_status(
            group["status"], group["n"], group["n_withdrawn"], group["n_nothing_collected"]
        ):
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


# --- what the sweeps send again ----------------------------------------------------------------


SET_ASIDE_STEP = "set_aside"  # the step of the decision that puts a request set aside before its judges


def _set_aside() -> Exists:
    """The request is set aside after a failed step (enforcement.quarantine)."""
    return Exists(StepFailure.objects.filter(request=OuterRef("pk")))


def stalled_ids(*, limit: int) -> list[int]:
    """Requests left in an automatic state longer than STALLED_AFTER, the longest idle first;
    not those set aside, which are retried on their own (retries_due)."""
    cutoff = clock.now() - settings.STALLED_AFTER
    return list(
        EnforcementRequest.objects.filter(~_set_aside(), status__in=AUTOMATIC, status_changed_at__lt=cutoff)
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:limit]
    )


def retries_due(now, *, limit: int) -> list[int]:
    """Requests set aside whose retry is due at `now` (those waiting for a judge have none), the
    longest due first."""
    return list(
        StepFailure.objects.filter(retry_at__lte=now, request__status__in=AUTOMATIC)
        .order_by("retry_at").values_list("request_id", flat=True)[:limit]
    )


def set_aside(request: EnforcementRequest) -> StepFailure | None:
    """Why the request's automatic steps are held up, if they are (its step failed)."""
    if request.status not in AUTOMATIC:
        return None
    return StepFailure.objects.filter(request=request).first()


def due_steps(now) -> dict[str, QuerySet]:
    """(id, deadline) of the orders whose next step is due at `now`, by step (each read when iterated):
    the newspaper notice, the alert that the deadline is near, the Art. 46 measures, the end of a
    grace period. Suspended requests are in another state and are never due."""
    orders = EnforcementRequest.objects.filter(status=Status.ORDER_ISSUED)
    due = {
        "publish_notice": orders.filter(
            notified_at__isnull=True, order__issued_at__lte=now - settings.ENFORCEMENT_NOTICE_AFTER
        ),
        "alert_deadline_near": orders.filter(
            deadline__gt=now, deadline__lte=now + settings.ENFORCEMENT_DEADLINE_ALERT, deadline_alerted_at__isnull=True
        ),
        "apply_measures": orders.filter(deadline__lte=now),
        # a grace period that ended: enforcement reactivates (enforcement.motions.end_grace)
        "end_grace": EnforcementRequest.objects.filter(
            status=Status.GRACE,
            pk__in=Motion.objects.filter(status=Motion.State.GRANTED, ended_at__isnull=True, ends_at__lte=now)
            .values("request_id"),
        ),
    }
    return {step: queryset.order_by("deadline", "pk").values_list("pk", "deadline") for step, queryset in due.items()}


# --- for other apps: the linkage's report and webhooks, the judges' supervision -----------------


def creditor_entity_id(request_id: int) -> int | None:
    """The entity the request was filed for (None for a person's own, or no such request)."""
    return EnforcementRequest.objects.filter(pk=request_id).values_list("creditor_entity_id", flat=True).first()


def submitted_by(user, acting_entity, *, status="", date_from=None, date_to=None, debtor="", amount_min=None,
                 amount_max=None) -> QuerySet:
    """The submitted requests of the creditor side (filed_by), filtered. Dates are calendar days
    in Riyadh, both ends included, on the submission date; `debtor` is a debtor's id number."""
    queryset = filed_by(user, acting_entity, status=status or "").exclude(status=Status.DRAFT)
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


def money_totals(queryset: QuerySet) -> dict:
    """How many requests, and the sums of their amounts (what is still owed only where it is, what is
    claimed only where the request was not rejected), in one query."""
    row = queryset.order_by().aggregate(
        n=Count("pk"),
        sum_claimed=Coalesce(Sum("amount_claimed", filter=~Q(status=Status.REJECTED)), _ZERO),
        sum_collected=Coalesce(Sum("collected"), _ZERO),
        sum_disbursed=Coalesce(Sum("disbursed"), _ZERO),
        sum_paid_outside=Coalesce(Sum("paid_outside"), _ZERO),
        sum_outstanding=Coalesce(Sum(_outstanding_expression(), filter=Q(status__in=_OWED)), _ZERO),
    )
    return {
        "count": row["n"],
        **{key.removeprefix("sum_"): value for key, value in row.items() if key.startswith("sum_")},
    }


def by_month(queryset: QuerySet, *, limit: int = 24) -> list[dict]:
    """Requests, amount claimed and collected per month of submission (Riyadh), oldest first."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(
            n=Count("pk"),
            sum_claimed=Coalesce(Sum("amount_claimed"), _ZERO),
            sum_collected=Coalesce(Sum("collected"), _ZERO),
        )
        .order_by("-month")[:limit]
    )
    return [
        {"month": row["month"], "count": row["n"], "claimed": row["sum_claimed"], "collected": row["sum_collected"]}
        for row in reversed(list(rows))
    ]


EXPORT_FIELDS = (
    "number", "status", "submitted_at", "instrument_number", "amount_claimed", "collected", "disbursed", "paid_outside",
    "circuit__code",
)


def export_rows(queryset: QuerySet, *, chunk_size: int = 2000):
    """(EXPORT_FIELDS values, debtor ids) per request, streamed from a server-side cursor in chunks:
    the memory used stays the same however many requests there are."""
    rows = queryset.prefetch_related(None).order_by("-submitted_at", "-id").values_list("pk", *EXPORT_FIELDS)
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
    rows = RequestDebtor.objects.filter(request_id__in=[row[0] for row in batch]).order_by("id")
    for request_id, id_number in rows.values_list("request_id", "id_number"):
        debtors.setdefault(request_id, []).append(id_number)
    for row in batch:
        yield row[1:], debtors.get(row[0], [])


def circuit_ids_judged_by(user) -> list[int]:
    """The circuits the judge is assigned to."""
    return list(Circuit.objects.filter(judges=user).values_list("pk", flat=True))


def circuits(ids) -> list[Circuit]:
    return list(Circuit.objects.filter(pk__in=ids).order_by("code")) if ids else []


def _requests_of_circuits(circuit_ids) -> QuerySet:
    """Requests of the circuits: referred to them, or audited under their supervision."""
    audited = Decision.objects.filter(
        circuit_id__in=circuit_ids, case_type=ContentType.objects.get_for_model(EnforcementRequest)
    ).values("case_id")
    return EnforcementRequest.objects.filter(Q(circuit_id__in=circuit_ids) | Q(pk__in=audited))


def circuit_figures(circuit_ids) -> dict:
    """The circuits' requests by state, the average time from submission to order, and the amounts
    claimed and collected on the requests enforced (three queries)."""
    requests = _requests_of_circuits(circuit_ids)
    by_state = dict(requests.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    average = ExecutionOrder.objects.filter(
        request__in=requests.values("pk"), request__submitted_at__isnull=False
    ).aggregate(avg=Avg(F("issued_at") - F("request__submitted_at")))["avg"]
    money = MoneyField()
    zero = Value(ZERO, output_field=money)
    enforced = requests.filter(order__isnull=False, withdrawn=False)
    totals = enforced.aggregate(
        claimed=Coalesce(Sum("amount_claimed"), zero),
        collected=Coalesce(Sum(F("collected") + F("paid_outside"), output_field=money), zero),
    )
    return {
        "by_state": [(Status(s).label, by_state[s]) for s in Status.values if by_state.get(s)],
        "total": sum(by_state.values()),
        "average_to_order": average
        if isinstance(average, timedelta) or average is None
        else timedelta(seconds=average),
        "claimed": totals["claimed"],
        "collected": totals["collected"],
    }


def measures_of(request: EnforcementRequest) -> list[Measure]:
    """The request's measures, in the order they were applied, with their debtors."""
    return list(request.measures.select_related("debtor__person", "debtor__entity").order_by("applied_at", "id"))


def measure_of(request: EnforcementRequest, measure_id) -> Measure | None:
    return Measure.objects.filter(request=request, pk=measure_id).first()


def in_force(measure: Measure) -> bool:
    return measure.status == Measure.State.APPLIED


def operational_figures(*, since, idle_before) -> dict:
    """For the operators (operations app): filing → order latency of the orders issued since
    `since`, the requests left in an automatic state since before `idle_before` (not those set
    aside), and the requests set aside.

    Each reads indexes: a request whose order was issued since `since` has moved since then, so
    status_changed_at (indexed) narrows the rows before the join to the order.
    """
    from najiz.common.figures import latencies

    ordered = EnforcementRequest.objects.filter(
        status_changed_at__gte=since, order__issued_at__gte=since, submitted_at__isnull=False,
    )
    idle = EnforcementRequest.objects.filter(status__in=AUTOMATIC, status_changed_at__lt=idle_before)
    return {
        "filing_to_order": latencies(ordered, F("order__issued_at") - F("submitted_at")),
        "stranded": idle.filter(~_set_aside()).count(),
        # set aside after failing their automatic step (enforcement.quarantine): retried alone, or
        # waiting for a judge
        "quarantined": StepFailure.objects.filter(request__status__in=AUTOMATIC).count(),
    }


# --- the filing form's pickers ----------------------------------------------------------------

PICKER_SIZE = 50


def claimed_on(numbers) -> dict[str, Decimal]:
    """What the requests filed on each instrument claim, less what was rejected or withdrawn (the
    audit's `claimed_before`, for every request at once)."""
    rows = (
        EnforcementRequest.objects.filter(instrument_number__in=list(numbers), withdrawn=False)
        .exclude(status__in=[Status.DRAFT, Status.REJECTED])
        .values("instrument_number").annotate(total=Sum("amount_claimed"))
    )
    return {row["instrument_number"]: row["total"] for row in rows}


def claimable_instruments(creditor, *, search: str = "") -> list[dict]:
    """The instruments on which `creditor` (the person, or the entity they act for) is the
    creditor, each with what remains claimable and its debtors, for the filing form's picker."""
    if creditor is None:
        return []
    found = registries.instruments_of_creditor(creditor, search=search, limit=PICKER_SIZE)
    claimed = claimed_on(item.number for item in found)
    return [
        {
            "instrument": item,
            "remaining": max(item.amount - claimed.get(item.number, ZERO), ZERO),
            "debtors": registries.instrument_debtors(item),
        }
        for item in found
    ]


def claimable_instrument(creditor, number: str) -> dict | None:
    """One of `claimable_instruments`, by its number (None when it is not the creditor's)."""
    key = registries.instrument_key(number)
    if creditor is None or not key:
        return None
    return next(
        (row for row in claimable_instruments(creditor, search=key) if row["instrument"].number.upper() == key), None
    )


def mask_iban(iban: str) -> str:
    return f"{iban[:4]} •••• •••• •••• •••• {iban[-4:]}"


def own_accounts(creditor) -> list[dict]:
    """The creditor's open bank accounts: the bank's name and the IBAN masked for the list."""
    if creditor is None:
        return []
    return [
        {"iban": a.iban, "masked": mask_iban(a.iban), "bank": str(a.bank)} for a in registries.accounts_of(creditor)
    ]


def motions_with_plans(request: EnforcementRequest) -> list:
    """The request's motions, oldest first, each with its instalments (`plan`, a list) and their
    invoices: for the business API."""
    from .models import Instalment

    motions = list(request.motions.order_by("filed_at", "id"))
    plans: dict[int, list] = {}
    for instalment in Instalment.objects.filter(request=request).select_related("invoice").order_by("number"):
        plans.setdefault(instalment.motion_id, []).append(instalment)
    for motion in motions:
        motion.plan = plans.get(motion.pk, [])
    return motions


def next_deadline(now) -> Deadline | None:
    """The nearest moment after `now` at which a deadline step falls due (due_steps): the Art. 46
    measures at the end of a payment period, the newspaper notice, the end of a grace period."""
    orders = EnforcementRequest.objects.filter(status=Status.ORDER_ISSUED).order_by()
    lapse = orders.filter(deadline__gt=now).order_by("deadline").values_list("deadline", "number").first()
    notice = (
        orders.filter(notified_at__isnull=True, order__issued_at__gt=now - settings.ENFORCEMENT_NOTICE_AFTER)
        .order_by("order__issued_at").values_list("order__issued_at", "number").first()
    )
    grace = (
        Motion.objects.filter(status=Motion.State.GRANTED, ended_at__isnull=True, ends_at__gt=now,
                              request__status=Status.GRACE)
        .order_by("ends_at").values_list("ends_at", "request__number").first()
    )
    return earliest(
        Deadline(lapse[0], _("The payment period ends: the Art. 46 measures apply"), lapse[1]) if lapse else None,
        Deadline(notice[0] + settings.ENFORCEMENT_NOTICE_AFTER, _("No notice reached the debtor: the newspaper notice"),
                 notice[1]) if notice else None,
        Deadline(grace[0], _("The grace period ends: enforcement resumes"), grace[1]) if grace else None,
    )


def pending_motions(circuit_ids) -> list[Motion]:
    """The parties' motions waiting for a judge of these circuits, the oldest first, each with the
    decision that puts it before the judge."""
    return list(
        Motion.objects.filter(status=Motion.State.PENDING, decision__isnull=False, request__circuit_id__in=circuit_ids)
        .select_related("request").order_by("filed_at", "id")[:20]
    )


def tasks_for(user, acting_entity=None) -> list[Task]:
    """"My tasks" of a debtor: each request with something still owed, by the end of its payment
    period while the order runs (the same task as its invoice's, which this one replaces)."""
    return [
        Task(_("Pay what request %(number)s obliges you to, or file a motion") % {"number": request.number},
             reverse("enforcement:detail", args=[request.number]), request.number,
             request.deadline if request.status == Status.ORDER_ISSUED else None,
             key=purpose_key(EnforcementRequest._meta.app_label, EnforcementRequest._meta.model_name, request.pk))
        for request in to_pay(user, acting_entity)
    ]
