"""The one place code reads the time, so tests and demos can move it.

`now()` is timezone-aware. Tests move time with `clock.travel(delta)` or `clock.freeze(at)`; the
offset lives in this process, which the in-thread Celery worker and the live test server share.

The demo clock (DEMO_CLOCK, development only) adds an offset kept in the database
(common.DemoClock), so every process of `make run` (the web server, the sweeps, a worker) sees the
same moved time, and it survives a restart. `now()` never queries for it on each call: the offset
is kept in this process and read again at most every DEMO_REFRESH_SECONDS, and at once after this
process moved it (`set_demo_offset`) or the setting changed.
"""

import contextlib
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

DEMO_REFRESH_SECONDS = 1.0

_offset = timedelta(0)
_frozen: datetime | None = None
# (offset, when it was read on time.monotonic()); None: read it at the next now()
_demo: tuple[timedelta, float] | None = None
_demo_lock = threading.Lock()


def demo_clock_on() -> bool:
    """The demo clock exists only with DEMO_CLOCK on, and never in production (a system check
    refuses the setting there too, najiz.E006)."""
    return bool(getattr(settings, "DEMO_CLOCK", False)) and getattr(settings, "DJANGO_ENV", "") != "production"


def _read_demo_offset() -> timedelta:
    from django.db import DatabaseError, transaction
    from django.db.transaction import TransactionManagementError

    from .models import DemoClock

    try:
        with transaction.atomic():  # a savepoint: a missing table (before migrate) breaks no caller's transaction
            offset = DemoClock.objects.filter(pk=1).values_list("offset", flat=True).first()
    except (DatabaseError, TransactionManagementError):
        return _demo[0] if _demo is not None else timedelta(0)
    return offset or timedelta(0)


def demo_offset() -> timedelta:
    """How far the demo clock has moved the portal's time (zero when it is off)."""
    global _demo
    if not demo_clock_on():
        return timedelta(0)
    cached = _demo
    if cached is not None and time.monotonic() - cached[1] < DEMO_REFRESH_SECONDS:
        return cached[0]
    with _demo_lock:
        offset = _read_demo_offset()
        _demo = (offset, time.monotonic())
    return offset


def set_demo_offset(offset: timedelta) -> timedelta:
    """Keep the demo clock's offset in the database and use it in this process at once."""
    global _demo
    from .models import DemoClock

    DemoClock.objects.update_or_create(pk=1, defaults={"offset": offset})
    _demo = (offset, time.monotonic())
    return offset


def forget_demo_offset() -> None:
    """Read the offset from the database again at the next now() (a test's rolled-back row)."""
    global _demo
    _demo = None


@receiver(setting_changed, dispatch_uid="najiz.common.clock.setting_changed")
def _setting_changed(setting, **kwargs):
    if setting in ("DEMO_CLOCK", "DJANGO_ENV"):
        forget_demo_offset()


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset + demo_offset()


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
