"""Commands of the notifications app. Each is one transaction; sending happens after commit.

notify()               create a notification and its deliveries, enqueue the sending
notify_many()          the same for a batch of Notices, in two INSERTs whatever their number
attempt_delivery()     one attempt on one (notification, channel), exactly once
attempt_deliveries()   the same for a batch of deliveries, in one transaction
requeue_undelivered()  the sweep: re-enqueue deliveries whose task was lost
mark_read() / mark_all_read()
"""

import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from najiz.common import clock
from najiz.common.bulk import insert_rows, update_rows
from najiz.common.tasks import enqueue

from . import conf, kinds
from .channels import Channel, get_channel
from .models import Delivery, Notification

__all__ = [
    "Notice",
    "attempt_deliveries",
    "attempt_delivery",
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_many",
    "requeue_undelivered",
    "retry_delay",
]

logger = logging.getLogger("notifications")

# A retry fired by Celery's countdown may arrive a little before next_attempt_at by another clock.
DUE_TOLERANCE = timedelta(seconds=5)

# What an attempt records on its delivery.
OUTCOME_FIELDS = [
    "status",
    "attempts",
    "last_attempt_at",
    "next_attempt_at",
    "last_error",
    "delivered_at",
    "provider_ref",
]


class _Backends(dict):
    """Channel backends by name, each resolved (imported and instantiated) once per command."""

    def __missing__(self, name: str) -> Channel:
        self[name] = backend = get_channel(name)
        return backend


def _enqueue(delivery_ids: list[int]) -> None:
    """Send the deliveries to `notifications.deliver_many`, NOTIFICATION_DELIVERY_BATCH per task."""
    from .tasks import deliver_many

    size = conf.delivery_batch()
    for start in range(0, len(delivery_ids), size):
        enqueue(deliver_many, list(delivery_ids[start : start + size]))


def _enqueue_retries(retries: list[tuple[int, datetime]]) -> None:
    """One `notifications.deliver` per failed delivery, due when its next attempt is (as its own retry)."""
    from .tasks import deliver

    now = clock.now()
    for delivery_id, next_attempt_at in retries:
        enqueue(deliver, delivery_id, countdown=max((next_attempt_at - now).total_seconds(), 0))


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError("A notification links to a path of this site, starting with a single '/'.")
    return url


def _channel_names(configured: dict[str, str], channels) -> list[str]:
    if channels is None:
        return list(configured)
    unknown = set(channels) - set(Delivery.Channel.values)
    if unknown:
        raise ValueError(f"Unknown notification channels: {sorted(unknown)}")
    return [name for name in configured if name in set(channels)]


@dataclass(frozen=True)
class Notice:
    """One notification to create with notify_many(): the arguments of notify(), as a value."""

    recipient: object
    kind: str
    params: dict | None = None
    url: str = ""
    case: object = None
    channels: Sequence[str] | None = None


def notify(
    recipient, kind: str, *, params: dict | None = None, url: str = "", case=None, channels=None
) -> Notification:
    """Notify `recipient` of `kind` on every configured channel (or those of `channels` that are).

    The texts are rendered now in Arabic and English. The in-app delivery is made at once; SMS and
    e-mail are sent by a `notifications.deliver_many` task after the caller's transaction commits. A
    channel the recipient has no address for (no mobile, no e-mail) is recorded as skipped.
    Its deliveries as created are in `notification.created_deliveries` (see notify_many).
    """
    return notify_many([Notice(recipient, kind, params=params, url=url, case=case, channels=channels)])[0]


