"""The supervising judge's actions. Each is one transaction that goes through the same
enforcement services as the automation, records the review on the decision, and leaves an
event on the case's timeline with the judge and the reason."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from enforcement import disclosure, motions, selectors as enforcement_selectors, services as enforcement
from enforcement.states import Status
from najiz.casefile import services as casefile
from najiz.casefile.models import Actor, Decision, ReviewState

from .selectors import is_enforcement


class SupervisionError(Exception):
    """The action does not apply to this decision (shown to the judge, never a 500)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _request(decision: Decision):
    if not is_enforcement(decision):
        raise SupervisionError(_("This action applies to enforcement requests only."))
    return decision.case


def _review(decision: Decision, judge, state: str, reason: str, *, announce: bool) -> Decision:
    decision = casefile.review_decision(decision, judge=judge, state=state, reason=reason)
    if announce:
        kind = "decision.confirmed" if state == ReviewState.CONFIRMED else "decision.overridden"
        casefile.record_event(decision.case, kind, actor=Actor.JUDGE, user=judge, decision=decision,
                              params={"reason": reason, "step": decision.step})
    return decision


def _note(decision: Decision, judge, note: str) -> None:
    if note:
        casefile.record_event(decision.case, "supervision.note", actor=Actor.JUDGE, user=judge, decision=decision,
                              params={"note": note}, public=False)


@transaction.atomic
def confirm(decision: Decision, *, judge, reason: str, note: str = "") -> Decision:
    if decision.review_state != ReviewState.PENDING:
        raise SupervisionError(_("This decision has already been reviewed."))
    _note(decision, judge, note)
    return _review(decision, judge, ReviewState.CONFIRMED, reason, announce=True)


@transaction.atomic
def reverse_rejection(decision: Decision, *, judge, reason: str, note: str = ""):
    """Override an audit's rejection: the request continues from acceptance."""
    request = _request(decision)
    if decision.step != "audit" or decision.outcome != Status.REJECTED:
        raise SupervisionError(_("Only an audit rejection can be reversed."))
    request = enforcement.reverse_rejection(request, judge=judge, reason=reason, decision=decision)
    _note(decision, judge, note)
    _review(decision, judge, ReviewState.OVERRIDDEN, reason, announce=True)
    return request


@transaction.atomic
def rerun_audit(decision: Decision, *, judge, reason: str, note: str = ""):
    """Audit the rejected request again against the registries as they are now. The earlier
    decision counts as overridden if the new audit decides otherwise, confirmed if not."""
    request = _request(decision)
    if decision.step != "audit":
        raise SupervisionError(_("Only an audit can be run again."))
    request = enforcement.rerun_audit(request, judge=judge, reason=reason)
    latest = casefile_decisions(request).filter(step="audit").last()
    _note(decision, judge, note)
    if decision.review_state == ReviewState.PENDING:
        state = ReviewState.OVERRIDDEN if latest.outcome != decision.outcome else ReviewState.CONFIRMED
        _review(decision, judge, state, reason, announce=False)
    return request


def casefile_decisions(case):
    from najiz.casefile.selectors import decisions_of

    return decisions_of(case)


@transaction.atomic
def lift_measure(decision: Decision, *, judge, reason: str, measure_id, note: str = ""):
    request = _request(decision)
    measure = enforcement_selectors.measure_of(request, measure_id)
    if measure is None:
        raise SupervisionError(_("No such measure on this request."))
    if not enforcement_selectors.in_force(measure):
        raise SupervisionError(_("This measure has already been lifted."))
    measure = enforcement.lift_measure_by_judge(measure, judge=judge, reason=reason)
    _note(decision, judge, note)
    if measure.decision_id == decision.pk and decision.review_state == ReviewState.PENDING:
        _review(decision, judge, ReviewState.OVERRIDDEN, reason, announce=False)
    return measure


