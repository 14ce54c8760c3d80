"""The layout in a real browser (Debian's Chromium through Playwright): language switch, narrow
screens, error-summary focus, htmx loaded under its strict configuration."""

import os

import pytest

pytestmark = pytest.mark.e2e
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

@pytest.fixture
def chromium(browser):
    return browser


@pytest.fixture
def open_page(chromium, live_server, transactional_db):
    contexts = []

    def _open(path="/", width=1280, locale="ar-SA"):
        context = chromium.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": 800}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()


def test_language_button_switches_to_english_and_back(open_page):
    page = open_page("/")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang='en']")
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.get_by_role("link", name="File an enforcement request").is_visible()
    page.get_by_role("button", name="العربية").click()
    page.wait_for_selector("html[lang='ar']")
    assert page.get_by_role("link", name="طلب تنفيذ").is_visible()
    assert page.problems == []


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("locale", ["ar-SA", "en-US"])
def test_home_fits_a_phone_screen(open_page, width, locale):
    page = open_page("/", width=width, locale=locale)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator(".tile").first.is_visible()
    assert page.problems == []


def test_vendored_font_and_htmx_are_loaded_with_strict_settings(open_page):
    page = open_page("/")
    page.wait_for_load_state("load")  # htmx is a plain script of the page
    assert page.evaluate("window.htmx !== undefined")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Arabic\"', 'ناجز')")
    assert page.problems == []


def test_skip_link_moves_to_main(open_page):
    page = open_page("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.urls("tests.layout.urls")
def test_error_summary_takes_focus_and_links_to_fields(open_page):
    page = open_page("/_layout/form/")
    # A locator's wait, not wait_for_function: a polled string predicate is eval, which the CSP refuses.
    page.wait_for_selector("[data-error-summary]:focus")
    page.get_by_role("link", name="Amount: هذا الحقل مطلوب.").click()
    assert page.evaluate("document.activeElement.id") == "id_amount"
    page.get_by_role("link", name="Kind: هذا الحقل مطلوب.").click()
    assert page.evaluate("document.activeElement.id") == "id_kind_0"
    assert page.problems == []


def test_not_found_page_in_the_browser(open_page):
    page = open_page("/no-such-page/")
    assert page.get_by_role("heading", name="الصفحة غير موجودة").is_visible()
    page.get_by_role("link", name="العودة إلى الصفحة الرئيسية").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="صكوكي").is_visible()


@pytest.mark.urls("tests.layout.urls")
def test_htmx_post_passes_csrf_and_focuses_the_returned_error_summary(open_page):
    page = open_page("/_layout/htmx-form/")
    page.wait_for_load_state("load")  # htmx is a plain script of the page
    assert page.evaluate("window.htmx !== undefined")
    assert page.locator("[data-error-summary]").count() == 0
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#htmx-form [data-error-summary]")
    # A locator's wait, not wait_for_function: a polled string predicate is eval, which the CSP refuses.
    page.wait_for_selector("[data-error-summary]:focus")
    assert page.locator("h1").inner_text() == "htmx form"  # swapped the form only, not the page
    assert page.problems == []
