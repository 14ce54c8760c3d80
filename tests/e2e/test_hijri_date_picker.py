"""The date in both calendars in Chromium (najiz/common/widgets.py, static/js/hijri-date.js): on
the e-note's issue form picking a Hijri day fills the Gregorian date, picking a Gregorian date
fills the Hijri day, month and year, Arabic-Indic digits are read, the date picked is shown back
in both calendars, and the note is issued on that day. The browser's conversion is the server's
on every day of a span of years. At 390 px the widget fits the screen."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_instrument_journey import parties  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_picking_a_hijri_date_fills_the_gregorian_one(page, login_as, parties):  # noqa: F811
    from einstruments.models import PromissoryNote
    from najiz.common import clock, dates

    login_as(parties.debtor_user)
    page.goto("/instruments/new/")
    form = page.locator("main form")
    due = clock.today() + timedelta(days=45)
    year, month, day = dates.to_hijri(due)
    form.locator("select[name=due_date_hijri_day]").select_option(str(day))
    form.locator("select[name=due_date_hijri_month]").select_option(str(month))
    form.locator("input[name=due_date_hijri_year]").fill(str(year).translate(ARABIC))
    expect(form.locator("input[name=due_date]")).to_have_value(due.isoformat())
    # shown back in both calendars by the form's live check
    expect(page.get_by_test_id("due-date-both")).to_contain_text(str(due.year))
    expect(page.get_by_test_id("due-date-both")).to_contain_text(dates.format_hijri(due, "ar", fallback=False))

    other = clock.today() + timedelta(days=60)
    form.locator("input[name=due_date]").fill(other.isoformat())
    year, month, day = dates.to_hijri(other)
    expect(form.locator("select[name=due_date_hijri_day]")).to_have_value(str(day))
    expect(form.locator("select[name=due_date_hijri_month]")).to_have_value(str(month))
    expect(form.locator("input[name=due_date_hijri_year]")).to_have_value(str(year))
    expect(page.get_by_test_id("due-date-both")).to_contain_text(dates.format_hijri(other, "ar", fallback=False))

    form.locator("input[name=creditor_id]").fill(parties.creditor.national_id)
    form.locator("input[name=amount]").fill("900.00")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/instruments/PN-\d{4}-\d{6}/$"))
    assert PromissoryNote.objects.get(issued_by=parties.debtor_user).due_date == other


def test_a_day_that_does_not_exist_empties_the_gregorian_date(page, login_as, parties):  # noqa: F811
    login_as(parties.debtor_user)
    page.goto("/instruments/new/")
    form = page.locator("main form")
    form.locator("input[name=due_date]").fill("2026-12-30")
    form.locator("select[name=due_date_hijri_day]").select_option("30")
    form.locator("select[name=due_date_hijri_month]").select_option("1")
    form.locator("input[name=due_date_hijri_year]").fill("1448")  # Muharram 1448 has 29 days
    expect(form.locator("input[name=due_date]")).to_have_value("")
    expect(page.locator("#due_date-feedback")).to_contain_text("تقويم أم القرى")


def test_the_browser_converts_as_the_server_does(page):
    from hijridate import Gregorian

    page.goto("/")
    start, days = date(2024, 1, 1), 6 * 366
    browser = page.evaluate(
        """([start, days]) => { const out = []; const t0 = Date.parse(start);
        for (let i = 0; i < days; i++) { const iso = new Date(t0 + i * 86400000).toISOString().slice(0, 10);
          const h = najizHijri.toHijri(iso);
          out.push([iso, h.year, h.month, h.day, najizHijri.fromHijri(h.year, h.month, h.day)]); }
        return out; }""",
        [start.isoformat(), days],
    )
    wrong = []
    for iso, y, m, d, back in browser:
        h = Gregorian.fromisoformat(iso).to_hijri()
        if (y, m, d) != (h.year, h.month, h.day) or back != iso:
            wrong.append((iso, (y, m, d), back))
    assert len(browser) == days and wrong == []
    assert page.evaluate("[najizHijri.toHijri('1924-07-31'), najizHijri.fromHijri(1448, 1, 30)]") == [None, ""]


def test_the_widget_fits_a_phone(page, login_as, parties):  # noqa: F811
    login_as(parties.debtor_user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/instruments/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for name in ("due_date", "due_date_hijri_day", "due_date_hijri_month", "due_date_hijri_year"):
        box = page.locator(f"main [name={name}]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] >= 44, (name, box)
