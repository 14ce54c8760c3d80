"""notify(): one notification, one delivery per configured channel, texts in both languages."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from notifications import kinds, selectors, services
from notifications.models import Delivery, Notification

from .conftest import KIND

pytestmark = pytest.mark.django_db


def by_channel(notification):
    return {d.channel: d for d in notification.deliveries.all()}


def test_creates_one_delivery_per_configured_channel_and_in_app_is_delivered_at_once(person):
    notification = services.notify(
        person, KIND, params={"number": "EN-2025-000001", "amount": "1,500.00"}, url="/cases/1/"
    )
    deliveries = by_channel(notification)
    assert set(deliveries) == {"in_app", "sms", "email"}
    in_app = deliveries["in_app"]
    assert in_app.status == Delivery.Status.SENT
    assert in_app.delivered_at == notification.created_at
    assert in_app.address == person.national_id
    assert deliveries["sms"].status == deliveries["email"].status == Delivery.Status.PENDING
    assert deliveries["sms"].address == "0501234567"
    assert deliveries["email"].address == "person@example.com"
    assert notification.is_unread


def test_sms_and_email_are_sent_after_commit(person, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(person, KIND, params={"number": "EN-1", "amount": "10"}, url="/cases/1/")
        assert sms_outbox == [] and mail.outbox == []
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    assert sms_outbox[0].to == "0501234567"
    assert "https://najiz.example/cases/1/" in sms_outbox[0].text
    assert mail.outbox[0].to == ["person@example.com"]
    deliveries = by_channel(notification)
    assert all(d.status == Delivery.Status.SENT and d.delivered_at for d in deliveries.values())
    assert deliveries["sms"].provider_ref == sms_outbox[0].ref
    assert deliveries["email"].provider_ref == mail.outbox[0].extra_headers["Message-ID"]


def test_texts_are_rendered_in_both_languages_and_sent_in_the_recipients(
    make_user, sms_outbox, django_capture_on_commit_callbacks
):
    kinds.register("tests.bilingual", subject=_("Notifications"), body="{who} — {label}")
    params = {"who": {"ar": "محمد", "en": "Mohammed"}, "label": _("Mark as read")}
    arabic, english = make_user(language="ar"), make_user(language="en", phone="0509999999", email="en@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for_arabic = services.notify(arabic, "tests.bilingual", params=params)
        for_english = services.notify(english, "tests.bilingual", params=params)
    kinds.unregister("tests.bilingual")

    with translation.override("ar"):
        subject_ar, label_ar = str(_("Notifications")), str(_("Mark as read"))
    assert subject_ar != "Notifications" and label_ar != "Mark as read"  # the Arabic catalogue is used
    assert for_arabic.subject_ar == subject_ar and for_arabic.subject_en == "Notifications"
    assert for_arabic.body_ar == f"محمد — {label_ar}"
    assert for_arabic.body_en == "Mohammed — Mark as read"
    assert for_arabic.language == "ar" and for_english.language == "en"

    sms = {message.to: message.text for message in sms_outbox}
    assert subject_ar in sms["0501234567"] and "محمد" in sms["0501234567"]
    assert "Notifications" in sms["0509999999"] and "Mohammed" in sms["0509999999"]
    mails = {message.to[0]: message for message in mail.outbox}
    assert mails["person@example.com"].subject == subject_ar
    assert mails["en@example.com"].subject == "Notifications"
    assert 'dir="rtl"' in mails["person@example.com"].alternatives[0][0]

    # On screen, the active language decides.
    with translation.override("en"):
        assert for_arabic.subject == "Notifications"
    with translation.override("ar"):
        assert for_english.subject == subject_ar


def test_a_channel_without_an_address_is_skipped(make_user, sms_outbox, django_capture_on_commit_callbacks):
    person = make_user(phone="", email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = services.notify(person, KIND, params={"number": "1", "amount": "2"})
    assert callbacks == []  # nothing to send
    deliveries = by_channel(notification)
    assert deliveries["sms"].status == deliveries["email"].status == Delivery.Status.SKIPPED
    assert deliveries["in_app"].status == Delivery.Status.SENT
    assert sms_outbox == [] and mail.outbox == []
    assert selectors.notified_at(notification) == notification.created_at


def test_only_the_channels_asked_for_and_configured(person, settings):
    settings.NOTIFICATION_CHANNELS = {
        "in_app": "notifications.channels.InAppChannel",
        "email": "notifications.channels.EmailChannel",
    }
    notification = services.notify(person, KIND, params={"number": "1", "amount": "2"}, channels=["email", "sms"])
    assert set(by_channel(notification)) == {"email"}
    with pytest.raises(ValueError):
        services.notify(person, KIND, params={"number": "1", "amount": "2"}, channels=["fax"])


def test_case_link(person):
    notification = services.notify(person, KIND, params={"number": "1", "amount": "2"}, case=person)
    assert notification.case == person
    assert list(selectors.notifications_of_case(person)) == [notification]


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "cases/1"])
def test_links_are_paths_of_this_site(person, url):
    with pytest.raises(ValueError):
        services.notify(person, KIND, params={"number": "1", "amount": "2"}, url=url)


def test_unknown_kind_and_missing_parameters_are_refused(person):
    with pytest.raises(kinds.UnknownKind):
        services.notify(person, "tests.no_such_kind")
    with pytest.raises(kinds.KindParamsError):
        services.notify(person, KIND, params={"number": "1"})
    assert not Notification.objects.exists()


def test_created_at_comes_from_the_portal_clock(person, travel):
    from datetime import timedelta

    with travel(timedelta(days=3)):
        expected = clock.now()
        notification = services.notify(person, KIND, params={"number": "1", "amount": "2"})
    assert abs(notification.created_at - expected).total_seconds() < 5
    assert (notification.created_at - clock.now()).days >= 2
