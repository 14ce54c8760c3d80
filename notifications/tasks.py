"""Celery tasks of the notifications app: thin wrappers around notifications.services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from najiz.common import clock

from . import services
from .models import Delivery

# The database itself unreachable: try again later (a channel's failures are handled by the services).
DATABASE_RETRIES = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_kwargs": {"max_retries": 10},
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
}


@shared_task(
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    max_retries=None,  # bounded by NOTIFICATION_MAX_ATTEMPTS on the delivery itself
    ignore_result=True,
    **DATABASE_RETRIES,
)
def deliver(self, delivery_id: int) -> str | None:
    """Send one delivery; idempotent (a delivered one is left alone), retried with backoff.

    The number of attempts lives on the Delivery (NOTIFICATION_MAX_ATTEMPTS), not in Celery, so a
    retry chain restarted by the sweep keeps counting. Run in-process (eager, or called directly),
    a failure is not retried on the spot — that would hold up the caller — but left to
    `notifications.sweep_undelivered` once it is due.
    """
    delivery = services.attempt_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is not None:
        if not (self.request.called_directly or self.request.is_eager):
            countdown = max((delivery.next_attempt_at - clock.now()).total_seconds(), 0)
            raise self.retry(countdown=countdown)
    return delivery.status


@shared_task(bind=True, name="notifications.deliver_many", acks_late=True, ignore_result=True, **DATABASE_RETRIES)
def deliver_many(self, delivery_ids: list[int]) -> None:
    """Send a batch of deliveries in one transaction; idempotent like `deliver`.

    Each failure that has a next attempt gets its own `notifications.deliver` task, due then — in a
    worker only: run in-process, failures are left to the sweep, as with `deliver`.
    """
    services.attempt_deliveries(
        delivery_ids, enqueue_retries=not (self.request.called_directly or self.request.is_eager)
    )


@shared_task(name="notifications.sweep_undelivered", acks_late=True)
def sweep_undelivered() -> int:
    """Re-enqueue deliveries whose task was lost (batched, idempotent); returns how many."""
    return services.requeue_undelivered()