def notify_many(notices: Iterable[Notice]) -> list[Notification]:
    """notify() for each of `notices`, in one transaction: one INSERT of the notifications, one of
    all their deliveries, whatever their number. Returns the notifications in the order given.

    Each returned notification carries its deliveries as this call created them, in channel order,
    in the list `notification.created_deliveries` (no query to read it; each delivery's
    `.notification` is that notification): in-app already sent, SMS and e-mail pending, or skipped
    for want of an address. That is their state at creation; `notification.deliveries.all()` still
    reads the database, for their state once the tasks have run.

    Every notice is checked and rendered before anything is written: an unknown kind, a missing
    parameter, an unknown channel or a link off the site raises and creates nothing. After commit,
    the pending SMS and e-mail deliveries of the whole batch go to `notifications.deliver_many`
    tasks of up to NOTIFICATION_DELIVERY_BATCH deliveries each.
    """
    notices = list(notices)
    if not notices:
        return []
    configured = conf.channels()
    case_models = {type(notice.case) for notice in notices if notice.case is not None}
    case_types = ContentType.objects.get_for_models(*case_models) if case_models else {}
    now = clock.now()
    drafts: list[tuple[Notification, list[str]]] = []
    for notice in notices:
        params = dict(notice.params or {})
        texts = {language: kinds.render(notice.kind, params, language) for language in ("ar", "en")}
        names = _channel_names(configured, notice.channels)
        recipient, case = notice.recipient, notice.case
        notification = Notification(
            recipient=recipient,
            kind=notice.kind,
            params=params,
            language=recipient.language if recipient.language in ("ar", "en") else "ar",
            subject_ar=texts["ar"][0],
            body_ar=texts["ar"][1],
            subject_en=texts["en"][0],
            body_en=texts["en"][1],
            url=_check_url(notice.url),
            case_type=case_types[type(case)] if case is not None else None,
            case_id=case.pk if case is not None else None,
            created_at=now,
        )
        drafts.append((notification, names))

    backends = _Backends()
    # No savepoint of its own (two round trips fewer for every caller): what could fail was checked
    # above, and should an INSERT fail all the same, the caller's transaction is rolled back with it.
    with transaction.atomic(savepoint=False):
        insert_rows(notification for notification, _names in drafts)
        deliveries = []
        for notification, names in drafts:
            own = []
            for name in names:
                channel = backends[name]
                address = channel.address_for(notification.recipient)
                delivery = Delivery(notification=notification, channel=name, address=address, created_at=now)
                if channel.delivered_on_creation:
                    delivery.status = Delivery.Status.SENT
                    delivery.attempts = 1
                    delivery.last_attempt_at = delivery.delivered_at = now
                    delivery.provider_ref = channel.send(delivery)
                elif channel.needs_address and not address:
                    delivery.status = Delivery.Status.SKIPPED
                else:
                    delivery.next_attempt_at = now
                own.append(delivery)
            notification.created_deliveries = own
            deliveries.extend(own)
        insert_rows(deliveries)
        for delivery in deliveries:
            delivery._delivered_when_loaded = delivery.delivered_at is not None  # as Delivery.save() leaves it
        to_send = [delivery.pk for delivery in deliveries if delivery.status == Delivery.Status.PENDING]
        if to_send:
            transaction.on_commit(lambda: _enqueue(to_send), robust=True)
    return [notification for notification, _names in drafts]


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failure, capped, with up to 20 % jitter."""
    base = conf.retry_backoff().total_seconds()
    delay = min(conf.retry_backoff_max().total_seconds(), base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay * random.uniform(1.0, 1.2))


def _is_due(delivery: Delivery, now: datetime) -> bool:
    return (
        delivery.status in Delivery.OPEN
        and delivery.attempts < conf.max_attempts()
        and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now + DUE_TOLERANCE)
    )


def _send(delivery: Delivery, backends: _Backends, now: datetime) -> None:
    """One attempt at `delivery` through its channel; the outcome is recorded on it, not saved.

    A savepoint is taken around the send only for a backend that says it touches the database
    (Channel.touches_database): in a batch, a database error inside a send without one would abort
    the whole transaction and lose the record of every message already sent in it. The built-in
    in-app, SMS and e-mail backends (with Django's own e-mail backends) make no query — the delivery
    comes with its notification and recipient — so they are sent without the two extra round trips.
    """
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        channel = backends[delivery.channel]
        if channel.touches_database:
            with transaction.atomic():
                provider_ref = channel.send(delivery)
        else:
            provider_ref = channel.send(delivery)
    except Exception as error:  # any failure of the channel is recorded and retried
        logger.warning("Notification delivery %s (%s) failed: %r", delivery.pk, delivery.channel, error)
        delivery.status = Delivery.Status.FAILED
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        delivery.next_attempt_at = (
            now + retry_delay(delivery.attempts) if delivery.attempts < conf.max_attempts() else None
        )
    else:
        delivery.status = Delivery.Status.SENT
        delivery.delivered_at = clock.now()
        delivery.provider_ref = str(provider_ref or "")[:255]
        delivery.last_error = ""
        delivery.next_attempt_at = None


def attempt_deliveries(delivery_ids: Iterable[int], *, enqueue_retries: bool = True) -> list[Delivery]:
    """Send each of `delivery_ids` that is due through its channel, in one transaction; record the
    outcomes in one UPDATE; return the deliveries this run held, in id order.

    The rows are locked (in id order) while they are sent, so a second run — a duplicate task, a
    retry, the sweep — skips the locked ones or, once this one is committed, finds them delivered:
    each (notification, channel) is sent once. A delivery that is not due (delivered, skipped,
    given up, or its next attempt is later) is returned unchanged; one that does not exist or that
    another run holds is left out. A failure is recorded (attempts, last_error) with the time of its
    next attempt, or given up after NOTIFICATION_MAX_ATTEMPTS; with `enqueue_retries`, a
    `notifications.deliver` task is sent for it after commit, due at that time.
    """
    ids = sorted(set(delivery_ids))
    if not ids:
        return []
    backends = _Backends()
    with transaction.atomic():
        deliveries = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        attempted = []
        for delivery in deliveries:
            now = clock.now()
            if _is_due(delivery, now):
                _send(delivery, backends, now)
                attempted.append(delivery)
        if attempted:
            update_rows(attempted, OUTCOME_FIELDS)
            for delivery in attempted:
                delivery._delivered_when_loaded = delivery.delivered_at is not None  # as Delivery.save() leaves it
        retries = [
            (delivery.pk, delivery.next_attempt_at)
            for delivery in attempted
            if delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is not None
        ]
        if enqueue_retries and retries:
            transaction.on_commit(lambda: _enqueue_retries(retries), robust=True)
    return deliveries


def attempt_delivery(delivery_id: int) -> Delivery | None:
    """attempt_deliveries() of one delivery, whose retry is left to the caller (the `deliver` task
    retries itself with Celery's countdown).

    Returns the delivery (sent, failed, or unchanged when it was not due), or None when it does not
    exist or another run holds it.
    """
    deliveries = attempt_deliveries([delivery_id], enqueue_retries=False)
    return deliveries[0] if deliveries else None


def requeue_undelivered(*, limit: int | None = None) -> int:
    """Re-enqueue deliveries due for longer than NOTIFICATION_SWEEP_AFTER (their task was lost).

    Batched (NOTIFICATION_SWEEP_BATCH), oldest first, sent to `notifications.deliver_many` tasks of
    NOTIFICATION_DELIVERY_BATCH each. Each one picked gets next_attempt_at = now, so
    a second run right after picks nothing until the grace period passes again. Returns the count.
    """
    now = clock.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=Delivery.OPEN,
                attempts__lt=conf.max_attempts(),
                next_attempt_at__lte=now - conf.sweep_after(),
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[: limit or conf.sweep_batch()]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
            transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return len(ids)


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read (Notification.DoesNotExist if it is not theirs)."""
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=clock.now()
        )
        return Notification.objects.get(pk=notification_id, recipient=user)


def mark_all_read(user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())
