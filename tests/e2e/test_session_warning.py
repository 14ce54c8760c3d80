"""The warning before an idle session ends, in Chromium: it appears two minutes before the end and
"stay signed in" keeps the session going. The browser's timers are moved with the server's clock."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_warning_appears_before_the_end_and_staying_signed_in_extends(page, live_server, login_as, travel):
    from tests.factories.accounts import UserFactory

    login_as(UserFactory())
    page.clock.install()
    page.goto("/notifications/")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    almost = timedelta(minutes=13, seconds=5)  # 1 min 55 s before the 15 minutes without activity
    with travel(almost):
        page.clock.fast_forward("13:05")
        expect(warning).to_be_visible()
        expect(warning).to_have_attribute("role", "alert")
        page.get_by_test_id("stay-signed-in").click()
        expect(warning).to_be_hidden()
        expect(warning).to_have_attribute("data-ends-in", "900")

    with travel(almost + timedelta(minutes=14)):
        page.goto("/notifications/")
        expect(page).to_have_url(f"{live_server.url}/notifications/")  # still signed in

    with travel(almost + timedelta(minutes=14) + timedelta(minutes=15, seconds=1)):
        page.goto("/notifications/")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/notifications/")
