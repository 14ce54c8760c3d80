"""notify_many() and attempt_deliveries(): a batch in one transaction, the same outcome as one by one."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from notifications import kinds, services, tasks
from notifications.channels import LocMemSMSChannel
from notifications.models import Delivery, Notification
from notifications.services import Notice

from .conftest import KIND
from .test_delivery import FlakySMS

OTHER_KIND = "tests.measures_applied"
PARAMS = {"number": "EN-2025-000001", "amount": "1,500.00"}


@pytest.fixture(autouse=True)
def _other_kind():
    kinds.register(OTHER_KIND, subject=_("Mark as read"), body="{who} · {number}")
    yield
    kinds.unregister(OTHER_KIND)


@pytest.fixture
def people(make_user):
    return [
        make_user(language="ar"),
        make_user(language="en", phone="0509999999", email="en@example.com"),
        make_user(phone="", email=""),  # no mobile, no e-mail: both skipped
        make_user(phone="0507777777", email=""),
    ]


def notices_for(people):
    return [
        Notice(people[0], KIND, params=PARAMS, url="/cases/1/", case=people[1]),
        Notice(people[1], OTHER_KIND, params={"who": {"ar": "محمد", "en": "Mohammed"}, "number": "EN-2"}),
        Notice(people[2], KIND, params=PARAMS, url="/cases/2/"),
        Notice(people[3], KIND, params=PARAMS, channels=["sms", "email"]),
        Notice(people[0], OTHER_KIND, params={"who": "x", "number": "EN-3"}, channels=["in_app"]),
    ]


def as_created(notification):
    fields = {name: getattr(notification, name) for name in Notification.TEXT_FIELDS if name != "created_at"}
    deliveries = [
        (
            d.channel,
            d.status,
            d.address,
            d.attempts,
            d.provider_ref.replace(str(notification.pk), "<id>"),
            d.delivered_at == notification.created_at,
            d.next_attempt_at == (notification.created_at if d.status == "pending" else None),
        )
        for d in Delivery.objects.filter(notification=notification).order_by("id")
    ]
    return fields, deliveries


def notify_held(notices):
    """notify_many() outside a test transaction, its tasks held back (as if the broker kept them)."""
    with mock.patch.object(tasks.deliver_many, "apply_async"):
        ids = pending_ids(services.notify_many(notices))
    assert Delivery.objects.filter(pk__in=ids, status="pending").count() == len(ids)
    return ids


def pending_ids(notifications):
    return [d.pk for n in notifications for d in n.created_deliveries if d.status == Delivery.Status.PENDING]


# --- notify_many ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_many_creates_what_notify_would(people):
    one_by_one = [
        services.notify(n.recipient, n.kind, params=n.params, url=n.url, case=n.case, channels=n.channels)
        for n in notices_for(people)
    ]
    batch = services.notify_many(notices_for(people))

    assert [n.recipient for n in batch] == [n.recipient for n in notices_for(people)]  # in the order given
    assert [as_created(n) for n in batch] == [as_created(n) for n in one_by_one]
    first = as_created(batch[0])[1]
    assert [d[:4] for d in first] == [
        ("in_app", "sent", people[0].national_id, 1), ("sms", "pending", "0501234567", 0),
        ("email", "pending", "person@example.com", 0),
    ]
    assert first[0][4] == "in-app:<id>"
    assert batch[0].case == people[1] and batch[1].body_en == "Mohammed · EN-2" and batch[1].body_ar == "محمد · EN-2"
    assert {d.channel: d.status for d in batch[2].created_deliveries} == {
        "in_app": "sent",
        "sms": "skipped",
        "email": "skipped",
    }
    assert [(d.channel, d.status) for d in batch[3].created_deliveries] == [("sms", "pending"), ("email", "skipped")]
    assert [d.channel for d in batch[4].created_deliveries] == ["in_app"]


@pytest.mark.django_db
def test_each_notification_comes_with_its_deliveries(people, django_assert_num_queries):
    batch = services.notify_many(notices_for(people))
    with django_assert_num_queries(0):
        seen = [
            [(d.pk, d.channel, d.status, d.notification.pk, d.notification.recipient.pk) for d in n.created_deliveries]
            for n in batch
        ]
    stored = [
        [(d.pk, d.channel, d.status, d.notification_id, d.notification.recipient_id)
         for d in Delivery.objects.filter(notification=n).select_related("notification").order_by("id")]
        for n in batch
    ]
    assert seen == stored
    assert services.notify(people[0], KIND, params=PARAMS).created_deliveries[0].provider_ref.startswith("in-app:")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_notify_many_makes_two_inserts_whatever_the_number(make_user, count, django_assert_num_queries):
    people = [make_user() for _ in range(count)]
    services.notify_many(
        [Notice(people[0], KIND, params=PARAMS, case=people[0])]
    )  # the content type is cached from here
    notices = [Notice(person, KIND, params=PARAMS, url="/cases/1/", case=person) for person in people]
    with django_assert_num_queries(2):  # INSERT the notifications, INSERT their deliveries
        batch = services.notify_many(notices)
    assert len(batch) == count
    assert Delivery.objects.filter(notification__in=batch).count() == 3 * count


@pytest.mark.django_db
def test_nothing_is_written_when_one_notice_is_wrong(people):
    with pytest.raises(ValueError):
        services.notify_many(
            [Notice(people[0], KIND, params=PARAMS), Notice(people[1], KIND, params=PARAMS, url="//evil")]
        )
    with pytest.raises(kinds.KindParamsError):
        services.notify_many([Notice(people[0], KIND, params=PARAMS), Notice(people[1], KIND, params={"number": "1"})])
    with pytest.raises(ValueError):
        services.notify_many([Notice(people[0], KIND, params=PARAMS, channels=["fax"])])
    assert not Notification.objects.exists()
    assert services.notify_many([]) == []


@pytest.mark.django_db
def test_pending_deliveries_go_to_deliver_many_tasks_after_commit(people, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DELIVERY_BATCH = 2
    with mock.patch.object(tasks.deliver_many, "apply_async") as deliver_many, \
            mock.patch.object(tasks.deliver, "apply_async") as deliver:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            batch = services.notify_many(notices_for(people))
        assert deliver_many.call_count == 0 and len(callbacks) == 1
        callbacks[0]()
    expected = pending_ids(batch)
    assert len(expected) == 5  # sms + email of the first two, sms of the fourth
    chunks = [call.kwargs["args"][0] for call in deliver_many.call_args_list]
    assert chunks == [expected[0:2], expected[2:4], expected[4:5]]
    assert deliver.call_count == 0  # one task per chunk, not per delivery


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_callers_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.deliver_many, "apply_async") as deliver_many:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                services.notify_many(notices_for(people))
                raise RuntimeError("the caller fails after notifying")
    assert callbacks == [] and deliver_many.call_count == 0
    assert not Notification.objects.exists() and not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_batch_is_sent_once_after_commit(people, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.notify_many(notices_for(people))
        assert sms_outbox == [] and mail.outbox == []
    assert sorted(m.to for m in sms_outbox) == ["0501234567", "0507777777", "0509999999"]
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.com", "person@example.com"]
    assert not Delivery.objects.filter(notification__in=batch, status__in=Delivery.OPEN).exists()


# --- attempt_deliveries -----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_due_delivery_is_sent_exactly_once(people, sms_outbox, django_capture_on_commit_callbacks):
    batch = services.notify_many(notices_for(people))
    every_id = [d.pk for n in batch for d in n.created_deliveries]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        held = services.attempt_deliveries(reversed(every_id))
    assert callbacks == []  # no failure, no retry
    assert [d.pk for d in held] == sorted(every_id)
    assert len(sms_outbox) == 3 and len(mail.outbox) == 2
    sent = Delivery.objects.filter(pk__in=pending_ids(batch))
    assert all(d.status == "sent" and d.attempts == 1 and d.delivered_at and d.provider_ref for d in sent)
    assert {d.provider_ref for d in sent if d.channel == "sms"} == {m.ref for m in sms_outbox}

    # A second run (a duplicate task, the sweep) sends nothing and changes nothing.
    before = {d.pk: (d.status, d.attempts, d.last_attempt_at) for d in Delivery.objects.all()}
    services.attempt_deliveries(every_id)
    tasks.deliver_many(every_id)
    assert len(sms_outbox) == 3 and len(mail.outbox) == 2
    assert {d.pk: (d.status, d.attempts, d.last_attempt_at) for d in Delivery.objects.all()} == before
    assert services.attempt_deliveries([]) == [] and services.attempt_deliveries([987654321]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 10])
def test_a_batch_is_locked_and_recorded_in_two_statements(make_user, count, sms_outbox, django_assert_num_queries):
    ids = pending_ids(services.notify_many([Notice(make_user(), KIND, params=PARAMS) for _ in range(count)]))
    with django_assert_num_queries(
        4
    ):  # SAVEPOINT (inside the test's transaction), SELECT … FOR UPDATE, UPDATE, RELEASE
        services.attempt_deliveries(ids)
    assert len(sms_outbox) == len(mail.outbox) == count


@pytest.mark.django_db
def test_failures_are_recorded_and_retried_when_due(people, sms_outbox, monkeypatch, travel, settings,
                                                     django_capture_on_commit_callbacks):
    settings.NOTIFICATION_RETRY_BACKOFF = timedelta(seconds=30)
    flaky = FlakySMS(monkeypatch)
    batch = services.notify_many(notices_for(people))
    ids = pending_ids(batch)
    with mock.patch.object(tasks.deliver, "apply_async") as deliver:
        with django_capture_on_commit_callbacks(execute=True):
            services.attempt_deliveries(ids)
    deliveries = Delivery.objects.filter(pk__in=ids)
    failed = [d for d in deliveries if d.channel == "sms"]
    assert len(failed) == 3 and flaky.calls == 3
    for sms in failed:
        assert sms.status == "failed" and sms.attempts == 1 and sms.delivered_at is None
        assert "SMS gateway unreachable" in sms.last_error
        assert sms.next_attempt_at > clock.now() + timedelta(seconds=25)
    assert all(d.status == "sent" for d in deliveries if d.channel == "email") and len(mail.outbox) == 2
    # Each failure gets its own `deliver` task, due when its next attempt is.
    retried = {call.kwargs["args"][0]: call.kwargs["countdown"] for call in deliver.call_args_list}
    assert set(retried) == {sms.pk for sms in failed}
    assert all(25 < countdown <= 36 for countdown in retried.values())

    # Not due yet: a second run leaves them alone.
    with mock.patch.object(tasks.deliver, "apply_async") as deliver, django_capture_on_commit_callbacks(execute=True):
        services.attempt_deliveries(ids)
    assert flaky.calls == 3 and deliver.call_count == 0
    assert all(d.attempts == 1 for d in Delivery.objects.filter(pk__in=ids, channel="sms"))

    # Due, and the gateway is back: sent once each.
    flaky.healthy = True
    with travel(timedelta(seconds=40)):
        services.attempt_deliveries(ids)
    sms = Delivery.objects.filter(pk__in=ids, channel="sms")
    assert all(d.status == "sent" and d.attempts == 2 and d.last_error == "" for d in sms)
    assert len(sms_outbox) == 3


@pytest.mark.django_db
def test_a_delivery_given_up_is_not_retried(person, monkeypatch, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    FlakySMS(monkeypatch)
    ids = pending_ids(services.notify_many([Notice(person, KIND, params=PARAMS)]))
    with mock.patch.object(tasks.deliver, "apply_async") as deliver, django_capture_on_commit_callbacks(execute=True):
        services.attempt_deliveries(ids)
    sms = Delivery.objects.get(pk__in=ids, channel="sms")
    assert sms.gave_up and sms.next_attempt_at is None and deliver.call_count == 0


@pytest.mark.django_db
def test_the_task_run_in_process_leaves_failures_to_the_sweep(person, monkeypatch, django_capture_on_commit_callbacks):
    FlakySMS(monkeypatch)
    ids = pending_ids(services.notify_many([Notice(person, KIND, params=PARAMS)]))
    with mock.patch.object(tasks.deliver, "apply_async") as deliver, django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_many(ids)  # called directly
        tasks.deliver_many.delay(ids)  # eager
    assert deliver.call_count == 0
    assert Delivery.objects.get(pk__in=ids, channel="sms").status == "failed"


class DatabaseSMSChannel(LocMemSMSChannel):
    """An SMS backend that keeps its own records in the database — and here fails on them."""

    touches_database = True

    def transmit(self, sms):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM notifications_no_such_outbox")


@pytest.mark.django_db
def test_a_database_error_in_one_channel_spoils_only_its_delivery(person, settings, sms_outbox):
    from .conftest import CHANNELS

    settings.NOTIFICATION_CHANNELS = {**CHANNELS, "sms": f"{__name__}.DatabaseSMSChannel"}
    batch = services.notify_many(
        [Notice(person, KIND, params=PARAMS), Notice(person, OTHER_KIND, params={"who": "x", "number": "1"})]
    )
    services.attempt_deliveries(pending_ids(batch))
    outcome = sorted((d.channel, d.status) for d in Delivery.objects.filter(pk__in=pending_ids(batch)))
    assert outcome == [("email", "sent"), ("email", "sent"), ("sms", "failed"), ("sms", "failed")]
    assert "notifications_no_such_outbox" in Delivery.objects.filter(channel="sms").first().last_error
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_rows_locked_by_another_run_are_skipped(people, sms_outbox):
    """Another worker holds one delivery of the batch (PostgreSQL row lock): the batch goes on without it."""
    ids = notify_held(notices_for(people))
    held, released = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=ids[0])
                held.set()
                released.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        result = services.attempt_deliveries(ids)
        assert [d.pk for d in result] == sorted(ids[1:])
        assert services.attempt_delivery(ids[0]) is None
        assert Delivery.objects.get(pk=ids[0]).status == "pending"
        assert len(sms_outbox) + len(mail.outbox) == len(ids) - 1
    finally:
        released.set()
        holder.join(timeout=30)
    assert [d.pk for d in services.attempt_deliveries(ids)] == sorted(ids)  # its turn once released
    assert len(sms_outbox) + len(mail.outbox) == len(ids)
    assert Delivery.objects.filter(pk__in=ids, status="sent", attempts=1).count() == len(ids)


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_deliver_once(people, sms_outbox, monkeypatch):
    """Two workers run overlapping batches at the same moment (PostgreSQL row locks)."""
    ids = notify_held(notices_for(people))
    original = LocMemSMSChannel.transmit
    both_started = threading.Barrier(2, timeout=10)

    def slow_transmit(channel, message):
        time.sleep(0.2)  # the other run reaches the rows while this one holds them
        return original(channel, message)

    monkeypatch.setattr(LocMemSMSChannel, "transmit", slow_transmit)
    errors = []

    def run(batch):
        try:
            both_started.wait()
            tasks.deliver_many(batch)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(batch,)) for batch in (ids, list(reversed(ids[1:])))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(sms_outbox) == 3 and len(mail.outbox) == 2
    assert Delivery.objects.filter(pk__in=ids, status="sent", attempts=1).count() == len(ids)


# --- the sweep --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_sends_its_batch_through_deliver_many(
    make_user, settings, travel, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DELIVERY_BATCH = 4
    with travel(timedelta(minutes=-5)):
        for _ in range(3):
            services.notify(make_user(), KIND, params=PARAMS)  # their tasks were lost
    with mock.patch.object(tasks.deliver_many, "apply_async") as deliver_many, \
            mock.patch.object(tasks.deliver, "apply_async") as deliver, \
            django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_undelivered() == 6
    assert [len(call.kwargs["args"][0]) for call in deliver_many.call_args_list] == [4, 2]
    assert deliver.call_count == 0
