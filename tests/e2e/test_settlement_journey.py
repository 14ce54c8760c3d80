"""An instalment settlement in Chromium: the debtor under enforcement measures proposes a plan, the
creditor accepts it, the debtor pays the first instalment through the gateway simulator, and the
measures stay lifted."""

import contextlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .test_enforcement_journey import signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def measured():
    """A request whose payment period lapsed: the measures applied (the debtor holds no money). The
    clock stays past the period, for the live server too (the same process)."""
    from enforcement import services
    from enforcement.models import Circuit, EnforcementRequest
    from enforcement.tasks import sweep_deadlines
    from najiz.accounts.services import user_for_person
    from najiz.common import clock
    from tests.factories import registries as factories

    for code, city in [("riyadh-1", "riyadh"), ("jeddah-1", "jeddah")]:
        Circuit.objects.create(code=code, name_ar=f"دائرة {code}", name_en=f"Circuit {code}", court_ar="محكمة التنفيذ",
                               court_en="Enforcement Court", city=city)
    creditor = factories.PersonFactory(city="riyadh")
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    instrument = factories.InstrumentFactory(creditor_person=creditor, debtors=[debtor], amount=Decimal("8000.00"),
                                             kind="cheque")
    account = factories.AccountFactory(person=creditor)
    creditor_user = user_for_person(creditor)
    request = services.save_draft(user=creditor_user, acting_entity=None, instrument_number=instrument.number,
                                  debtor_ids=[debtor.national_id], amount=Decimal("5000.00"), iban=account.iban)
    services.submit(request, user=creditor_user)
    with contextlib.ExitStack() as stack:
        stack.enter_context(clock.travel(timedelta(days=6)))
        sweep_deadlines()
        request = EnforcementRequest.objects.get(pk=request.pk)
        assert request.status == "measures_applied" and request.measures.filter(status="applied").exists()
        request.creditor_user, request.debtor_user = creditor_user, user_for_person(debtor)
        yield request


def pay_on_the_gateway(page, amount):
    """As the payment journey pays: Mada, the approved test card, the OTP the simulator shows."""
    from payments import conf

    page.wait_for_url(re.compile(r"/gateway/s/[^/]+/$"))
    expect(page.get_by_test_id("gateway-amount")).to_contain_text(amount)
    page.get_by_label("بطاقة مدى").check()
    page.get_by_role("button", name="متابعة").click()
    page.locator("main input[name=number]").fill(conf.CARD_APPROVED)
    page.locator("main input[name=expiry]").fill("12/39")
    page.locator("main input[name=cvv]").fill("123")
    page.locator("main form[action$='/card/'] button[type=submit]").click()
    otp = page.get_by_test_id("otp")
    expect(otp).to_have_text(re.compile(r"^\d{6}$"))
    page.locator("main input[name=otp]").fill(otp.inner_text())
    page.get_by_role("button", name="تأكيد الدفع").click()


def test_propose_accept_and_pay_the_first_instalment(page, live_server, login_as, browser, measured):
    from enforcement.models import EnforcementRequest
    from najiz.common import clock

    number = measured.number
    first_due = (clock.today() + timedelta(days=5)).isoformat()

    # --- the debtor reads what a plan means, then proposes one --------------------------------
    login_as(measured.debtor_user)
    page.goto(f"/enforcement/requests/{number}/")
    motions = page.get_by_test_id("motions")
    motions.locator("summary", has_text="اقترح السداد بالتقسيط").click()
    expect(motions).to_contain_text("5,000.00")  # the explanation names what is owed
    form = motions.locator("form[action$='/motions/plan/']")
    form.locator("input[name=plan-count]").fill("2")
    form.locator("input[name=plan-amount]").fill("2500.00")
    form.locator("input[name=plan-first_due]").fill(first_due)
    form.locator("input[name=plan-confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/enforcement/requests/{number}/")
    expect(page.locator(".messages")).to_contain_text("طالب التنفيذ")
    expect(page.get_by_test_id("instalment")).to_have_count(2)

    # --- the creditor sees the plan waiting and accepts it --------------------------------------
    creditor_context, creditor = signed_in_page(browser, live_server, measured.creditor_user)
    try:
        creditor.goto(f"/enforcement/requests/{number}/")
        answer = creditor.get_by_test_id("plan-to-answer")
        expect(answer).to_be_visible()
        accept = answer.locator("form[action$='/motions/plan_accept/']")
        accept.locator("input[name=plan_accept-confirm]").check()
        accept.locator("button[type=submit]").click()
        creditor.wait_for_url(f"{live_server.url}/enforcement/requests/{number}/")
        expect(creditor.locator(".page-header .badge")).to_have_text(re.compile(r"^\s*قيد التسوية بالتقسيط\s*$"))
        expect(creditor.get_by_test_id("plan-to-answer")).to_have_count(0)
    finally:
        creditor_context.close()
    assert not EnforcementRequest.objects.get(number=number).measures.filter(status="applied").exists()

    # --- the debtor pays the first instalment's bill -----------------------------------------
    page.goto(f"/enforcement/requests/{number}/")
    expect(page.get_by_test_id("next-instalment")).to_contain_text("2,500.00")
    page.locator("section[aria-labelledby=to-pay-title] a[href*='/payments/invoices/']").click()
    page.wait_for_url(re.compile(r"/payments/invoices/[^/]+/$"))
    invoice_url = page.url
    expect(page.get_by_test_id("invoice-outstanding")).to_contain_text("2,500.00")
    expect(page.locator("main input[name=amount]")).to_have_value("2500.00")  # an instalment is paid in full
    page.get_by_role("button", name="ادفع الآن").click()
    pay_on_the_gateway(page, "2,500.00")
    page.wait_for_url(invoice_url)
    expect(page.get_by_test_id("invoice-status")).to_have_text(re.compile(r"^\s*مدفوعة\s*$"))

    # --- the measures stay lifted; the next instalment is the one to pay ----------------------
    page.goto(f"/enforcement/requests/{number}/")
    expect(page.locator(".page-header .badge")).to_have_text(re.compile(r"^\s*قيد التسوية بالتقسيط\s*$"))
    expect(page.get_by_test_id("next-instalment")).to_contain_text("2,500.00")
    request = EnforcementRequest.objects.get(number=number)
    assert request.status == "settlement" and request.collected == Decimal("2500.00")
    assert not request.measures.filter(status="applied").exists()
    assert request.instalments.filter(paid_at__isnull=False).count() == 1
