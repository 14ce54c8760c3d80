"""Read side of judicial supervision: what a judge (or notary) may review, and how to load it.

A judge (staff, group "judges") sees the decisions of the circuits they are assigned to; a notary
(staff, group "notaries") sees conveyance decisions, which belong to no circuit. Anything else is
a 404, whether it exists or not. Every selector runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement import selectors as enforcement
from najiz.accounts.models import JUDGES_GROUP, NOTARIES_GROUP
from najiz.casefile.models import Decision, ReviewState
from najiz.casefile.selectors import decisions_of, timeline
from najiz.common.todo import Task

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
    circuit_ids = enforcement.circuit_ids_judged_by(user) if is_judge else []
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
        file["measures"] = enforcement.measures_of(case)
    return file


# --- circuit statistics ---------------------------------------------------------------------


def circuits_of(sup: Supervisor) -> list:
    return enforcement.circuits(sup.circuit_ids)


def statistics(circuit_ids) -> dict:
    """The circuits' figures (enforcement's), the rules their judges overrode, and the collection rate."""
    figures = enforcement.circuit_figures(circuit_ids)
    overrides: dict[str, int] = {}
    overridden = Decision.objects.filter(circuit_id__in=circuit_ids, review_state=ReviewState.OVERRIDDEN)
    for rules in overridden.values_list("rules", flat=True):
        failed_ids = [r["id"] for r in rules if r.get("passed") is False] or ["—"]
        for rule_id in failed_ids:
            overrides[rule_id] = overrides.get(rule_id, 0) + 1
    rate = (figures["collected"] / figures["claimed"] * 100).quantize(Decimal("0.1")) if figures["claimed"] else None
    return {
        **figures,
        "overrides": sorted(overrides.items(), key=lambda item: (-item[1], item[0])),
        "collection_rate": rate,
    }


def tasks_for(user, acting_entity=None) -> list[Task]:
    """"My tasks" of a judge: the parties' motions waiting for a ruling in their circuits."""
    sup = supervisor(user)
    if not sup.circuit_ids:
        return []
    return [
        Task(_("Rule on the motion (%(motion)s) on request %(number)s")
             % {"motion": motion.get_kind_display(), "number": motion.request.number},
             reverse("supervision:decision", args=[motion.decision_id]), motion.request.number)
        for motion in enforcement.pending_motions(sup.circuit_ids)
    ]
