"""Commands of the notifications app. Each is one transaction; sending happens after commit.

notify()               create a notification and its deliveries, enqueue the sending
attempt_delivery()     one attempt on one (notification, channel), exactly once
requeue_undelivered()  the sweep: re-enqueue deliveries whose task was lost
mark_read() / mark_all_read()
"""

import logging
import random
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from najiz.common import clock
from najiz.common.tasks import enqueue

from . import conf, kinds
from .channels import get_channel
from .models import Delivery, Notification

logger = logging.getLogger("notifications")

# A retry fired by Celery's countdown may arrive a little before next_attempt_at by another clock.
DUE_TOLERANCE = timedelta(seconds=5)


def _enqueue(delivery_ids: list[int]) -> None:
    from .tasks import deliver

    for delivery_id in delivery_ids:
        enqueue(deliver, delivery_id)


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError("A notification links to a path of this site, starting with a single '/'.")
    return url


@transaction.atomic
def notify(recipient, kind: str, *, params: dict | None = None, url: str = "", case=None, channels=None) -> Notification:
    """Notify `recipient` of `kind` on every configured channel (or those of `channels` that are).

    The texts are rendered now in Arabic and English. The in-app delivery is made at once; SMS and
    e-mail are sent by `notifications.deliver` tasks after the caller's transaction commits. A
    channel the recipient has no address for (no mobile, no e-mail) is recorded as skipped.
    """
    params = dict(params or {})
    texts = {language: kinds.render(kind, params, language) for language in ("ar", "en")}
    configured = conf.channels()
    if channels is None:
        names = list(configured)
    else:
        unknown = set(channels) - set(Delivery.Channel.values)
        if unknown:
            raise ValueError(f"Unknown notification channels: {sorted(unknown)}")
        names = [name for name in configured if name in set(channels)]
    language = recipient.language if recipient.language in ("ar", "en") else "ar"
    now = clock.now()
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        params=params,
        language=language,
        subject_ar=texts["ar"][0],
        body_ar=texts["ar"][1],
        subject_en=texts["en"][0],
        body_en=texts["en"][1],
        url=_check_url(url),
        case_type=ContentType.objects.get_for_model(case) if case is not None else None,
        case_id=case.pk if case is not None else None,
        created_at=now,
    )
    deliveries = []
    for name in names:
        channel = get_channel(name)
        address = channel.address_for(recipient)
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
        deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries)
    to_send = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
    if to_send:
        transaction.on_commit(lambda: _enqueue(to_send), robust=True)
    return notification


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


def attempt_delivery(delivery_id: int) -> Delivery | None:
    """Send one delivery through its channel if it is due; record the outcome; return it.

    The delivery row stays locked while it is sent, so a second run — a duplicate task, a retry, the
    sweep — either skips the locked row or, once it is committed, finds it delivered: each
    (notification, channel) is sent once. A run that is not due (delivered, skipped, given up, or
    its next attempt is later) changes nothing. A failure is recorded (attempts, last_error) with
    the time of the next attempt, or given up after NOTIFICATION_MAX_ATTEMPTS.
    Returns None when the delivery does not exist or another run holds it.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        now = clock.now()
        if delivery is None or not _is_due(delivery, now):
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            with transaction.atomic():
                provider_ref = get_channel(delivery.channel).send(delivery)
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
        delivery.save(
            update_fields=[
                "status", "attempts", "last_attempt_at", "next_attempt_at", "last_error", "delivered_at", "provider_ref",
            ]
        )
    return delivery


def requeue_undelivered(*, limit: int | None = None) -> int:
    """Re-enqueue deliveries due for longer than NOTIFICATION_SWEEP_AFTER (their task was lost).

    Batched (NOTIFICATION_SWEEP_BATCH), oldest first. Each one picked gets next_attempt_at = now, so
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
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=clock.now())
        return Notification.objects.get(pk=notification_id, recipient=user)


def mark_all_read(user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())
