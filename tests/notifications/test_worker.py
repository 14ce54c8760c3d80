"""Through a real Celery worker on Redis: a failing channel is retried by Celery with backoff."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from najiz.celery import app as celery_app
from notifications import services
from notifications.channels import LocMemSMSChannel
from notifications.models import Delivery

from .conftest import CHANNELS, KIND

pytestmark = pytest.mark.integration


class FlakySMSChannel(LocMemSMSChannel):
    """Fails the first two times, then works."""

    failures_left = 2

    def transmit(self, sms):
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise TimeoutError("SMS gateway timed out")
        super().transmit(sms)


@pytest.fixture
def worker(transactional_db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    try:
        with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30) as running:
            yield running
    finally:
        celery_app.conf.task_always_eager = True


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert value, f"condition not met within {timeout}s"
    return value


def test_failing_sms_is_retried_by_the_worker_while_email_goes_out(worker, settings, make_user):
    settings.NOTIFICATION_CHANNELS = {**CHANNELS, "sms": f"{__name__}.FlakySMSChannel"}
    settings.NOTIFICATION_RETRY_BACKOFF = timedelta(milliseconds=200)
    FlakySMSChannel.failures_left = 2
    person = make_user()

    notification = services.notify(person, KIND, params={"number": "EN-1", "amount": "5"})

    email = wait_for(lambda: Delivery.objects.filter(notification=notification, channel="email", status="sent").first())
    sms = wait_for(lambda: Delivery.objects.filter(notification=notification, channel="sms", status="sent").first(), 60)
    assert sms.attempts == 3 and sms.last_error == ""
    assert len(LocMemSMSChannel.outbox) == 1 and len(mail.outbox) == 1
    assert email.attempts == 1


def test_a_batch_is_sent_by_the_worker_and_its_failures_retried_one_by_one(worker, settings, make_user):
    settings.NOTIFICATION_CHANNELS = {**CHANNELS, "sms": f"{__name__}.FlakySMSChannel"}
    settings.NOTIFICATION_RETRY_BACKOFF = timedelta(milliseconds=200)
    FlakySMSChannel.failures_left = 1
    people = [make_user(phone=f"05000000{i:02d}", email=f"p{i}@example.com") for i in range(3)]

    batch = services.notify_many([services.Notice(person, KIND, params={"number": f"EN-{i}", "amount": "5"})
                                  for i, person in enumerate(people)])

    sent = lambda: Delivery.objects.filter(notification__in=batch, status="sent").count() == 9  # noqa: E731
    wait_for(sent, 60)
    deliveries = Delivery.objects.filter(notification__in=batch, channel__in=["sms", "email"])
    assert sorted(d.attempts for d in deliveries) == [1, 1, 1, 1, 1, 2]  # the one failure, retried once
    assert len(LocMemSMSChannel.outbox) == 3 and len(mail.outbox) == 3
