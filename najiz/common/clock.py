"""The one place code reads the time, so tests and demos can move it.

`now()` is timezone-aware. Tests move time with `clock.travel(delta)` or `clock.freeze(at)`; the
offset lives in this process, which the in-thread Celery worker and the live test server share.
"""

import contextlib
from datetime import datetime, timedelta

from django.utils import timezone

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def today():
    return timezone.localdate(now())


@contextlib.contextmanager
def travel(delta: timedelta):
    """Move the clock forward (or back) by delta for the duration of the block."""
    global _offset
    previous = _offset
    _offset = previous + delta
    try:
        yield
    finally:
        _offset = previous


@contextlib.contextmanager
def freeze(at: datetime):
    global _frozen
    previous = _frozen
    _frozen = at
    try:
        yield
    finally:
        _frozen = previous
