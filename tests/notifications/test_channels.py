"""Channel backends and their configuration."""

import pytest
from django.core import mail

from notifications import conf, services, tasks
from notifications.channels import ChannelNotConfigured, ConsoleSMSChannel, get_channel

from .conftest import KIND

pytestmark = pytest.mark.django_db


def send_all(notification):
    for delivery in notification.deliveries.all():
        tasks.deliver(delivery.pk)


def test_console_sms_writes_the_log(person, settings, tmp_path):
    settings.NOTIFICATION_CHANNELS = {"sms": "notifications.channels.ConsoleSMSChannel"}
    settings.NOTIFICATION_SMS_LOG = tmp_path / "sms.log"
    notification = services.notify(person, KIND, params={"number": "EN-9", "amount": "1"}, url="/cases/9/")
    send_all(notification)
    log = (tmp_path / "sms.log").read_text(encoding="utf-8")
    sms = notification.deliveries.get()
    assert sms.status == "sent" and sms.provider_ref in log
    assert "0501234567" in log and "EN-9" in log and "https://najiz.example/cases/9/" in log


def test_email_says_where_to_look_and_that_it_is_official(make_user):
    person = make_user(language="en")
    send_all(services.notify(person, KIND, params={"number": "EN-7", "amount": "1"}, url="/cases/7/"))
    (message,) = mail.outbox
    assert message.subject == "Notifications"
    assert "EN-7" in message.body and "https://najiz.example/cases/7/" in message.body
    assert "official electronic notification" in message.body
    html = message.alternatives[0][0]
    assert 'lang="en"' in html and 'dir="ltr"' in html and 'href="https://najiz.example/cases/7/"' in html


def test_a_channel_that_is_no_longer_configured_fails_without_harm(person, settings):
    notification = services.notify(person, KIND, params={"number": "1", "amount": "2"})
    settings.NOTIFICATION_CHANNELS = {"in_app": "notifications.channels.InAppChannel"}
    send_all(notification)
    sms = notification.deliveries.get(channel="sms")
    assert sms.status == "failed" and "not configured" in sms.last_error
    with pytest.raises(ChannelNotConfigured):
        get_channel("sms")


def test_defaults_keep_sms_in_memory_under_test(settings):
    del settings.NOTIFICATION_CHANNELS
    assert conf.channels()["sms"] == "notifications.channels.LocMemSMSChannel"
    settings.TESTING = False
    assert conf.channels()["sms"] == "notifications.channels.ConsoleSMSChannel"
    assert isinstance(get_channel("sms"), ConsoleSMSChannel)
    assert list(conf.channels()) == ["in_app", "sms", "email"]
