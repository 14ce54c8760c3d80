from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from najiz.accounts import services
from najiz.accounts.forms import StaffLoginForm, lock_message
from najiz.accounts.models import PasswordLoginFailure
from najiz.common.identifiers import with_check_digit
from tests.factories.accounts import STAFF_PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, national_id, password, next_url=None):
    data = {"national_id": national_id, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:staff_login"), data)


def test_staff_sign_in_with_a_password(client):
    judge = StaffUserFactory()
    page = client.get(reverse("accounts:staff_login"))
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    response = sign_in(client, judge.national_id, STAFF_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(judge.pk)


def test_staff_sign_in_follows_a_safe_next_only(client):
    judge = StaffUserFactory()
    assert sign_in(client, judge.national_id, STAFF_PASSWORD, "https://evil.example/")["Location"] == reverse("home")
    client.logout()
    assert sign_in(client, judge.national_id, STAFF_PASSWORD, "/admin/")["Location"] == "/admin/"


@pytest.mark.parametrize("case", ["wrong_password", "not_staff", "unknown", "no_password", "inactive"])
def test_refusals_look_the_same(client, case):
    judge = StaffUserFactory()
    national_id, password = judge.national_id, STAFF_PASSWORD
    if case == "wrong_password":
        password = "not-the-password"
    elif case == "not_staff":
        national_id = UserFactory(password=STAFF_PASSWORD).national_id
    elif case == "unknown":
        national_id = with_check_digit("188888888")
    elif case == "no_password":
        national_id = UserFactory().national_id
    elif case == "inactive":
        judge.is_active = False
        judge.save()
    response = sign_in(client, national_id, password)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert escape(str(StaffLoginForm.error_messages["invalid_login"])) in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert PasswordLoginFailure.objects.filter(national_id=national_id).count() == 1


@pytest.mark.parametrize("bad", ["abc", "", "1" * 3000, "1234567890", "' OR 1=1 --"])
def test_malformed_ids_give_a_form_error(client, bad):
    response = sign_in(client, bad, "whatever")
    assert response.status_code == 400
    assert response.context["form"].errors["national_id"]
    assert PasswordLoginFailure.objects.count() == 0


def test_repeated_failures_lock_the_staff_sign_in(client, travel):
    judge = StaffUserFactory()
    for _ in range(settings.NAFATH_MAX_FAILURES):
        sign_in(client, judge.national_id, "wrong")
    until = services.staff_locked_until(judge.national_id)
    assert until is not None

    refused = sign_in(client, judge.national_id, STAFF_PASSWORD)
    assert refused.status_code == 429
    assert escape(lock_message(until)) in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= settings.NAFATH_LOCKOUT.total_seconds()
    assert "_auth_user_id" not in client.session
    # Attempts during the lock are not counted (and do not lengthen it).
    assert PasswordLoginFailure.objects.count() == settings.NAFATH_MAX_FAILURES

    with travel(settings.NAFATH_LOCKOUT + timedelta(seconds=1)):
        response = sign_in(client, judge.national_id, STAFF_PASSWORD)
        assert response.status_code == 302
    assert PasswordLoginFailure.objects.count() == 0  # a successful sign-in clears the failures


def test_the_failure_that_locks_says_until_when(client):
    judge = StaffUserFactory()
    for _ in range(settings.NAFATH_MAX_FAILURES - 1):
        sign_in(client, judge.national_id, "wrong")
    response = sign_in(client, judge.national_id, "wrong")
    until = services.staff_locked_until(judge.national_id)
    assert until is not None
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert escape(lock_message(until)) in body
    assert escape(str(StaffLoginForm.error_messages["invalid_login"])) not in body


def test_one_id_locked_does_not_lock_another(client):
    judge, other = StaffUserFactory(), StaffUserFactory()
    for _ in range(settings.NAFATH_MAX_FAILURES):
        sign_in(client, judge.national_id, "wrong")
    assert sign_in(client, other.national_id, STAFF_PASSWORD).status_code == 302


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_logout_from_htmx_redirects_the_page(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("home")
