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
from .signals import announce_motion
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


def among(motions, kind, status=None, *, ongoing=False) -> list[Motion]:
    """Of a request's `motions` as motions_of reads them (oldest first), those of `kind` and
    `status`; `ongoing`, only those not ended. The rules take such a list where a page has read it
    already, instead of asking the database again."""
    return [m for m in motions if m.kind == kind and (status is None or m.status == status)
            and (not ongoing or m.ended_at is None)]


def pending(request, kind, motions=None) -> Motion | None:
    """The request's motion of `kind` awaiting a decision."""
    if motions is not None:
        return next(iter(among(motions, kind, Motion.State.PENDING)), None)
    return request.motions.filter(kind=kind, status=Motion.State.PENDING).first()


def can_object(request, motions=None) -> bool:
    """After the order, while the request is open, one objection at a time."""
    return request.status in OBJECTABLE and pending(request, Motion.Kind.OBJECTION, motions) is None


def can_ask_grace(request, motions=None) -> bool:
    return request.status in GRACE_FROM and pending(request, Motion.Kind.GRACE_REQUEST, motions) is None


def can_grant_grace(request, motions=None) -> bool:
    return request.status in GRACE_FROM


def can_reactivate(request, motions=None) -> bool:
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
    announce_motion(request, motion, "motion.filed")
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
    announce_motion(request, motion, "motion.decided")
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
    announce_motion(request, motion, "motion.decided")
    return motion


# --- grace period (إمهال) --------------------------------------------------------------------------


def _check_days(days: int) -> None:
    if not grace_within_maximum(days).passed:
        limit = settings.ENFORCEMENT_GRACE_MAX_DAYS
        raise MotionRefused(_("A grace period runs from 1 to %(max)s days.") % {"max": limit})


def _start_grace(request, motion, decision, *, actor, user, reason) -> None:
    """Measures lifted at once; none applies until the grace period ends (the request is in grace,
    which no deadline step touches)."""
    now = clock.now()
    motion.status, motion.period_left = Motion.State.GRANTED, _period_left(request)
    motion.starts_at, motion.ends_at = now, now + timedelta(days=motion.days)
    motion.save(update_fields=["status", "period_left", "starts_at", "ends_at"])
    services.lift_all_measures(request, actor=actor, user=user)
    services.transition(request, Status.GRACE, actor=actor, user=user, decision=decision,
                        params={"days": motion.days, "reason": reason})
    from .alerts import alert_creditor, notify_debtors

    until = _date(motion.ends_at)
    notify_debtors(request, "enforcement.grace_started", until=until, reason=reason)
    alert_creditor(request, "enforcement.grace_started", until=until, reason=reason)
    announce_motion(request, motion, "grace.started")


def _date(at) -> str:
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    return date_format(localtime(at), "Y-m-d H:i")


@transaction.atomic
def grant_grace(request, *, user, days: int, reason: str) -> Motion:
    """The creditor grants the debtor a grace period: the system applies it at once."""
    request = services.locked(request.pk)
    if not can_grant_grace(request):
        raise MotionRefused(_("A grace period can be granted after the order, while the request is under enforcement."))
    _check_days(days)
    motion = Motion.objects.create(request=request, kind=Motion.Kind.GRACE_GRANT, days=days, statement=reason,
                                   filed_by=user, decided_by=user, decided_at=clock.now(), reasons=reason)
    motion.decision = casefile.record_decision(
        request, "grace", rules=[grace_within_maximum(days)], outcome="grace", rules_version=RULES_VERSION,
        amount=request.outstanding, circuit=request.circuit,
        inputs={"motion": motion.pk, "by": "creditor", "days": days, "outstanding": str(request.outstanding)},
    )
    motion.save(update_fields=["decision"])
    _start_grace(request, motion, motion.decision, actor=Actor.PERSON, user=user, reason=reason)
    return motion


@transaction.atomic
def request_grace(request, *, user, debtor, days: int, reason: str) -> Motion:
    """The debtor asks for a grace period: the circuit judge decides."""
    request = services.locked(request.pk)
    if not can_ask_grace(request):
        raise MotionRefused(_("A grace period can be asked for after the order, one request at a time."))
    _check_days(days)
    motion = Motion.objects.create(request=request, kind=Motion.Kind.GRACE_REQUEST, days=days, statement=reason,
                                   filed_by=user, debtor=debtor)
    _refer_to_judge(request, motion, "grace_request")
    casefile.record_event(request, "enforcement.grace_requested", actor=Actor.PERSON, user=user,
                          decision=motion.decision, params={"days": days})
    from .alerts import alert_creditor

    alert_creditor(request, "enforcement.grace_requested", days=days)
    announce_motion(request, motion, "motion.filed")
    return motion


