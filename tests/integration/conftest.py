"""A real Celery worker, in a thread of the test process, consuming from Redis.

The tests here use `transactional_db`, so what the web side commits is visible to the worker,
and tasks go through the broker exactly as in deployment (no eager mode).
"""

import pytest
from celery.contrib.testing.worker import start_worker

from najiz.celery import app as celery_app


@pytest.fixture
def celery_worker(transactional_db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=30) as worker:
        yield worker
    celery_app.conf.task_always_eager = True


def wait_for(predicate, timeout=30.0, interval=0.1):
    """Poll until predicate() is truthy; return its value or fail the test with what was last seen."""
    import time

    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    assert value, f"condition not met within {timeout}s"
    return value
