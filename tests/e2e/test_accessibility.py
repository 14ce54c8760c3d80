"""axe-core (vendored from npm under static/vendor/axe-core/) on the main pages, in Chromium: no
serious or critical violation, signed out and signed in, with the demo clock's bar showing."""

from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
AXE = next((Path(__file__).resolve().parents[2] / "static/vendor/axe-core").glob("axe-*.min.js")).read_text()
PUBLIC = ["/", "/help/enforcement/", "/help/conveyance/", "/help/instruments/", "/accessibility/", "/api/v1/docs",
          "/accounts/login/", "/accounts/staff-login/"]
SIGNED_IN = ["/", "/enforcement/", "/enforcement/dashboard/", "/enforcement/against-me/", "/enforcement/new/",
             "/conveyance/", "/conveyance/deeds/", "/conveyance/new/", "/instruments/", "/instruments/new/"]


def serious_violations(page, path, *, spoil: str = "", impacts=("serious", "critical")) -> list:
    page.goto(path)
    if spoil:
        page.evaluate(spoil)
    page.evaluate(AXE)  # evaluated by the browser's debugger, so the page's CSP does not apply
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [(path, v) for v in found if v["impact"] in impacts]


@pytest.fixture
def demo_clock(settings):
    from najiz.common import clock

    settings.DEMO_CLOCK = True
    yield
    clock.forget_demo_offset()


def test_the_public_pages_have_no_serious_violation(page, demo_clock):
    assert [v for path in PUBLIC for v in serious_violations(page, path)] == []


def test_the_signed_in_pages_have_no_serious_violation(page, login_as, case, demo_clock):
    from enforcement import services
    from tests.factories import registries as factories

    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban)
    services.submit(draft, user=case.user)
    draft.refresh_from_db()
    deed = factories.DeedFactory(owners=[case.creditor, factories.PersonFactory()])
    login_as(case.user)
    pages = [*SIGNED_IN, f"/enforcement/requests/{draft.number}/", f"/conveyance/deeds/{deed.number}/"]
    assert [v for path in pages for v in serious_violations(page, path)] == []


def test_the_check_sees_a_violation_when_there_is_one(page):
    spoil = "() => document.querySelector('main').append(Object.assign(document.createElement('img'), {src: '/x.png'}))"
    assert [v["id"] for _path, v in serious_violations(page, "/", spoil=spoil)] == ["image-alt"]


def test_the_api_documentation_has_no_violation_at_all(page):
    # Swagger UI failed color-contrast, nested-interactive, html-has-lang and region here
    assert serious_violations(page, "/api/v1/docs", impacts=("minor", "moderate", "serious", "critical")) == []
