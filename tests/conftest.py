import shutil
from decimal import Decimal
from types import SimpleNamespace

import pytest

from najiz.common import clock


@pytest.fixture(autouse=True)
def _fresh_language():
    """Each test starts in the default language (Arabic), whatever the previous one activated."""
    from django.utils import translation

    translation.activate("ar")
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory):
    """The suite's own document-signing CA and key, made once in a temporary directory (never
    var/): every PDF a test renders is signed with it. Yields (PKCS#12 path, CA certificate path)."""
    from django.conf import settings

    from najiz.common import signing

    path = tmp_path_factory.mktemp("signing") / "signing.p12"
    signing.create_development_key(path, "test-signing-password")
    saved = settings.PDF_SIGNING_KEY_FILE, settings.PDF_SIGNING_KEY_PASSWORD
    settings.PDF_SIGNING_KEY_FILE, settings.PDF_SIGNING_KEY_PASSWORD = str(path), "test-signing-password"
    signing.reset()
    yield path, path.parent / "ca.pem"
    settings.PDF_SIGNING_KEY_FILE, settings.PDF_SIGNING_KEY_PASSWORD = saved
    signing.reset()


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


# --- shared case data: a creditor, a debtor and a valid, due instrument --------------------


@pytest.fixture
def circuits(db):
    from enforcement.models import Circuit

    return {
        code: Circuit.objects.create(
            code=code,
            name_ar=f"دائرة {code}",
            name_en=f"Circuit {code}",
            court_ar="محكمة التنفيذ",
            court_en="Enforcement Court",
            city=city,
        )
        for code, city in [("riyadh-1", "riyadh"), ("riyadh-2", "riyadh"), ("jeddah-1", "jeddah")]
    }


@pytest.fixture
def case(db, circuits):
    """A creditor with an account, a debtor (with e-mail and mobile), and a valid, due cheque."""
    from najiz.accounts.services import user_for_person
    from tests.factories import registries as factories

    creditor = factories.PersonFactory(city="riyadh")
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    instrument = factories.InstrumentFactory(creditor_person=creditor, debtors=[debtor], amount=Decimal("8000.00"),
                                             kind="cheque")
    account = factories.AccountFactory(person=creditor)
    debtor_account = factories.AccountFactory(person=debtor, balance=Decimal("3000.00"))

    return SimpleNamespace(
        creditor=creditor, debtor=debtor, instrument=instrument, account=account, debtor_account=debtor_account,
        user=user_for_person(creditor), circuits=circuits,
    )


@pytest.fixture
def migrator(transactional_db):
    """`migrate(targets)` runs the migrations back or forward to `targets` and returns the apps of
    that state. Afterwards the database is migrated to the latest state again, so that whatever
    runs next in this test process has the whole schema."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