@transaction.atomic
def allow_grace(decision, *, judge, reason: str) -> Motion:
    request, motion = _pending_for(decision, Motion.Kind.GRACE_REQUEST)
    if not can_grant_grace(request):
        raise MotionRefused(_("A grace period can be granted after the order, while the request is under enforcement."))
    _rule(motion, judge=judge, state=Motion.State.GRANTED, reason=reason)
    announce_motion(request, motion, "motion.decided")
    _start_grace(request, motion, decision, actor=Actor.JUDGE, user=judge, reason=reason)
    return motion


@transaction.atomic
def refuse_grace(decision, *, judge, reason: str) -> Motion:
    request, motion = _pending_for(decision, Motion.Kind.GRACE_REQUEST)
    _rule(motion, judge=judge, state=Motion.State.DECLINED, reason=reason)
    casefile.record_event(request, "enforcement.grace_refused", actor=Actor.JUDGE, user=judge, decision=decision,
                          params={"reason": reason})
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.grace_refused", reason=reason)
    alert_creditor(request, "enforcement.grace_refused", reason=reason)
    announce_motion(request, motion, "motion.decided")
    return motion


def grace_in_force(request) -> Motion | None:
    return request.motions.filter(
        kind__in=[Motion.Kind.GRACE_GRANT, Motion.Kind.GRACE_REQUEST], status=Motion.State.GRANTED,
        ended_at__isnull=True,
    ).order_by("-starts_at", "-id").first()


def grace_ended(inputs):
    if inputs["ends_at"] <= inputs["now"]:
        return result("grace_ended", True, _("The grace period has ended and the debt is still owed."))
    return result("grace_ended", False, _("The grace period has not ended yet."))


def reactivated_early(inputs):
    return result("reactivated_by_creditor", True,
                  _("The creditor reactivated enforcement before the grace period ended."))


def _reactivate(request, motion, *, actor=Actor.SYSTEM, user=None, early=False) -> None:
    """Back to the order: the period's remainder runs again, or, once it had lapsed, the measures
    apply again at once (apply_measures, as the deadline sweep does)."""
    now = clock.now()
    inputs = {"now": now.isoformat(), "ends_at": motion.ends_at.isoformat(), "motion": motion.pk,
              "outstanding": str(request.outstanding)}
    checks = [reactivated_early(inputs) if early else grace_ended(inputs)]
    decision = casefile.record_decision(request, "reactivation", rules=checks, outcome="reactivated",
                                        rules_version=RULES_VERSION, inputs=inputs, amount=request.outstanding,
                                        circuit=request.circuit)
    motion.ended_at = now
    motion.save(update_fields=["ended_at"])
    request.deadline = now + (motion.period_left or timedelta(0))
    services.transition(request, Status.ORDER_ISSUED, actor=actor, user=user, decision=decision,
                        kind="enforcement.reactivated", changed=["deadline"])
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.reactivated")
    alert_creditor(request, "enforcement.reactivated")
    announce_motion(request, motion, "grace.ended")
    if request.deadline <= now:
        services.apply_measures(request.pk)


def end_grace(request_id: int) -> bool:
    """The deadline sweep: a grace period that ended unpaid reactivates enforcement by itself."""
    with transaction.atomic():
        request = services.locked(request_id)
        motion = grace_in_force(request) if request.status == Status.GRACE else None
        if motion is None or motion.ends_at > clock.now():
            return False
        _reactivate(request, motion)
        return True


@transaction.atomic
def reactivate(request, *, user) -> EnforcementRequest:
    """The creditor reactivates enforcement before the grace period ends."""
    request = services.locked(request.pk)
    motion = grace_in_force(request) if request.status == Status.GRACE else None
    if motion is None:
        raise MotionRefused(_("Only a request in a grace period can be reactivated."))
    _reactivate(request, motion, actor=Actor.PERSON, user=user, early=True)
    return request


# --- for the request page ---------------------------------------------------------------------


def motions_of(request) -> list[Motion]:
    return list(request.motions.select_related("decided_by").order_by("filed_at", "id"))
