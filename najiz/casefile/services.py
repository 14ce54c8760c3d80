"""Commands that write to the case file. Callers run them inside their own transaction."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Actor, Decision, Event
from .rules import RuleResult


def _case_fields(case) -> dict:
    return {"case_type": ContentType.objects.get_for_model(case), "case_id": case.pk}


def record_event(case, kind: str, *, actor: str = Actor.SYSTEM, user=None, params=None, decision=None, public=True) -> Event:
    return Event.objects.create(
        **_case_fields(case), kind=kind, actor=actor, actor_user=user, params=params or {}, decision=decision, public=public
    )


def record_decision(
    case,
    step: str,
    *,
    rules: Iterable[RuleResult],
    outcome: str,
    inputs: dict | None = None,
    rules_version: str,
    amount=None,
    circuit=None,
) -> Decision:
    return Decision.objects.create(
        **_case_fields(case),
        step=step,
        inputs=inputs or {},
        rules=[rule.as_dict() for rule in rules],
        rules_version=rules_version,
        outcome=outcome,
        amount=amount,
        circuit=circuit,
    )


@transaction.atomic
def review_decision(decision: Decision, *, judge, state: str, reason: str) -> Decision:
    from najiz.common import clock

    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.review_state = state
    decision.reviewed_by = judge
    decision.review_reason = reason
    decision.reviewed_at = clock.now()
    decision.save(update_fields=["review_state", "reviewed_by", "review_reason", "reviewed_at"])
    return decision


@transaction.atomic
def next_case_number(prefix: str) -> str:
    """Issue the next number of a series under a row lock: no gaps, no duplicates."""
    from najiz.common import clock

    from .models import CaseNumber

    year = clock.today().year
    CaseNumber.objects.get_or_create(prefix=prefix, year=year)
    counter = CaseNumber.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"
