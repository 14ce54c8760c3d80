"""Thin Celery wrappers: take ids, call services, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from najiz.common import clock

from . import services
from .models import EnforcementRequest
from .states import AUTOMATIC


@shared_task(name="enforcement.advance", bind=True, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def advance(self, request_id: int) -> str:
    return services.advance(request_id)


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
        advance.delay(request_id)
    return len(stalled)
