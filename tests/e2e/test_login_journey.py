"""A person signs in through the Nafath flow in Chromium, then switches the site to English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_nafath_sign_in_then_english(page, live_server):
    from tests.factories.registries import PersonFactory

    person = PersonFactory(name_ar="نورة خالد الحربي", name_en="Noura Khalid Al-Harbi")

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.locator("main input[name=national_id]").fill(person.national_id)
    page.locator("main form button[type=submit]").click()

    number_element = page.get_by_test_id("nafath-number")
    expect(number_element).to_have_text(re.compile(r"^\s*\d{2}\s*$"))
    number = number_element.inner_text().strip()

    app = page.context.new_page()  # the "phone": a second tab in the same browser
    app.goto("/nafath/")
    app.locator("main input[name=national_id]").fill(person.national_id)
    app.locator("main form[method=get] button[type=submit]").click()
    buttons = app.locator("main button[name=number]")
    expect(buttons).to_have_count(3)
    app.locator(f"main button[name=number][value='{number}']").click()
    expect(app.locator("main [role=status]")).to_be_visible()
    app.close()

    page.bring_to_front()
    page.wait_for_url(f"{live_server.url}/", timeout=15_000)  # the htmx poll redirects home
    expect(page.locator("html[lang=ar][dir=rtl]")).to_have_count(1)
    expect(page.locator("header")).to_contain_text(person.name_ar)
    expect(page.locator("header form[action*='/accounts/logout/']")).to_have_count(1)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("header")).to_contain_text(person.name_en)
    expect(page.locator("header")).to_contain_text("Sign out")
