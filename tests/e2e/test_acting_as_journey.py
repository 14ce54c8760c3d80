"""Acting for a company in Chromium: the manager switches to Al-Ofuq, a banner says so, the lists
hold the company's request and not his own, his own note answers the portal's 404; back to acting
for himself, the banner is gone and his own request is listed again, the company's not."""

import re
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _committed(execute=True):
    """Outside a test transaction every commit runs its callbacks at once: nothing to capture."""
    yield []


@pytest.fixture
def world():
    from demo import data as demo
    from einstruments import services as notes
    from najiz.common import clock
    from najiz.registries import services as registries
    from tests.factories import demo_cases

    demo.seed()
    abdullah, khalid = demo_cases.user(demo.ABDULLAH), demo_cases.user(demo.KHALID)
    own = demo_cases.file_request(_committed, abdullah, demo.JUDGMENT, [demo.KHALID], "150000.00")
    company = demo_cases.file_request(
        _committed, abdullah, demo.BILL, [demo.WAHA], "80000.00", acting_entity=registries.entity(demo.OFUQ)
    )
    note = notes.issue_note(
        user=abdullah, acting_entity=None, creditor=registries.person(demo.KHALID), amount=Decimal("5000.00"),
        due_date=clock.today() + timedelta(days=30), place="riyadh",
    )
    return {"user": abdullah, "debtor": khalid, "own": own, "company": company, "note": note}


def test_acting_for_the_company_shows_a_banner_and_only_its_cases(page, login_as, world):
    login_as(world["user"])
    page.goto("/enforcement/")
    expect(page.locator("main")).to_contain_text(world["own"].number)
    expect(page.locator("#acting-banner")).to_have_count(0)

    page.locator("#acting-as-entity").select_option("1010234567")
    page.locator("form.acting-as button[type=submit]").click()
    banner = page.locator("#acting-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("شركة الأفق للمقاولات المحدودة")
    main = page.locator("main")
    expect(main).to_contain_text(world["company"].number)
    expect(main).not_to_contain_text(world["own"].number)

    response = page.goto(f"/instruments/{world['note'].number}/")  # his own note, while acting for the company
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("الصفحة غير موجودة")

    page.goto("/enforcement/")
    page.locator("[data-testid=act-as-myself]").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#acting-banner")).to_have_count(0)
    page.goto("/enforcement/")
    expect(page.locator("main")).to_contain_text(world["own"].number)
    expect(page.locator("main")).not_to_contain_text(world["company"].number)
