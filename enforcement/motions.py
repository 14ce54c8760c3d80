"""The parties' motions on an open request (docs/design.md §6): the debtor's objection to
enforcement (منازعة تنفيذ), a grace period (إمهال) the creditor grants or a judge allows.

The system decides where the law lets it and a judge where it does not: a motion that needs a
judge leaves a pending Decision in the circuit's supervision queue, and the judge's ruling is that
decision's review. Each command is one transaction through enforcement's services (transition,
lift_all_measures, end_request, reapply_measures); notifications go out on commit."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor, ReviewState
from najiz.casefile.rules import result
from najiz.common import clock

from . import services
from .models import EnforcementRequest, Motion
from .states import ENFORCING, Status

RULES_VERSION = "motions-1"
AWAITING_JUDGE = "awaiting_judge"


class MotionRefused(Exception):
    """The motion does not apply now (shown to the party or the judge, never a 500)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- rules: when each motion applies ------------------------------------------------------------

OBJECTABLE = ENFORCING | {Status.SUSPENDED}
GRACE_FROM = frozenset({Status.ORDER_ISSUED, Status.MEASURES_APPLIED})


def pending(request, kind) -> Motion | None:
    return request.motions.filter(kind=kind, status=Motion.State.PENDING).first()


def can_object(request) -> bool:
    """After the order, while the request is open, one objection at a time."""
    return request.status in OBJECTABLE and pending(request, Motion.Kind.OBJECTION) is None


def can_ask_grace(request) -> bool:
    return request.status in GRACE_FROM and pending(request, Motion.Kind.GRACE_REQUEST) is None


def can_grant_grace(request) -> bool:
    return request.status in GRACE_FROM


def can_reactivate(request) -> bool:
    return request.status == Status.GRACE


def grace_within_maximum(days: int):
    limit = settings.ENFORCEMENT_GRACE_MAX_DAYS
    if 1 <= days <= limit:
        return result("grace_within_maximum", True, _("The grace period is within the maximum of %(max)s days."),
                      max=limit)
    return result("grace_within_maximum", False, _("A grace period runs from 1 to %(max)s days."), max=limit)


def for_the_judge(kind: str):
    return result(f"{kind}_for_the_judge", None, _("The law leaves this motion to the supervising judge."))


# --- shared parts -------------------------------------------------------------------------------


def _period_left(request) -> timedelta:
    """What remains of the payment period now (nothing once it lapsed)."""
    if request.status != Status.ORDER_ISSUED or request.deadline is None:
        return timedelta(0)
    return max(request.deadline - clock.now(), timedelta(0))


def _refer_to_judge(request, motion, step: str) -> None:
    """A pending decision in the circuit judge's queue, with the motion as its inputs."""
    motion.decision = casefile.record_decision(
        request, step, rules=[for_the_judge(step)], outcome=AWAITING_JUDGE, rules_version=RULES_VERSION,
        amount=request.outstanding, circuit=request.circuit,
        inputs={"motion": motion.pk, "kind": motion.kind, "grounds": motion.grounds, "reference": motion.reference,
                "statement": motion.statement, "days": motion.days, "outstanding": str(request.outstanding)},
    )
    motion.save(update_fields=["decision"])


def _rule(motion, *, judge, state: str, reason: str) -> None:
    """The judge's ruling on a motion: kept on the motion and as the review of its decision."""
    motion.status, motion.decided_by, motion.decided_at, motion.reasons = state, judge, clock.now(), reason
    motion.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    casefile.review_decision(motion.decision, judge=judge, state=ReviewState.CONFIRMED, reason=reason)


def _pending_for(decision, kind) -> tuple[EnforcementRequest, Motion]:
    """The request (row locked) and the pending motion the decision put before the judge."""
    request = services.locked(decision.case_id)
    motion = request.motions.filter(decision=decision, kind=kind).first()
    if motion is None:
        raise MotionRefused(_("This decision concerns no motion."))
    if motion.status != Motion.State.PENDING:
        raise MotionRefused(_("This motion has already been decided."))
    return request, motion


