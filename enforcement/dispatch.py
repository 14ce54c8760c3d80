"""Sending enforcement's work to the workers: the batch of automatic steps (pipeline) a request
asks for, without a task per request while a batch is already asked for, and the sweeps that
send again what a lost task left waiting."""

import logging

from django.conf import settings
from django.db import transaction

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import selectors

logger = logging.getLogger(__name__)


_clients = {}


def _broker_redis():
    """The broker's Redis, or None when tasks run in-process or the broker is not Redis."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        return None
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _clients[url]


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

    def raise_(self) -> bool:
        """True if this caller raised the flag (and so must send the task)."""
        client = _broker_redis()
        if client is None:
            return True
        try:
            return bool(client.set(self.KEY, 1, nx=True, ex=self.TTL))
        except Exception:
            return True

    def clear(self) -> None:
        client = _broker_redis()
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


class _Queued:
    """The due steps a sweep has queued and no worker has done yet: a key per (step, request,
    due moment) on the broker's Redis, lapsing after ENFORCEMENT_DUE_QUEUED_SECONDS. Each beat
    queues every due step, but only once, however many beats pass while the workers go through a
    national backlog (20,000 periods lapsing at once); a lost task is queued again when its key
    lapses. Without Redis every due step is queued again (the steps are idempotent)."""

    PREFIX = "najiz:enforcement:due"

    def fresh(self, step: str, due: list[tuple[int, object]]) -> list[int]:
        client = _broker_redis()
        if client is None:
            return [pk for pk, _when in due]
        ttl = int(settings.ENFORCEMENT_DUE_QUEUED_SECONDS)
        pipe = client.pipeline(transaction=False)
        for pk, when in due:
            pipe.set(f"{self.PREFIX}:{step}:{pk}:{when.timestamp() if when else ''}", 1, nx=True, ex=ttl)
        try:
            added = pipe.execute()
        except Exception:
            logger.warning("could not mark the due %s steps queued; queueing them all", step)
            return [pk for pk, _when in due]
        return [pk for (pk, _when), new in zip(due, added, strict=True) if new]


_queued = _Queued()


def _pages(rows, size: int):
    page = []
    for item in rows:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def requeue_due(batch: int = 500) -> dict:
    """A task for every order whose notice, deadline alert, measures or end of grace is due and
    not queued already, read `batch` at a time; how many requests were sent, by the step's task
    name. Lapsed periods go ENFORCEMENT_MEASURES_BATCH_SIZE to a task."""
    from . import tasks

    counts = {}
    for step, due in selectors.due_steps(clock.now()).items():
        task = getattr(tasks, step)
        sent = 0
        for page in _pages(due.iterator(chunk_size=batch), batch):
            fresh = _queued.fresh(step, page)
            if step == "apply_measures":  # by the page: one transaction for many (a national sweep)
                for part in _pages(fresh, max(1, settings.ENFORCEMENT_MEASURES_BATCH_SIZE)):
                    enqueue(tasks.apply_measures_batch, part)
            else:
                for request_id in fresh:
                    enqueue(task, request_id)
            sent += len(fresh)
        counts[task.name] = sent
    return counts
