"""Every main page on a phone (390×844): nothing scrolls sideways, the header takes less than a
quarter of the screen, the navigation folds into a menu, and a stat card never breaks a number."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DEED = "310199000001"
PAGES = ["/", "/enforcement/", "/enforcement/dashboard/", "/enforcement/against-me/", "/enforcement/new/",
         "/conveyance/", "/conveyance/deeds/", "/conveyance/new/", "/instruments/", "/instruments/new/",
         "/help/enforcement/", "/help/conveyance/", "/accessibility/", "/api/v1/docs", "/notifications/",
         f"/conveyance/deeds/{DEED}/"]


@pytest.fixture
def phone(browser, live_server, client, case):
    """A phone signed in as a creditor with a request (figures on the dashboard) and a deed."""
    from enforcement import services
    from tests.factories import registries as factories

    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("7999.99"),
                                iban=case.account.iban)
    services.submit(draft, user=case.user)
    factories.DeedFactory(number=DEED, owners=[case.creditor])  # "my deeds" was wider than a phone, hiding its actions
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


def test_the_navigation_folds_into_a_menu_on_a_phone(phone):
    page = phone
    page.goto("/")
    button = page.locator("[data-menu-toggle]")
    links = page.locator(".site-nav-list a")
    assert links.count() >= 4
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    for i in range(links.count()):
        expect(links.nth(i)).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    for i in range(links.count()):
        expect(links.nth(i)).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # By keyboard: Escape from inside the menu closes it and gives the focus back to the button.
    links.nth(1).focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(links.first).to_be_hidden()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()


def test_the_menu_opens_in_english_too(phone, live_server):
    page = phone
    page.context.add_cookies([{"name": "najiz_language", "value": "en", "url": live_server.url}])
    page.goto("/")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    button = page.get_by_role("button", name="Menu")
    button.click()
    links = page.locator(".site-nav-list a")
    for i in range(links.count()):
        expect(links.nth(i)).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_desktop_the_navigation_stays_a_row(phone):
    page = phone
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    tops = page.evaluate("[...document.querySelectorAll('.site-nav-list a')].map(a => a.getBoundingClientRect().top)")
    assert len(tops) >= 4 and len(set(tops)) == 1


def test_the_open_menu_has_no_serious_accessibility_violation(phone):
    from tests.e2e.test_accessibility import AXE

    page = phone
    page.goto("/")
    page.locator("[data-menu-toggle]").click()
    page.evaluate(AXE)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    assert [v for v in found if v["impact"] in ("serious", "critical")] == []


def test_stat_cards_never_break_a_number(phone):
    page = phone
    page.goto("/enforcement/dashboard/")
    figures = page.evaluate(FIGURE_LINES)
    assert any("7,999.99" in text for text, _lines in figures), figures
    assert [(text, lines) for text, lines in figures if lines != 1] == []
