"""Sending work to the Celery broker without ever failing the person's request.

When Redis is unreachable the work is already recorded in the database (a request in an
automatic state, a pending delivery or disbursement); the sweeps find it and send it again, so
a lost message costs time, never data and never a 500.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger("najiz.tasks")


def enqueue(task, *args, countdown=None, **kwargs) -> bool:
    """Send `task(*args, **kwargs)`; False (logged) if the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
    except BrokerUnreachable as error:
        logger.warning("broker unreachable, %s%r left to the sweeps: %s", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send the task once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
