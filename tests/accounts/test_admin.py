import pytest
from django.urls import reverse

from najiz.accounts.models import User
from najiz.accounts.services import start_nafath_login
from tests.factories.accounts import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def test_admin_pages_render(admin_client, person):
    someone = UserFactory()
    start_nafath_login(person.national_id)
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[someone.pk]),
        reverse("admin:accounts_nafathchallenge_changelist"),
        reverse("admin:accounts_passwordloginfailure_changelist"),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_adds_a_staff_account(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "national_id": "1000000008", "usable_password": "true",
        "password1": "Strong-Pass-2025!", "password2": "Strong-Pass-2025!",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(national_id="1000000008").check_password("Strong-Pass-2025!")
