"""The demo clock in Chromium: the creditor's order is issued, the payment period has not lapsed;
five days on (one click in the bar), the Art. 46 measures are on the request's page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_clock(settings):
    from najiz.common import clock

    settings.DEMO_CLOCK = True
    yield
    clock.forget_demo_offset()


def test_measures_appear_five_days_on(page, login_as, case, demo_clock):
    from enforcement import services
    from enforcement.models import EnforcementRequest
    from enforcement.states import Status

    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban)
    services.submit(draft, user=case.user)
    request = EnforcementRequest.objects.get(pk=draft.pk)
    assert request.status == Status.ORDER_ISSUED

    login_as(case.user)
    page.goto(f"/enforcement/requests/{request.number}/")
    bar = page.get_by_test_id("demo-clock")
    measures = page.locator("section[aria-labelledby=measures-title] table")
    expect(bar).to_be_visible()
    expect(measures).to_have_count(0)

    bar.get_by_role("button", name="+5 أيام").click()
    expect(page.get_by_test_id("demo-clock-date")).to_be_visible()
    expect(measures).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/enforcement/')[0]}/enforcement/requests/{request.number}/")
    expect(page.get_by_role("button", name="العودة إلى الوقت الحقيقي")).to_be_visible()  # still signed in, can reset
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.MEASURES_APPLIED