def _resume_from_suspension(request, motion, *, judge, reason) -> None:
    """Enforcement goes on where it stood: the period's remainder runs again, or the measures
    lifted for the suspension apply again."""
    services.WORKFLOW.back(request, kind="enforcement.resumed", actor=Actor.JUDGE, user=judge,
                           params={"reason": reason})
    if request.status == Status.ORDER_ISSUED:
        request.deadline = clock.now() + (motion.period_left or timedelta(0))
        request.save(update_fields=["deadline"])
    elif request.status == Status.MEASURES_APPLIED:
        services.reapply_measures(request)
    services.enqueue_advance(request)


# --- objection to enforcement (منازعة تنفيذ) --------------------------------------------------------


@transaction.atomic
def file_objection(request, *, user, debtor, grounds: str, reference: str = "", statement: str) -> Motion:
    """The debtor objects: the circuit judge decides; enforcement goes on meanwhile."""
    request = services.locked(request.pk)
    if not can_object(request):
        raise MotionRefused(_("An objection can be filed once the execution order is issued, one at a time."))
    motion = Motion.objects.create(
        request=request, kind=Motion.Kind.OBJECTION, grounds=grounds, reference=reference, statement=statement,
        filed_by=user, debtor=debtor,
    )
    _refer_to_judge(request, motion, "objection")
    casefile.record_event(request, "enforcement.objection_filed", actor=Actor.PERSON, user=user,
                          decision=motion.decision)
    from .alerts import alert_creditor

    alert_creditor(request, "enforcement.objection_filed", grounds=Motion.Grounds(grounds).label)
    return motion


@transaction.atomic
def suspend_for_objection(decision, *, judge, reason: str) -> Motion:
    """Until the judge decides: the request stands still and its measures are lifted."""
    request, motion = _pending_for(decision, Motion.Kind.OBJECTION)
    if request.status not in ENFORCING:
        raise MotionRefused(_("Only a request under enforcement can be suspended for an objection."))
    motion.suspended, motion.period_left = True, _period_left(request)
    motion.save(update_fields=["suspended", "period_left"])
    services.lift_all_measures(request, actor=Actor.JUDGE, user=judge)
    services.transition(request, Status.SUSPENDED, actor=Actor.JUDGE, user=judge, decision=decision,
                        params={"reason": reason})
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.suspended", reason=reason)
    alert_creditor(request, "enforcement.suspended", reason=reason)
    return motion


@transaction.atomic
def dismiss_objection(decision, *, judge, reason: str) -> Motion:
    """Enforcement goes on: a suspension for the objection ends and the period resumes."""
    request, motion = _pending_for(decision, Motion.Kind.OBJECTION)
    _rule(motion, judge=judge, state=Motion.State.DECLINED, reason=reason)
    casefile.record_event(request, "enforcement.objection_dismissed", actor=Actor.JUDGE, user=judge,
                          decision=decision, params={"reason": reason})
    if motion.suspended and request.status == Status.SUSPENDED:
        _resume_from_suspension(request, motion, judge=judge, reason=reason)
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.objection_dismissed", reason=reason)
    alert_creditor(request, "enforcement.objection_dismissed", reason=reason)
    return motion


@transaction.atomic
def uphold_objection(decision, *, judge, reason: str) -> Motion:
    """The request ends: every measure lifted, the invoice's remainder cancelled, the creditor told why."""
    request, motion = _pending_for(decision, Motion.Kind.OBJECTION)
    _rule(motion, judge=judge, state=Motion.State.GRANTED, reason=reason)
    casefile.record_event(request, "enforcement.objection_upheld", actor=Actor.JUDGE, user=judge,
                          decision=decision, params={"reason": reason})
    services.end_request(request, judge=judge, reason=reason)
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.objection_upheld", reason=reason)
    alert_creditor(request, "enforcement.objection_upheld", reason=reason)
    return motion


# --- for the request page ---------------------------------------------------------------------


def motions_of(request) -> list[Motion]:
    return list(request.motions.select_related("decided_by").order_by("filed_at", "id"))
