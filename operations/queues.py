"""The Celery queues' depths, read from the broker's Redis.

A queue on Redis is a list named after it, plus one list per message priority step
(kombu's "<queue>\\x06\\x16<step>"); its depth is the sum of their lengths. Without Redis there
are no queues to measure (None); with Redis unreachable the depths are unknown (None), never an
error: the metrics say so with `najiz_broker_up 0`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)  # kombu's steps above 0; priority 0 is the queue's own list


@dataclass(frozen=True)
class QueueDepths:
    up: bool
    depths: dict  # queue name → messages waiting; empty when the broker is down


def queue_names() -> list[str]:
    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


def _client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def queue_depths() -> QueueDepths | None:
    """The depth of each queue, or None when the portal runs without Redis."""
    if not str(settings.REDIS_URL).startswith(("redis://", "rediss://", "unix://")):
        return None
    names = queue_names()
    try:
        client = _client()
        try:
            pipe = client.pipeline(transaction=False)
            for name in names:
                pipe.llen(name)
                for step in PRIORITY_STEPS:
                    pipe.llen(f"{name}{PRIORITY_SEPARATOR}{step}")
            lengths = pipe.execute()
        finally:
            client.close()
    except Exception:
        logger.warning("queue depths: the broker's Redis did not answer", exc_info=True)
        return QueueDepths(up=False, depths={})
    per_queue = len(PRIORITY_STEPS) + 1
    return QueueDepths(
        up=True,
        depths={name: sum(lengths[i * per_queue:(i + 1) * per_queue]) for i, name in enumerate(names)},
    )
