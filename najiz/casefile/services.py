"""Commands that write to the case file. Callers run them inside their own transaction."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from najiz.common import clock
from najiz.common.bulk import insert_rows

from .models import Actor, Decision, Event
from .rules import RuleResult


def _case_fields(case) -> dict:
    return {"case_type": ContentType.objects.get_for_model(case), "case_id": case.pk}


def new_event(
    case, kind: str, *, actor: str = Actor.SYSTEM, user=None, params=None, decision=None, public=True
) -> Event:
    """An event not yet saved (see save_all), dated now."""
    return Event(
        **_case_fields(case),
        kind=kind,
        actor=actor,
        actor_user=user,
        params=params or {},
        decision=decision,
        public=public,
        at=clock.now(),
    )


def record_event(case, kind: str, **fields) -> Event:
    event = new_event(case, kind, **fields)
    event.save(force_insert=True)
    return event


def new_decision(
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
    """A decision not yet saved (see save_all), dated now."""
    return Decision(
        **_case_fields(case),
        step=step,
        inputs=inputs or {},
        rules=[rule.as_dict() for rule in rules],
        rules_version=rules_version,
        outcome=outcome,
        amount=amount,
        circuit=circuit,
        at=clock.now(),
    )


def record_decision(case, step: str, **fields) -> Decision:
    decision = new_decision(case, step, **fields)
    decision.save(force_insert=True)
    return decision


def save_all(*, decisions=(), events=()) -> None:
    """Insert decisions, then the events that may point at them, two statements in all."""
    insert_rows(decisions)
    insert_rows(events)


@transaction.atomic
def review_decision(decision: Decision, *, judge, state: str, reason: str) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.review_state = state
    decision.reviewed_by = judge
    decision.review_reason = reason
    decision.reviewed_at = clock.now()
    decision.save(update_fields=["review_state", "reviewed_by", "review_reason", "reviewed_at"])
    return decision


def next_case_number(prefix: str) -> str:
    """Issue the next number of a series: one statement that takes the counter's row lock until
    the caller's transaction ends, so numbers have no gaps and no duplicates."""
    from django.db import connection

    from .models import CaseNumber

    table = connection.ops.quote_name(CaseNumber._meta.db_table)
    year = clock.today().year
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, year],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{year}-{last:06d}"
