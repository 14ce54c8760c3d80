"""The deliver task: exactly once per (notification, channel); failures retried without blocking others."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, connection, transaction

from najiz.common import clock
from notifications import selectors, services, tasks
from notifications.channels import LocMemSMSChannel
from notifications.models import Delivery, Notification, ProofIsFinal

from .conftest import KIND

PARAMS = {"number": "EN-2025-000001", "amount": "1,500.00"}


def deliveries_of(notification):
    return {d.channel: d for d in Delivery.objects.filter(notification=notification)}


def notify(person):
    """A notification whose SMS / e-mail tasks have not run yet (as if the broker held them)."""
    return services.notify(person, KIND, params=PARAMS, url="/cases/1/")


class FlakySMS:
    """Makes the SMS channel fail until `healthy` is set."""

    def __init__(self, monkeypatch):
        self.healthy = False
        self.calls = 0
        original = LocMemSMSChannel.transmit

        def transmit(channel, sms):
            self.calls += 1
            if not self.healthy:
                raise ConnectionError("SMS gateway unreachable")
            return original(channel, sms)

        monkeypatch.setattr(LocMemSMSChannel, "transmit", transmit)


@pytest.mark.django_db
def test_running_the_task_twice_delivers_once_on_every_channel(person, sms_outbox):
    notification = notify(person)
    for delivery in deliveries_of(notification).values():
        tasks.deliver(delivery.pk)
        tasks.deliver(delivery.pk)
    tasks.deliver.delay(deliveries_of(notification)["sms"].pk)  # and once more through Celery
    assert len(sms_outbox) == 1
    assert len(mail.outbox) == 1
    deliveries = deliveries_of(notification)
    assert {c: d.status for c, d in deliveries.items()} == {"in_app": "sent", "sms": "sent", "email": "sent"}
    assert {c: d.attempts for c, d in deliveries.items()} == {"in_app": 1, "sms": 1, "email": 1}


@pytest.mark.django_db
def test_one_delivery_per_channel_in_the_database(person):
    notification = notify(person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(notification=notification, channel="sms")


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_deliver_once(person, sms_outbox, monkeypatch):
    """Two workers run the same delivery at the same moment (PostgreSQL row lock)."""
    notification = notify(person)
    sms = deliveries_of(notification)["sms"]
    original = LocMemSMSChannel.transmit
    both_started = threading.Barrier(2, timeout=10)

    def slow_transmit(channel, message):
        time.sleep(0.5)  # the other run reaches the row while this one holds it
        return original(channel, message)

    monkeypatch.setattr(LocMemSMSChannel, "transmit", slow_transmit)
    errors = []

    def run():
        try:
            both_started.wait()
            tasks.deliver(sms.pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(sms_outbox) == 1
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.SENT and sms.attempts == 1


@pytest.mark.django_db
def test_a_failing_channel_is_retried_and_does_not_block_the_others(person, sms_outbox, monkeypatch, travel, settings):
    settings.NOTIFICATION_RETRY_BACKOFF = timedelta(seconds=30)
    flaky = FlakySMS(monkeypatch)
    notification = notify(person)
    ids = {c: d.pk for c, d in deliveries_of(notification).items()}
    for delivery_id in ids.values():
        assert tasks.deliver(delivery_id) in ("sent", "failed")

    deliveries = deliveries_of(notification)
    sms = deliveries["sms"]
    assert deliveries["email"].status == deliveries["in_app"].status == Delivery.Status.SENT
    assert len(mail.outbox) == 1
    assert sms.status == Delivery.Status.FAILED
    assert sms.attempts == 1
    assert "SMS gateway unreachable" in sms.last_error
    assert sms.next_attempt_at > clock.now() + timedelta(seconds=25)
    assert sms.delivered_at is None

    # Not due yet: a stray run changes nothing.
    tasks.deliver(ids["sms"])
    assert Delivery.objects.get(pk=ids["sms"]).attempts == 1 and flaky.calls == 1

    # Due again and still failing: the backoff doubles.
    with travel(timedelta(seconds=40)):
        tasks.deliver(ids["sms"])
        sms = Delivery.objects.get(pk=ids["sms"])
        assert sms.attempts == 2 and sms.status == Delivery.Status.FAILED
        assert sms.next_attempt_at - sms.last_attempt_at >= timedelta(seconds=60)

    # The gateway is back: the next retry sends once, and further runs do nothing.
    flaky.healthy = True
    with travel(timedelta(minutes=5)):
        assert tasks.deliver(ids["sms"]) == "sent"
        tasks.deliver(ids["sms"])
    sms = Delivery.objects.get(pk=ids["sms"])
    assert sms.status == Delivery.Status.SENT and sms.attempts == 3 and sms.last_error == ""
    assert sms.delivered_at and sms.provider_ref == sms_outbox[0].ref
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_gives_up_after_the_maximum_attempts(person, monkeypatch, travel, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    FlakySMS(monkeypatch)
    deliveries = deliveries_of(notify(person))
    tasks.deliver(deliveries["email"].pk)
    sms = deliveries["sms"]
    for hours in range(5):
        with travel(timedelta(hours=hours)):
            tasks.deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.attempts == 3 and sms.status == Delivery.Status.FAILED and sms.gave_up
    assert sms.next_attempt_at is None
    with travel(timedelta(days=1)):
        assert services.requeue_undelivered() == 0


@pytest.mark.django_db
def test_a_missing_delivery_is_ignored():
    assert tasks.deliver(987654321) is None


@pytest.mark.django_db
def test_the_sweep_requeues_only_what_is_due(
    make_user, sms_outbox, monkeypatch, travel, django_capture_on_commit_callbacks
):
    fresh = notify(make_user())  # its tasks are on their way: not the sweep's business yet
    with travel(timedelta(minutes=-5)):
        lost = notify(make_user(phone="0502222222", email="lost@example.com"))  # tasks lost five minutes ago
        done = notify(make_user(phone="0503333333", email="done@example.com"))
        for delivery in deliveries_of(done).values():
            tasks.deliver(delivery.pk)
    assert len(sms_outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_undelivered() == 2  # lost: sms + email
    assert {m.to for m in sms_outbox} == {"0503333333", "0502222222"}
    assert {c: d.status for c, d in deliveries_of(lost).items()} == {"in_app": "sent", "sms": "sent", "email": "sent"}
    assert all(d.status == "pending" for c, d in deliveries_of(fresh).items() if c != "in_app")

    # Nothing more is due: a second run enqueues nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.sweep_undelivered() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_the_sweep_is_idempotent_while_its_tasks_are_queued(make_user, travel, django_capture_on_commit_callbacks):
    with travel(timedelta(minutes=-5)):
        notify(make_user())
    with django_capture_on_commit_callbacks(execute=False) as first:
        assert services.requeue_undelivered() == 2
    assert len(first) == 1
    assert services.requeue_undelivered() == 0  # the queued tasks have a minute before they count as lost
    with travel(timedelta(minutes=2)):
        assert services.requeue_undelivered() == 2


@pytest.mark.django_db
def test_the_sweep_is_batched(make_user, travel, settings):
    settings.NOTIFICATION_SWEEP_BATCH = 3
    with travel(timedelta(minutes=-5)):
        for _ in range(3):
            notify(make_user())
    assert services.requeue_undelivered() == 3
    assert services.requeue_undelivered() == 3
    assert services.requeue_undelivered() == 0


@pytest.mark.django_db
def test_the_sweep_retries_failed_deliveries_when_due(
    person, sms_outbox, monkeypatch, travel, django_capture_on_commit_callbacks
):
    flaky = FlakySMS(monkeypatch)
    deliveries = deliveries_of(notify(person))
    tasks.deliver(deliveries["email"].pk)
    sms = deliveries["sms"]
    tasks.deliver(sms.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_undelivered() == 0  # its retry is not due yet
    flaky.healthy = True
    with travel(timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_undelivered() == 1
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 2 and len(sms_outbox) == 1


@pytest.mark.django_db
def test_proof_of_notification(person):
    notification = notify(person)
    for delivery in deliveries_of(notification).values():
        tasks.deliver(delivery.pk)
    proof = selectors.proof_of_notification(notification)
    assert [(d.channel, d.status) for d in proof] == [("in_app", "sent"), ("sms", "sent"), ("email", "sent")]
    assert all(d.delivered_at and d.address for d in proof)
    assert selectors.notified_at(notification) == min(d.delivered_at for d in proof)


@pytest.mark.django_db
def test_a_delivered_notification_cannot_be_altered(person):
    notification = notify(person)
    in_app = deliveries_of(notification)["in_app"]
    in_app.delivered_at = clock.now() + timedelta(days=1)
    with pytest.raises(ProofIsFinal):
        in_app.save()
    with pytest.raises(ProofIsFinal):
        in_app.delete()
    notification = Notification.objects.get(pk=notification.pk)
    notification.body_ar = "نص آخر"
    with pytest.raises(ProofIsFinal):
        notification.save()
    # And the database refuses it too, whatever the code path.
    with pytest.raises(DatabaseError), transaction.atomic():
        Delivery.objects.filter(pk=in_app.pk).update(delivered_at=clock.now())
    with pytest.raises(DatabaseError), transaction.atomic():
        Delivery.objects.filter(pk=in_app.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(subject_ar="x")
    # Reading is the one change allowed.
    assert Notification.objects.filter(pk=notification.pk).update(read_at=clock.now()) == 1
