"""Thin Celery wrappers: take ids, call services, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.db.models import Q

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import services
from .models import Conveyance
from .states import AUTOMATIC, Status


@shared_task(name="conveyance.advance", bind=True, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def advance(self, conveyance_id: int) -> str:
    """Run the automatic steps: eligibility checks, transfer after payment, completion."""
    return services.advance(conveyance_id)


@shared_task(name="conveyance.payment_received", bind=True, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=8)
def payment_received(self, conveyance_id: int) -> str:
    return services.payment_received(conveyance_id).status


@shared_task(name="conveyance.sweep_expired", acks_late=True)
def sweep_expired(batch: int = 200) -> int:
    """Expire offers, consents and invoices nobody answered within CONVEYANCE_OFFER_TTL."""
    return services.expire_due(batch)


@shared_task(name="conveyance.sweep_stalled")
def sweep_stalled(batch: int = 500) -> int:
    """Push on any conveyance left in an automatic state too long (a lost task), and any whose
    invoice was paid without the payment having been taken into account."""
    cutoff = clock.now() - settings.STALLED_AFTER
    stalled = list(
        Conveyance.objects.filter(status__in=AUTOMATIC, status_changed_at__lt=cutoff)
        .order_by("status_changed_at").values_list("pk", flat=True)[:batch]
    )
    unpaid = list(
        Conveyance.objects.filter(status=Status.AWAITING_PAYMENT, invoice__status="paid")
        .filter(Q(tax_invoice__isnull=True) | Q(tax_invoice__status="paid"))
        .values_list("pk", flat=True)[:batch]
    )
    for pk in stalled:
        enqueue(advance, pk)
    for pk in unpaid:
        enqueue(payment_received, pk)
    return len(stalled) + len(unpaid)
