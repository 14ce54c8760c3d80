"""The notifications screen, marking read, and the bell."""

import re

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification

from .conftest import KIND

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
BELL = reverse("notifications:bell")


def notify(user, number="EN-2025-000001", url="/cases/1/"):
    return services.notify(user, KIND, params={"number": number, "amount": "1,500.00"}, url=url)


def bell_count(html: str) -> int:
    match = re.search(r'data-unread="(\d+)"', html)
    assert match, html
    return int(match.group(1))


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def test_screens_need_a_signed_in_user(client):
    for url in (LIST, reverse("notifications:read", args=[1])):
        response = client.get(url) if url == LIST else client.post(url)
        assert response.status_code == 302
        assert "/accounts/" in response["Location"]
    assert client.post(reverse("notifications:read_all")).status_code == 302


def test_bell_is_empty_when_signed_out(client):
    response = client.get(BELL)
    assert response.status_code == 200
    assert response.content.strip() == b""


def test_list_shows_only_my_notifications_in_my_language(signed_in, person, make_user):
    mine = notify(person, number="EN-MINE")
    notify(make_user(), number="EN-THEIRS")
    response = signed_in.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "EN-MINE" in html and "EN-THEIRS" not in html
    assert mine.subject_ar in html
    assert "is-unread" in html
    assert reverse("notifications:read", args=[mine.pk]) in html

    signed_in.cookies["najiz_language"] = "en"
    html = signed_in.get(LIST).content.decode()
    assert mine.subject_en in html


def test_list_is_paginated(signed_in, person, settings):
    settings.NOTIFICATIONS_PER_PAGE = 2
    for number in range(5):
        notify(person, number=f"EN-{number:04d}")
    first = signed_in.get(LIST).content.decode()
    assert "EN-0004" in first and "EN-0003" in first and "EN-0002" not in first
    last = signed_in.get(LIST, {"page": 3}).content.decode()
    assert "EN-0000" in last
    for bad in ("x", "-1", "999999999999999999999"):
        assert signed_in.get(LIST, {"page": bad}).status_code == 200


def test_mark_read_then_open_the_case(signed_in, person):
    notification = notify(person, url="/cases/7/")
    response = signed_in.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    first_read = notification.read_at
    signed_in.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read  # reading twice keeps the first time


def test_mark_read_goes_back_to_next_when_given_and_safe(signed_in, person):
    notification = notify(person)
    url = reverse("notifications:read", args=[notification.pk])
    assert signed_in.post(url, {"next": f"{LIST}?page=2"})["Location"] == f"{LIST}?page=2"
    assert signed_in.post(url, {"next": "https://evil.example/"})["Location"] == "/cases/1/"
    without_link = notify(person, url="")
    assert signed_in.post(reverse("notifications:read", args=[without_link.pk]))["Location"] == LIST


def test_someone_elses_notification_is_not_found(signed_in, make_user):
    theirs = notify(make_user())
    assert signed_in.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert signed_in.post(reverse("notifications:read", args=[theirs.pk]), HTTP_HX_REQUEST="true").status_code == 404
    assert signed_in.post("/notifications/99999999999999999999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_post(signed_in, person):
    notification = notify(person)
    assert signed_in.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert signed_in.post(BELL).status_code == 405


def test_mark_read_with_htmx_returns_the_row_and_the_new_bell(signed_in, person):
    first, second = notify(person), notify(person)
    response = signed_in.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html and "is-unread" not in html
    assert 'hx-swap-oob="true"' in html
    assert bell_count(html) == 1
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_mark_all_read(signed_in, person, make_user):
    notify(person), notify(person)
    theirs = notify(make_user())
    response = signed_in.post(reverse("notifications:read_all"), {"next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bell_shows_the_unread_count_and_polls(signed_in, person, make_user):
    notify(make_user())
    assert bell_count(signed_in.get(BELL).content.decode()) == 0
    notify(person), notify(person)
    response = signed_in.get(BELL, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert bell_count(html) == 2
    assert f'hx-get="{BELL}"' in html and 'hx-trigger="every 15s"' in html and 'hx-swap="outerHTML"' in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "<script" not in html and not re.search(r"\son[a-z]+\s*=", html)  # nothing a strict CSP would block


def test_bell_label_is_translated(signed_in, person):
    notify(person)
    signed_in.cookies["najiz_language"] = "en"
    assert 'aria-label="Notifications, 1 unread"' in signed_in.get(BELL).content.decode()
    signed_in.cookies["najiz_language"] = "ar"
    html = signed_in.get(BELL).content.decode()
    assert 'aria-label="Notifications, 1 unread"' not in html and "aria-label=" in html


def test_bell_is_cheap(signed_in, person, django_assert_max_num_queries):
    for _ in range(3):
        notify(person)
    signed_in.get(BELL)  # warm up (content types, session)
    # The session, the user, and the count.
    with django_assert_max_num_queries(3):
        response = signed_in.get(BELL)
    assert bell_count(response.content.decode()) == 3


def test_the_bell_is_in_the_page_header(signed_in, person):
    notify(person)
    html = signed_in.get(LIST).content.decode()
    assert 'id="notifications-bell"' in html and bell_count(html) == 1
