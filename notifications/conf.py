"""Settings of the notifications app, each read with its default so the project may override it.

NOTIFICATION_CHANNELS          {channel name: dotted path of its backend}; the order is the order
                               deliveries are created in. Names are those of Delivery.Channel.
NOTIFICATION_MAX_ATTEMPTS      attempts per (notification, channel) before it is given up (6).
NOTIFICATION_RETRY_BACKOFF     first retry delay, doubled after every failure (30 s).
NOTIFICATION_RETRY_BACKOFF_MAX longest retry delay (1 h).
NOTIFICATION_SWEEP_AFTER       how late a due delivery must be before the sweep re-enqueues it (1 min).
NOTIFICATION_SWEEP_BATCH       deliveries re-enqueued per sweep run (500).
NOTIFICATION_DELIVERY_BATCH    deliveries sent by one `notifications.deliver_many` task (25: short
                               tasks, so a worker soon returns to the court's own queue).
NOTIFICATION_SMS_LOG           file the console SMS backend appends to (var/sms.log).
NOTIFICATIONS_PER_PAGE         notifications per page on the notifications screen (20).
SITE_URL                       absolute base of the links put in SMS and e-mail.

They are read on every use (not at import) so tests can change them with the `settings` fixture.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings


def channels() -> dict[str, str]:
    testing = getattr(settings, "TESTING", False)
    default = {
        "in_app": "notifications.channels.InAppChannel",
        "sms": "notifications.channels.LocMemSMSChannel" if testing else "notifications.channels.ConsoleSMSChannel",
        "email": "notifications.channels.EmailChannel",
    }
    return dict(getattr(settings, "NOTIFICATION_CHANNELS", default))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 6))


def _as_timedelta(value) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def retry_backoff() -> timedelta:
    return _as_timedelta(getattr(settings, "NOTIFICATION_RETRY_BACKOFF", timedelta(seconds=30)))


def retry_backoff_max() -> timedelta:
    return _as_timedelta(getattr(settings, "NOTIFICATION_RETRY_BACKOFF_MAX", timedelta(hours=1)))


def sweep_after() -> timedelta:
    return _as_timedelta(getattr(settings, "NOTIFICATION_SWEEP_AFTER", timedelta(minutes=1)))


def sweep_batch() -> int:
    return int(getattr(settings, "NOTIFICATION_SWEEP_BATCH", 500))


def delivery_batch() -> int:
    return max(int(getattr(settings, "NOTIFICATION_DELIVERY_BATCH", 25)), 1)


def sms_log_path() -> Path:
    default = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "sms.log"
    return Path(getattr(settings, "NOTIFICATION_SMS_LOG", default))


def per_page() -> int:
    return int(getattr(settings, "NOTIFICATIONS_PER_PAGE", 20))


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")
