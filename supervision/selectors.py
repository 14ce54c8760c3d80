"""Read side of judicial supervision: what a judge (or notary) may review, and how to load it.

A judge (staff, group "judges") sees the decisions of the circuits they are assigned to; a notary
(staff, group "notaries") sees conveyance decisions, which belong to no circuit. Anything else is
a 404, whether it exists or not. Every selector runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from enforcement.models import Circuit, EnforcementRequest, ExecutionOrder
from enforcement.states import Status
from najiz.accounts.models import JUDGES_GROUP, NOTARIES_GROUP
from najiz.casefile.models import Decision, ReviewState
from najiz.casefile.selectors import decisions_of, timeline
from najiz.common.money import ZERO, MoneyField

CONVEYANCE_APP = "conveyance"


@dataclass
class Supervisor:
    """Who is reviewing, and over what: their circuits and whether they review conveyances."""

    user: object
    circuit_ids: list = field(default_factory=list)
    is_judge: bool = False
    is_notary: bool = False

    @property
    def reviews_anything(self) -> bool:
        return bool(self.circuit_ids) or self.is_notary


def supervisor(user) -> Supervisor:
    """The user's supervisory reach (two queries). Non-staff reach nothing."""
    if not (user.is_authenticated and user.is_staff):
        return Supervisor(user)
    groups = set(user.groups.filter(name__in=[JUDGES_GROUP, NOTARIES_GROUP]).values_list("name", flat=True))
    is_judge = JUDGES_GROUP in groups
    circuit_ids = list(Circuit.objects.filter(judges=user).values_list("pk", flat=True)) if is_judge else []
    return Supervisor(user, circuit_ids, is_judge, NOTARIES_GROUP in groups)


def _reach(sup: Supervisor) -> Q:
    reach = Q(pk__in=[])
    if sup.circuit_ids:
        reach |= Q(circuit_id__in=sup.circuit_ids)
    if sup.is_notary:
        reach |= Q(circuit__isnull=True, case_type__app_label=CONVEYANCE_APP)
    return reach


def reviewable(sup: Supervisor) -> QuerySet:
    return Decision.objects.filter(_reach(sup))


@dataclass
class QueueFilters:
    step: str = ""
    outcome: str = ""
    state: str = ReviewState.PENDING
    date_from: object = None
    date_to: object = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


def queue(sup: Supervisor, filters: QueueFilters | None = None) -> QuerySet:
    """Decisions to review: rejections first, then the highest amounts, then the oldest."""
    f = filters or QueueFilters()
    decisions = reviewable(sup)
    if f.state == "reviewed":
        decisions = decisions.exclude(review_state=ReviewState.PENDING)
    elif f.state:
        decisions = decisions.filter(review_state=f.state)
    if f.step:
        decisions = decisions.filter(step=f.step)
    if f.outcome:
        decisions = decisions.filter(outcome=f.outcome)
    if f.date_from:
        decisions = decisions.filter(at__date__gte=f.date_from)
    if f.date_to:
        decisions = decisions.filter(at__date__lte=f.date_to)
    if f.amount_min is not None:
        decisions = decisions.filter(amount__gte=f.amount_min)
    if f.amount_max is not None:
        decisions = decisions.filter(amount__lte=f.amount_max)
    rejected_first = Case(When(outcome="rejected", then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        decisions.select_related("circuit", "reviewed_by", "case_type")
        .prefetch_related("case")
        .order_by(rejected_first, F("amount").desc(nulls_last=True), "at", "id")
    )


def counts(sup: Supervisor) -> dict:
    """Pending and reviewed decisions within reach (one query)."""
    return reviewable(sup).aggregate(
        pending=Count("pk", filter=Q(review_state=ReviewState.PENDING)),
        reviewed=Count("pk", filter=~Q(review_state=ReviewState.PENDING)),
    )


def decision_for(sup: Supervisor, pk: int) -> Decision:
    decision = reviewable(sup).select_related("circuit", "reviewed_by", "case_type").filter(pk=pk).first()
    if decision is None or decision.case is None:
        raise Http404
    return decision


def is_enforcement(decision: Decision) -> bool:
    return decision.case_type.app_label == "enforcement" and decision.case_type.model == "enforcementrequest"


def decision_file(decision: Decision) -> dict:
    """Everything the decision screen shows, in a fixed number of queries."""
    case = decision.case
    file = {
        "case": case,
        "caused": list(decision.events.select_related("actor_user").order_by("at", "id")),
        "events": list(timeline(case, public_only=False)),
        "decisions": list(decisions_of(case).select_related("reviewed_by")),
        "measures": [],
        "is_enforcement": is_enforcement(decision),
    }
    if file["is_enforcement"]:
        file["measures"] = list(case.measures.select_related("debtor__person", "debtor__entity").order_by("applied_at", "id"))
    return file


# --- circuit statistics ---------------------------------------------------------------------


def circuits_of(sup: Supervisor) -> list:
    return list(Circuit.objects.filter(pk__in=sup.circuit_ids).order_by("code")) if sup.circuit_ids else []


def _requests_of(circuit_ids) -> QuerySet:
    """Requests of the circuits: referred to them, or audited under their supervision."""
    audited = Decision.objects.filter(
        circuit_id__in=circuit_ids, case_type=ContentType.objects.get_for_model(EnforcementRequest)
    ).values("case_id")
    return EnforcementRequest.objects.filter(Q(circuit_id__in=circuit_ids) | Q(pk__in=audited))


def statistics(circuit_ids) -> dict:
    requests = _requests_of(circuit_ids)
    by_state = dict(requests.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    average = ExecutionOrder.objects.filter(request__in=requests.values("pk"), request__submitted_at__isnull=False).aggregate(
        avg=Avg(F("issued_at") - F("request__submitted_at"))
    )["avg"]
    money = MoneyField()
    zero = Value(ZERO, output_field=money)
    enforced = requests.filter(order__isnull=False, withdrawn=False)
    totals = enforced.aggregate(
        claimed=Coalesce(Sum("amount_claimed"), zero),
        collected=Coalesce(Sum(F("collected") + F("paid_outside"), output_field=money), zero),
    )
    overrides: dict[str, int] = {}
    overridden = Decision.objects.filter(circuit_id__in=circuit_ids, review_state=ReviewState.OVERRIDDEN)
    for rules in overridden.values_list("rules", flat=True):
        failed_ids = [r["id"] for r in rules if r.get("passed") is False] or ["—"]
        for rule_id in failed_ids:
            overrides[rule_id] = overrides.get(rule_id, 0) + 1
    rate = (totals["collected"] / totals["claimed"] * 100).quantize(Decimal("0.1")) if totals["claimed"] else None
    return {
        "by_state": [(Status(s).label, by_state[s]) for s in Status.values if by_state.get(s)],
        "total": sum(by_state.values()),
        "average_to_order": average if isinstance(average, timedelta) or average is None else timedelta(seconds=average),
        "overrides": sorted(overrides.items(), key=lambda item: (-item[1], item[0])),
        "claimed": totals["claimed"],
        "collected": totals["collected"],
        "collection_rate": rate,
    }
