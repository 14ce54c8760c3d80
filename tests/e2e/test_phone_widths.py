"""Every main page on a phone (390×844): nothing scrolls sideways, the header takes less than a
quarter of the screen, the navigation folds into a menu, and a stat card never breaks a number."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/enforcement/", "/enforcement/dashboard/", "/enforcement/against-me/", "/enforcement/new/",
         "/conveyance/", "/conveyance/deeds/", "/conveyance/new/", "/instruments/", "/instruments/new/",
         "/help/enforcement/", "/help/conveyance/", "/accessibility/", "/api/v1/docs", "/notifications/"]


@pytest.fixture
def phone(browser, live_server, client, case):
    """A phone signed in as a creditor with a request (figures on the dashboard) and a deed."""
    from enforcement import services
    from tests.factories import registries as factories

    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("7999.99"),
                                iban=case.account.iban)
    services.submit(draft, user=case.user)
    factories.DeedFactory(owners=[case.creditor])  # "my deeds" was wider than a phone, hiding its actions
    context = browser.new_context(base_url=live_server.url, locale="ar-SA", viewport=PHONE)
    context.set_default_timeout(15_000)
    client.force_login(case.user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


OUTSIDE = """() => [...document.body.querySelectorAll('*')].filter(e => {
  const box = e.getBoundingClientRect();
  return box.width > 0 && (box.right > innerWidth + 1 || box.left < -1) && !e.closest('.table-wrap');
}).slice(0, 5).map(e => e.tagName + '.' + e.className)"""
# Lines of text of each stat card's figure: one, or the figure broke.
FIGURE_LINES = """() => [...document.querySelectorAll('.stat-card-value')].map(e => {
  const range = document.createRange(); range.selectNodeContents(e);
  return [e.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""


def test_every_main_page_fits_a_phone(phone):
    page = phone
    too_wide, too_tall = [], []
    for path in PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append((path, width, page.evaluate(OUTSIDE)))
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        if header >= PHONE["height"] / 4:
            too_tall.append((path, header))
    assert too_wide == [] and too_tall == []


def test_the_navigation_shows_every_item_on_a_phone(phone):
    page = phone
    page.goto("/")
    links = page.locator(".site-nav-list a")
    assert links.count() >= 4
    for i in range(links.count()):
        expect(links.nth(i)).to_be_in_viewport(ratio=1)


def test_stat_cards_never_break_a_number(phone):
    page = phone
    page.goto("/enforcement/dashboard/")
    figures = page.evaluate(FIGURE_LINES)
    assert any("7,999.99" in text for text, _lines in figures), figures
    assert [(text, lines) for text, lines in figures if lines != 1] == []