@transaction.atomic
def retry_steps(decision: Decision, *, judge, reason: str, note: str = ""):
    """Run the automatic steps of a request set aside after they failed again (the registry data
    put right, say); the decision that set it before the judge counts as confirmed."""
    request = _request(decision)
    if decision.step != enforcement_selectors.SET_ASIDE_STEP:
        raise SupervisionError(_("Only a request set aside after its automatic steps failed can be retried."))
    request = enforcement.retry_steps(request, judge=judge, reason=reason)
    _note(decision, judge, note)
    if decision.review_state == ReviewState.PENDING:
        _review(decision, judge, ReviewState.CONFIRMED, reason, announce=False)
    return request


@transaction.atomic
def suspend(decision: Decision, *, judge, reason: str, note: str = ""):
    """Suspend the request; for an objection, until the judge decides it, its measures lifted."""
    if decision.step == "objection":
        _request(decision)
        _note(decision, judge, note)
        return _motion(motions.suspend_for_objection, decision, judge=judge, reason=reason)
    request = enforcement.suspend(_request(decision), judge=judge, reason=reason)
    _note(decision, judge, note)
    return request


# --- the parties' motions: the judge rules on the motion the decision put in the queue --------

MOTION_STEPS = {"objection", "grace_request"}


def _motion(command, decision, **kwargs):
    try:
        return command(decision, **kwargs)
    except motions.MotionRefused as refusal:
        raise SupervisionError(refusal.message) from refusal


def _ruling(decision: Decision, steps, command, *, judge, reason: str, note: str):
    _request(decision)
    if decision.step not in steps:
        raise SupervisionError(_("This action applies to a motion of the parties only."))
    _note(decision, judge, note)
    return _motion(command, decision, judge=judge, reason=reason)


@transaction.atomic
def dismiss_objection(decision: Decision, *, judge, reason: str, note: str = ""):
    return _ruling(decision, {"objection"}, motions.dismiss_objection, judge=judge, reason=reason, note=note)


@transaction.atomic
def uphold_objection(decision: Decision, *, judge, reason: str, note: str = ""):
    return _ruling(decision, {"objection"}, motions.uphold_objection, judge=judge, reason=reason, note=note)


@transaction.atomic
def resume(decision: Decision, *, judge, reason: str, note: str = ""):
    request = enforcement.resume(_request(decision), judge=judge, reason=reason)
    _note(decision, judge, note)
    return request


@transaction.atomic
def end_request(decision: Decision, *, judge, reason: str, note: str = ""):
    """End the request (every measure lifted); the decision under review is overridden."""
    request = enforcement.end_request(_request(decision), judge=judge, reason=reason)
    _note(decision, judge, note)
    if decision.review_state == ReviewState.PENDING:
        _review(decision, judge, ReviewState.OVERRIDDEN, reason, announce=False)
    return request


@transaction.atomic
def allow_grace(decision: Decision, *, judge, reason: str, note: str = ""):
    return _ruling(decision, {"grace_request"}, motions.allow_grace, judge=judge, reason=reason, note=note)


@transaction.atomic
def refuse_grace(decision: Decision, *, judge, reason: str, note: str = ""):
    return _ruling(decision, {"grace_request"}, motions.refuse_grace, judge=judge, reason=reason, note=note)


@transaction.atomic
def overrule_disclosure(decision: Decision, *, judge, reason: str, note: str = ""):
    """The disclosure does not stand: the measures apply in full (the decision is overridden)."""
    _request(decision)
    if decision.step != disclosure.STEP:
        raise SupervisionError(_("Only a disclosure of assets can be overruled."))
    _note(decision, judge, note)
    return _motion(disclosure.overrule, decision, judge=judge, reason=reason)


ACTIONS = {
    "confirm": confirm,
    "reverse": reverse_rejection,
    "rerun": rerun_audit,
    "retry": retry_steps,
    "lift": lift_measure,
    "suspend": suspend,
    "resume": resume,
    "end": end_request,
    "dismiss": dismiss_objection,
    "uphold": uphold_objection,
    "grant": allow_grace,
    "refuse": refuse_grace,
    "overrule": overrule_disclosure,
}
