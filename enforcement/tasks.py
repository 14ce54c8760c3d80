"""Thin Celery wrappers: take ids, call services, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import dispatch, motions, pipeline, services, settlement


@shared_task(name="enforcement.advance", bind=True, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def advance(self, request_id: int | None) -> str:
    return pipeline.advance(request_id)


@shared_task(name="enforcement.retry_step", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=8)
def retry_step(request_id: int) -> str:
    return pipeline.retry(request_id)


@shared_task(name="enforcement.sweep_set_aside")
def sweep_set_aside(batch: int = 500) -> int:
    """Retry, each alone, the requests set aside after a failed step whose backoff has passed."""
    return dispatch.requeue_set_aside(batch)


@shared_task(name="enforcement.sweep_stalled")
def sweep_stalled(batch: int = 500) -> int:
    """Push on any request left in an automatic state too long: the safety net for a lost task."""
    return dispatch.requeue_stalled(batch)


@shared_task(name="enforcement.apply_measures", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=8)
def apply_measures(request_id: int) -> str:
    return services.apply_measures(request_id)


@shared_task(name="enforcement.apply_measures_batch", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def apply_measures_batch(request_ids: list[int]) -> dict:
    return {str(pk): status for pk, status in services.apply_measures_batch(request_ids).items()}


@shared_task(name="enforcement.publish_notice", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def publish_notice(request_id: int) -> bool:
    return services.publish_notice(request_id)


@shared_task(
    name="enforcement.alert_deadline_near", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True
)
def alert_deadline_near(request_id: int) -> bool:
    return services.alert_deadline_near(request_id)


@shared_task(name="enforcement.end_grace", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def end_grace(request_id: int) -> bool:
    return motions.end_grace(request_id)


@shared_task(name="enforcement.sweep_deadlines")
def sweep_deadlines(batch: int = 500) -> dict:
    """Newspaper notices due, deadlines near, lapsed periods (Art. 46 measures), ended grace periods."""
    return dispatch.requeue_due(batch)


@shared_task(name="enforcement.end_plan", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def end_plan(request_id: int) -> bool:
    return settlement.end_plan(request_id)


@shared_task(name="enforcement.sweep_instalments")
def sweep_instalments(batch: int = 500) -> int:
    """Instalment plans with an instalment unpaid past its time: each ends, enforcement reactivates."""
    due = settlement.defaults_due(clock.today(), limit=batch)
    for request_id in due:
        enqueue(end_plan, request_id)
    return len(due)
