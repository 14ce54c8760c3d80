"""Sending enforcement's work to the workers: the batch of automatic steps (pipeline) a request
asks for, without a task per request while a batch is already asked for, and the sweeps that
send again what a lost task left waiting."""

import logging

from django.db import transaction

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import selectors

logger = logging.getLogger(__name__)


class _AskedFor:
    """A flag on the broker's Redis: a batch was asked for and no worker has started it yet.

    While it is up, a newly submitted request needs no task of its own: the batch asked for
    takes every request freshly waiting when it starts. A worker lowers the flag before it
    looks for requests, so a request committed after that raises it again and sends a task.
    The flag lapses after ASKED_FOR_TTL seconds, so a lost task delays requests that long at
    most (and the stalled sweep remains the safety net). Without Redis (in-process tasks,
    tests) every request sends its task."""

    KEY = "najiz:enforcement:batch-asked-for"
    TTL = 2

    def __init__(self):
        self._clients = {}

    def _client(self):
        from celery import current_app

        if current_app.conf.task_always_eager:
            return None
        url = current_app.conf.broker_url or ""
        if not url.startswith(("redis://", "rediss://")):
            return None
        if url not in self._clients:
            import redis

            self._clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return self._clients[url]

    def raise_(self) -> bool:
        """True if this caller raised the flag (and so must send the task)."""
        client = self._client()
        if client is None:
            return True
        try:
            return bool(client.set(self.KEY, 1, nx=True, ex=self.TTL))
        except Exception:
            return True

    def clear(self) -> None:
        client = self._client()
        if client is not None:
            try:
                client.delete(self.KEY)
            except Exception:
                logger.warning("could not lower the enforcement batch flag")


_asked_for = _AskedFor()


def ask_for_batch(request_id: int | None) -> None:
    """Have a worker run a batch (naming `request_id`), unless one is asked for already."""
    from .tasks import advance

    if _asked_for.raise_():
        enqueue(advance, request_id)


def ask_for_next_batch() -> None:
    """More requests may wait than one batch takes: ask for the next one now, so that another
    worker takes it (skipping the rows this batch holds) while this one runs. Tasks run
    in-process would run inside this batch's transaction: they wait for its commit."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: ask_for_batch(None))
    else:
        ask_for_batch(None)


def batch_started() -> None:
    """A worker starts a batch: the flag comes down before it looks for requests."""
    _asked_for.clear()


# --- the sweeps: the safety net for a lost task -----------------------------------------------


def requeue_stalled(batch: int = 500) -> int:
    """A task for every request left in an automatic state too long; how many."""
    from .tasks import advance

    stalled = selectors.stalled_ids(limit=batch)
    for request_id in stalled:
        enqueue(advance, request_id)
    return len(stalled)


def requeue_set_aside(batch: int = 500) -> int:
    """A retry task for every request set aside whose backoff has passed; how many."""
    from .tasks import retry_step

    due = selectors.retries_due(clock.now(), limit=batch)
    for request_id in due:
        enqueue(retry_step, request_id)
    return len(due)


def requeue_due(batch: int = 500) -> dict:
    """A task for every order whose notice, deadline alert or measures are due; how many of
    each, by task name."""
    from . import tasks

    counts = {}
    for step, ids in selectors.due_steps(clock.now()).items():
        task = getattr(tasks, step)
        ids = list(ids[:batch])
        for request_id in ids:
            enqueue(task, request_id)
        counts[task.name] = len(ids)
    return counts
