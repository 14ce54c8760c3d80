"""Channel backends: how a delivery reaches the person on one channel.

NOTIFICATION_CHANNELS maps each channel name to one of these classes (or another with the same
interface). A backend's `send(delivery)` either returns the provider's reference for the message
or raises; the caller records the outcome and retries failures.

* InAppChannel — the Najiz account itself: delivered when the notification is created.
* ConsoleSMSChannel — development: logs the SMS and appends it to NOTIFICATION_SMS_LOG.
* LocMemSMSChannel — tests: keeps the SMS in `LocMemSMSChannel.outbox` (like django.core.mail.outbox).
* EmailChannel — Django's e-mail (EMAIL_BACKEND: console in development, locmem in tests, SMTP in production).
"""

import logging
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import override

from najiz.common import clock
from najiz.common.identifiers import normalize_digits

from . import conf

logger = logging.getLogger("notifications")


class ChannelNotConfigured(LookupError):
    pass


def absolute_url(path: str) -> str:
    if not path:
        return ""
    return f"{conf.site_url()}{path}"


def message_context(delivery) -> dict:
    notification = delivery.notification
    language = notification.language
    return {
        "notification": notification,
        "language": language,
        "subject": notification.subject_in(language),
        "body": notification.body_in(language),
        "link": absolute_url(notification.url),
        "site_url": conf.site_url(),
    }


class Channel:
    name = ""
    # True: the recipient needs an address on this channel (a mobile, an e-mail), else it is skipped.
    needs_address = True
    # True: delivered as the notification is created (no task).
    delivered_on_creation = False
    # True: send() may read or write the database, so a batch of deliveries runs it inside a
    # savepoint (a database error in it then spoils only that delivery, not the whole batch).
    # Assumed of any backend that does not say otherwise.
    touches_database = True

    def address_for(self, user) -> str:
        return ""

    def send(self, delivery) -> str:
        raise NotImplementedError


class InAppChannel(Channel):
    name = "in_app"
    needs_address = False
    delivered_on_creation = True
    touches_database = False

    def address_for(self, user) -> str:
        return user.national_id

    def send(self, delivery) -> str:
        return f"in-app:{delivery.notification_id}"


@dataclass(frozen=True)
class SMS:
    to: str
    text: str
    ref: str
    at: object


class SMSChannel(Channel):
    name = "sms"
    # Renders from the delivery and its notification (loaded with it); a subclass whose transmit()
    # uses the database sets this back to True.
    touches_database = False

    def address_for(self, user) -> str:
        return normalize_digits(user.phone)

    def text(self, delivery) -> str:
        context = message_context(delivery)
        with override(context["language"]):
            return render_to_string("notifications/sms.txt", context).strip()

    def send(self, delivery) -> str:
        ref = f"sms-{uuid.uuid4().hex}"
        self.transmit(SMS(to=delivery.address, text=self.text(delivery), ref=ref, at=clock.now()))
        return ref

    def transmit(self, sms: SMS) -> None:
        raise NotImplementedError


class ConsoleSMSChannel(SMSChannel):
    _lock = threading.Lock()

    def transmit(self, sms: SMS) -> None:
        logger.info("SMS to %s (%s): %s", sms.to, sms.ref, sms.text)
        path = conf.sms_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = f"--- {sms.at.isoformat()} to {sms.to} ref {sms.ref}\n{sms.text}\n"
        with self._lock, path.open("a", encoding="utf-8") as log:
            log.write(entry)


class LocMemSMSChannel(SMSChannel):
    outbox: list[SMS] = []

    def transmit(self, sms: SMS) -> None:
        type(self).outbox.append(sms)


# Django's own e-mail backends: none of them uses the database (a queueing backend may).
DJANGO_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("smtp", "console", "locmem", "filebased", "dummy")
}


class EmailChannel(Channel):
    name = "email"

    @property
    def touches_database(self) -> bool:
        return settings.EMAIL_BACKEND not in DJANGO_EMAIL_BACKENDS

    def address_for(self, user) -> str:
        return (user.email or "").strip()

    def send(self, delivery) -> str:
        context = message_context(delivery)
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""
        message_id = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or "najiz.example")
        with override(context["language"]):
            text = render_to_string("notifications/email/message.txt", context)
            html = render_to_string("notifications/email/message.html", context)
        message = EmailMultiAlternatives(
            subject=context["subject"], body=text, to=[delivery.address], headers={"Message-ID": message_id}
        )
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
        return message_id


def get_channel(name: str) -> Channel:
    """The configured backend of channel `name` (ChannelNotConfigured if it is not configured)."""
    configured = conf.channels()
    if name not in configured:
        raise ChannelNotConfigured(f"Notification channel {name!r} is not configured.")
    return import_string(configured[name])()
