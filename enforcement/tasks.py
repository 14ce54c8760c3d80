"""Thin Celery wrappers: take ids, call services, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import pipeline, services
from .models import EnforcementRequest
from .states import AUTOMATIC, Status


@shared_task(name="enforcement.advance", bind=True, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def advance(self, request_id: int | None) -> str:
    return pipeline.advance(request_id)


@shared_task(name="enforcement.sweep_stalled")
def sweep_stalled(batch: int = 500) -> int:
    """Push on any request left in an automatic state too long: the safety net for a lost task."""
    cutoff = clock.now() - settings.STALLED_AFTER
    stalled = list(
        EnforcementRequest.objects.filter(status__in=AUTOMATIC, status_changed_at__lt=cutoff)
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:batch]
    )
    for request_id in stalled:
        enqueue(advance, request_id)
    return len(stalled)


@shared_task(name="enforcement.apply_measures", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=8)
def apply_measures(request_id: int) -> str:
    return services.apply_measures(request_id)


@shared_task(name="enforcement.publish_notice", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def publish_notice(request_id: int) -> bool:
    return services.publish_notice(request_id)


@shared_task(name="enforcement.alert_deadline_near", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def alert_deadline_near(request_id: int) -> bool:
    return services.alert_deadline_near(request_id)


@shared_task(name="enforcement.sweep_deadlines")
def sweep_deadlines(batch: int = 500) -> dict:
    """Newspaper notices due, deadlines near, and lapsed periods (Art. 46 measures).
    Suspended requests are in another state and are never touched."""
    now = clock.now()
    orders = EnforcementRequest.objects.filter(status=Status.ORDER_ISSUED)
    due = {
        publish_notice: orders.filter(notified_at__isnull=True, order__issued_at__lte=now - settings.ENFORCEMENT_NOTICE_AFTER),
        alert_deadline_near: orders.filter(deadline__gt=now, deadline__lte=now + settings.ENFORCEMENT_DEADLINE_ALERT,
                                           deadline_alerted_at__isnull=True),
        apply_measures: orders.filter(deadline__lte=now),
    }
    counts = {}
    for task, queryset in due.items():
        ids = list(queryset.order_by("deadline", "pk").values_list("pk", flat=True)[:batch])
        for request_id in ids:
            enqueue(task, request_id)
        counts[task.name] = len(ids)
    return counts
