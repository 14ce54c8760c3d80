"""Thin Celery wrappers: take ids, call services, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from najiz.common.tasks import enqueue

from . import services


@shared_task(name="linkage.deliver_webhooks", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=8)
def deliver_webhooks(endpoint_id: int, request_id: int | None, conveyance_id: int | None = None) -> int:
    """Send this request's (or this conveyance's) pending events to the endpoint, oldest first;
    when the receiver fails, come back after the backoff. Returns how many were handled in this run."""
    handled = 0
    while True:
        wait = services.deliver_next(endpoint_id, request_id, conveyance_id)
        if wait is None:
            return handled
        if wait > 0:
            if deliver_webhooks.app.conf.task_always_eager:
                return handled  # in-process mode: the sweep picks it up when due (no countdown there)
            if conveyance_id:
                enqueue(deliver_webhooks, endpoint_id, None, conveyance_id, countdown=wait)
            else:
                enqueue(deliver_webhooks, endpoint_id, request_id, countdown=wait)
            return handled
        handled += 1


@shared_task(name="linkage.sweep_webhooks")
def sweep_webhooks(batch: int = 500) -> int:
    """Re-enqueue events that are due but were not sent (a lost task, a restarted worker)."""
    chains = services.stalled_chains(batch=batch)
    for endpoint_id, request_id in chains:
        enqueue(deliver_webhooks, endpoint_id, request_id)
    conveyance_chains = services.stalled_chains(batch=batch, case="conveyance")
    for endpoint_id, conveyance_id in conveyance_chains:
        enqueue(deliver_webhooks, endpoint_id, None, conveyance_id)
    return len(chains) + len(conveyance_chains)
