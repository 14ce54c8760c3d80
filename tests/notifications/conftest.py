import pytest
from django.utils.translation import gettext_lazy as _

from najiz.accounts.models import User
from najiz.common.identifiers import with_check_digit
from notifications import kinds
from notifications.channels import LocMemSMSChannel

KIND = "tests.order_issued"

CHANNELS = {
    "in_app": "notifications.channels.InAppChannel",
    "sms": "notifications.channels.LocMemSMSChannel",
    "email": "notifications.channels.EmailChannel",
}


@pytest.fixture(autouse=True)
def _notification_setup(settings):
    settings.NOTIFICATION_CHANNELS = dict(CHANNELS)
    settings.SITE_URL = "https://najiz.example"
    kinds.register(
        KIND,
        # Existing catalogue entries, so the Arabic rendering is checked against real translations.
        subject=_("Notifications"),
        body="{number}: {amount}",
    )
    LocMemSMSChannel.outbox = []
    yield
    kinds.unregister(KIND)
    LocMemSMSChannel.outbox = []


@pytest.fixture
def sms_outbox():
    return LocMemSMSChannel.outbox


_serial = iter(range(10_000, 99_999))


@pytest.fixture
def make_user(db):
    def make(language="ar", phone="0501234567", email="person@example.com", **extra):
        national_id = with_check_digit(f"1000{next(_serial):05d}")
        return User.objects.create_user(
            national_id, name_ar="مستخدم", name_en="User", language=language, phone=phone, email=email, **extra
        )

    return make


@pytest.fixture
def person(make_user):
    return make_user()
