"""Thin Celery wrappers: take ids, call a service, safe to run twice."""

import logging

from celery import shared_task
from django.db import OperationalError

from najiz.common.tasks import enqueue

from . import conf, services

logger = logging.getLogger(__name__)


class _Transient(Exception):
    """Placeholder until the banks registry is importable (never raised)."""


def _transient_errors():
    try:
        return (services.bank_error_class(), OperationalError)
    except ImportError:  # pragma: no cover
        return (_Transient, OperationalError)


@shared_task(
    name="payments.execute_disbursement",
    bind=True,
    acks_late=True,
    max_retries=None,  # the service gives up (status failed) after PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS
)
def execute_disbursement(self, disbursement_id: int):
    try:
        disbursement = services.execute_disbursement(disbursement_id)
    except _transient_errors() as exc:
        if self.request.is_eager:
            # In-process (no broker): never block or fail the request that enqueued it; the
            # attempt is recorded and payments.sweep_disbursements tries again later.
            logger.warning("disbursement %s: bank refused (%s); the sweep will retry", disbursement_id, exc)
            return "pending"
        countdown = min(conf.disbursement_backoff_max(), 2 ** min(self.request.retries, 10))
        raise self.retry(exc=exc, countdown=countdown) from exc
    return disbursement.status


@shared_task(name="payments.execute_disbursements", acks_late=True)
def execute_disbursements(disbursement_ids):
    """A page's disbursements together; should that fail, each is given its own task (and its
    attempts and backoff)."""
    try:
        return len(services.execute_disbursements(disbursement_ids))
    except Exception:
        logger.warning("disbursements %s: executed together they failed; each is tried on its own",
                       disbursement_ids, exc_info=True)
        for disbursement_id in disbursement_ids:
            enqueue(execute_disbursement, disbursement_id)
        return 0


@shared_task(name="payments.sweep_disbursements", acks_late=True)
def sweep_disbursements():
    """Re-enqueue pending disbursements whose task was lost."""
    return services.requeue_stalled_disbursements()


@shared_task(name="payments.sweep_expired_invoices", acks_late=True)
def sweep_expired_invoices():
    return services.expire_invoices()


@shared_task(name="payments.sweep_gateway", acks_late=True)
def sweep_gateway():
    """Time out abandoned checkouts and re-send callbacks the portal did not acknowledge."""
    from . import gateway

    return gateway.sweep()
