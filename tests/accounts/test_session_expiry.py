"""Signed-in sessions end: after SESSION_IDLE_TIMEOUT without activity (warned of before, with a way
to stay signed in) and SESSION_MAX_AGE after signing in; background htmx polls are no activity."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories.accounts import STAFF_PASSWORD, StaffUserFactory, UserFactory

from ..test_settings import _manage
from .conftest import HX

pytestmark = pytest.mark.django_db

IDLE = settings.SESSION_IDLE_TIMEOUT
SECOND = timedelta(seconds=1)
PAGE = "/notifications/"  # a page that needs signing in


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_defaults():
    assert IDLE == timedelta(minutes=15)
    assert settings.SESSION_IDLE_WARNING == timedelta(minutes=2)
    assert settings.SESSION_MAX_AGE == timedelta(hours=12)


def test_the_cookie_lasts_no_longer_than_the_session(client):
    judge = StaffUserFactory()
    response = client.post(
        reverse("accounts:staff_login"), {"national_id": judge.national_id, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(cookie["max-age"]) <= 12 * 3600


def test_an_idle_session_ends(client, travel):
    client.force_login(UserFactory())
    with travel(IDLE - SECOND):
        assert client.get(PAGE).status_code == 200  # activity: the idle time starts again
    with travel(IDLE - SECOND + IDLE - SECOND):
        assert client.get(PAGE).status_code == 200 and signed_in(client)
    with travel(IDLE - SECOND + IDLE - SECOND + IDLE + SECOND):
        response = client.get(PAGE)
        assert response.status_code == 302 and response["Location"] == f"{reverse('accounts:login')}?next={PAGE}"
        assert not signed_in(client)
        login = client.get(response["Location"]).content.decode()
    assert (
        escape(gettext("You were signed out because there was no activity for a while. Sign in again to continue."))
        in login
    )


def keep_active(client, travel, until):
    """A page opened every 10 minutes from now until `until` (after signing in)."""
    step = timedelta(minutes=10)
    elapsed = step
    while elapsed < until:
        with travel(elapsed):
            assert client.get(PAGE).status_code == 200, elapsed
        elapsed += step


def test_a_session_ends_after_twelve_hours_however_active(client, travel):
    client.force_login(UserFactory())
    keep_active(client, travel, settings.SESSION_MAX_AGE)
    with travel(settings.SESSION_MAX_AGE):
        assert client.get(PAGE).status_code == 302
        assert not signed_in(client)
        login = client.get(reverse("accounts:login")).content.decode()
    assert (
        escape(gettext("You were signed out because your session reached its time limit. Sign in again to continue."))
        in login
    )


def test_background_polls_do_not_keep_the_session(client, travel):
    client.force_login(UserFactory())
    poll_every = timedelta(seconds=15)
    elapsed = poll_every
    while elapsed < IDLE:
        with travel(elapsed):
            poll = client.get(reverse("notifications:bell"), **HX, HTTP_HX_CURRENT_URL="http://testserver/enforcement/")
            assert poll.status_code == 200 and "HX-Redirect" not in poll, elapsed
        elapsed += poll_every
    with travel(IDLE):
        poll = client.get(reverse("notifications:bell"), **HX, HTTP_HX_CURRENT_URL="http://testserver/enforcement/")
    # The page is sent to the sign-in, which brings the person back to where they were.
    assert poll["HX-Redirect"] == f"{reverse('accounts:login')}?next=%2Fenforcement%2F"
    assert not signed_in(client)


def test_what_a_person_sends_through_htmx_is_activity(client, travel):
    client.force_login(UserFactory())
    with travel(IDLE - SECOND):
        assert client.post(reverse("notifications:read_all"), **HX).status_code < 400
    with travel(IDLE - SECOND + IDLE - SECOND):
        assert client.get(PAGE).status_code == 200


def test_staff_are_sent_to_the_staff_sign_in(client, travel):
    client.force_login(StaffUserFactory())
    with travel(IDLE + SECOND):
        poll = client.get(reverse("notifications:bell"), **HX)
    assert poll["HX-Redirect"] == reverse("accounts:staff_login")


def test_the_api_answers_401_to_an_ended_session(client, travel):
    client.force_login(UserFactory())
    assert client.get("/api/v1/requests").status_code == 200
    with travel(IDLE + SECOND):
        response = client.get("/api/v1/requests")
    assert response.status_code == 401 and not signed_in(client)


# --- the warning ----------------------------------------------------------------------------


def warning(client):
    return client.get(reverse("accounts:session_status"), **HX)


def test_the_page_carries_the_hidden_warning(client):
    client.force_login(UserFactory())
    page = client.get(PAGE).content.decode()
    assert 'id="session-warning"' in page and f'data-ends-in="{int(IDLE.total_seconds())}"' in page
    assert 'data-warn-before="120"' in page and "hidden" in page.split('id="session-warning"')[1].split(">")[0]
    assert f'hx-get="{reverse("accounts:session_status")}" hx-trigger="session:check"' in page
    assert "accounts/session.js" in page


def test_the_warning_shows_two_minutes_before_and_staying_signed_in_extends(client, travel):
    client.force_login(UserFactory())
    with travel(IDLE - timedelta(minutes=2) - SECOND):
        early = warning(client)
        assert early.status_code == 200 and " hidden" in early.content.decode()
    with travel(IDLE - timedelta(minutes=2) + SECOND):
        shown = warning(client)  # a background request: it does not extend the session
        body = shown.content.decode()
        assert " hidden" not in body and 'role="alert"' in body
        assert f'hx-post="{reverse("accounts:session_extend")}"' in body
        assert escape(gettext("Stay signed in")) in body
    with travel(IDLE - SECOND):
        stay = client.post(reverse("accounts:session_extend"), **HX)
        assert stay.status_code == 200
        assert (
            f'data-ends-in="{int(IDLE.total_seconds())}"' in stay.content.decode()
            and " hidden" in stay.content.decode()
        )
    with travel(IDLE - SECOND + IDLE - SECOND):
        assert client.get(PAGE).status_code == 200 and signed_in(client)


def test_staying_signed_in_without_javascript_goes_back(client, travel):
    client.force_login(UserFactory())
    with travel(IDLE - SECOND):
        response = client.post(reverse("accounts:session_extend"), {"next": PAGE})
        assert response.status_code == 302 and response["Location"] == PAGE
    with travel(IDLE - SECOND + IDLE - SECOND):
        assert client.get(PAGE).status_code == 200


def test_the_warning_after_the_end_sends_to_the_sign_in(client, travel):
    client.force_login(UserFactory())
    with travel(IDLE):
        response = warning(client)
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_near_the_twelve_hours_the_warning_offers_no_extension(client, travel):
    client.force_login(UserFactory())
    ends_soon = settings.SESSION_MAX_AGE - timedelta(minutes=1)
    keep_active(client, travel, ends_soon)  # the idle deadline is past the twelve hours
    with travel(ends_soon):
        body = warning(client).content.decode()
    assert 'role="alert"' in body and reverse("accounts:session_extend") not in body
    assert (
        escape(
            gettext(
                "Your session ends at %(time)s, when it reaches its time limit. Save your "
                "work: you will need to sign in again."
            ).split("%")[0]
        )
        in body
    )


def test_signed_out_visitors_get_no_warning(client):
    assert 'id="session-warning"' not in client.get("/").content.decode()
    assert client.get(reverse("accounts:session_status"), **HX)["HX-Redirect"] == reverse("accounts:login")


def test_a_session_longer_than_twelve_hours_is_refused():
    run = _manage("check", SESSION_MAX_HOURS="13")
    assert run.returncode != 0 and "SESSION_MAX_HOURS" in run.stderr
