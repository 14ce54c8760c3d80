"""Both ways in refuse after repeated failures: the Nafath login (wrong numbers chosen) and the
staff password login (wrong passwords), even for the right answer afterwards."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from najiz.accounts.models import NafathChallenge
from tests.factories.accounts import STAFF_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_nafath_login_refuses_after_repeated_wrong_answers(case):
    browser, phone = Client(), Client()
    national_id = case.creditor.national_id
    for _attempt in range(settings.NAFATH_MAX_FAILURES):
        response = browser.post(reverse("accounts:login"), {"national_id": national_id})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:nafath_wait")
        challenge = NafathChallenge.objects.filter(national_id=national_id).latest("created_at", "pk")
        wrong = next(n for n in range(10, 100) if n != challenge.number)
        phone.post(reverse("nafath:answer", args=[challenge.pk]), {"number": wrong})
        challenge.refresh_from_db()
        assert challenge.status == "rejected"
    response = browser.post(reverse("accounts:login"), {"national_id": national_id})
    assert response.status_code == 429  # the form again, with the lock message: no new request opened
    assert NafathChallenge.objects.filter(national_id=national_id).count() == settings.NAFATH_MAX_FAILURES
    assert "_auth_user_id" not in browser.session


def test_staff_login_refuses_the_right_password_after_repeated_wrong_ones(db):
    judge = StaffUserFactory()
    client = Client()
    for attempt in range(1, settings.NAFATH_MAX_FAILURES + 1):
        response = client.post(
            reverse("accounts:staff_login"), {"national_id": judge.national_id, "password": "wrong-guess"}
        )
        assert response.status_code == (429 if attempt == settings.NAFATH_MAX_FAILURES else 400)  # the last one locks
    response = client.post(
        reverse("accounts:staff_login"), {"national_id": judge.national_id, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_admin_login_is_the_throttled_staff_login(db):
    judge = StaffUserFactory()
    client = Client()
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:staff_login") + "?next=%2Fadmin%2F"
    client.post(reverse("admin:login"), {"username": judge.national_id, "password": STAFF_PASSWORD})
    assert "_auth_user_id" not in client.session  # Django's own password form is never reached
    for _attempt in range(settings.NAFATH_MAX_FAILURES):
        client.post(reverse("accounts:staff_login"), {"national_id": judge.national_id, "password": "wrong-guess"})
    client.post(reverse("accounts:staff_login"), {"national_id": judge.national_id, "password": STAFF_PASSWORD})
    assert "_auth_user_id" not in client.session, "the right password was accepted after repeated failures"
