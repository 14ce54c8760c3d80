"""Requests set aside after their automatic step failed (docs/operations.md, "Requests set aside").

A request whose audit, referral or order fails on its own data (pipeline.Batch) is left out of
the batch it was in, which goes on without it, and recorded here: the step, the error's class,
when, how many times. The fresh batches and the stalled sweep skip it; the quarantine sweep
retries it alone once its backoff has passed (ENFORCEMENT_STEP_RETRY_DELAY, doubling, capped).
At ENFORCEMENT_STEP_MAX_FAILURES the retries stop and a decision in the supervision queue asks
the judges of its circuit (the capital's when it has none yet) to look at it; a judge's retry
clears it. The creditor sees the request as delayed, never the error.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from najiz.casefile import services as casefile
from najiz.casefile.rules import result
from najiz.common import clock

from . import rules
from .models import Circuit, EnforcementRequest, StepFailure
from .selectors import SET_ASIDE_STEP

logger = logging.getLogger(__name__)

STEP = SET_ASIDE_STEP  # the decision's step, in the supervision queue
OUTCOME = "needs_person"
CAPITAL = "riyadh"


@dataclass
class Failure:
    request: EnforcementRequest
    step: str
    error: Exception


def retry_delay(failures: int) -> timedelta:
    """How long after its `failures`-th failure a request is retried: the base delay, doubled at
    each further failure, capped."""
    delay = settings.ENFORCEMENT_STEP_RETRY_DELAY * 2 ** max(failures - 1, 0)
    return min(delay, settings.ENFORCEMENT_STEP_RETRY_MAX_DELAY)


def needs_person(failures: int) -> bool:
    return failures >= settings.ENFORCEMENT_STEP_MAX_FAILURES


def error_name(error: Exception) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def set_aside(failures: list[Failure]) -> None:
    """Record each failure on its request (inside the batch's transaction): a retry after its
    backoff, or, at the last failure allowed, a decision for a judge."""
    if not failures:
        return
    now = clock.now()
    known = {f.request_id: f for f in StepFailure.objects.filter(request__in=[f.request.pk for f in failures])}
    for failure in failures:
        request, name = failure.request, error_name(failure.error)
        logger.warning("enforcement request %s failed its %s step (%s); set aside", request.pk, failure.step, name,
                       exc_info=failure.error)
        row = known.get(request.pk) or StepFailure(request=request, first_failed_at=now, failures=0)
        row.failures += 1
        row.step, row.error, row.message, row.last_failed_at = failure.step, name[:200], str(failure.error)[:500], now
        if needs_person(row.failures):
            row.retry_at = None
            row.decision = _hand_over(request, row)
        else:
            row.retry_at = now + retry_delay(row.failures)
        row.save()


def _hand_over(request: EnforcementRequest, row: StepFailure):
    """The decision that puts the request before the judges of its circuit (the capital's, or any
    circuit's, before it is referred)."""
    circuit = request.circuit or (
        Circuit.objects.filter(city=CAPITAL).order_by("code").first() or Circuit.objects.order_by("code").first()
    )
    inputs = {"step": row.step, "error": row.error, "message": row.message, "failures": row.failures,
              "first_failed_at": row.first_failed_at.isoformat(), "last_failed_at": row.last_failed_at.isoformat()}
    checks = [result("step_failed", False, rules.STEP_FAILED, failures=row.failures)]
    return casefile.record_decision(request, STEP, rules=checks, outcome=OUTCOME, inputs=inputs,
                                    rules_version=rules.RULES_VERSION, amount=request.amount_claimed, circuit=circuit)


def release(request_ids) -> int:
    """The requests leave the quarantine (their step passed, or a judge retries them); how many."""
    return StepFailure.objects.filter(request__in=list(request_ids)).delete()[0]
