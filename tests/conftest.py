import shutil

import pytest

from najiz.common import clock


@pytest.fixture(autouse=True)
def _fresh_language():
    """Each test starts in the default language (Arabic), whatever the previous one activated."""
    from django.utils import translation

    translation.activate("ar")
    yield
    translation.deactivate()


@pytest.fixture
def travel():
    """Move the portal's clock: `with travel(timedelta(days=6)): ...`."""
    return clock.travel


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, never a downloaded one) for every browser test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
