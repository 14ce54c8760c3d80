"""The virtual enforcement court end to end in Chromium: the creditor files (live validation),
the automation issues the order, the debtor pays through the gateway simulator, the request
closes and the money reaches the creditor."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

BAD_IBAN = "SA0000000000000000000000"


@pytest.fixture
def parties():
    from enforcement.models import Circuit
    from najiz.accounts.services import user_for_person
    from tests.factories import registries as factories

    for code, city in [("riyadh-1", "riyadh"), ("jeddah-1", "jeddah")]:
        Circuit.objects.create(code=code, name_ar=f"دائرة {code}", name_en=f"Circuit {code}", court_ar="محكمة التنفيذ",
                               court_en="Enforcement Court", city=city)
    creditor = factories.PersonFactory(city="riyadh")
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    instrument = factories.InstrumentFactory(
        creditor_person=creditor, debtors=[debtor], amount=Decimal("8000.00"), kind="cheque"
    )
    account = factories.AccountFactory(person=creditor)
    factories.AccountFactory(person=debtor, balance=Decimal("100.00"))

    class Parties:
        pass

    p = Parties()
    p.creditor, p.debtor, p.instrument, p.account = creditor, debtor, instrument, account
    p.creditor_user, p.debtor_user = user_for_person(creditor), user_for_person(debtor)
    return p


def signed_in_page(browser, live_server, user):
    """A second browser (its own cookies) signed in as `user`, through its own test client so the
    first browser's session stays signed in."""
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, locale="ar-SA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context, context.new_page()


def type_into(field, text):
    """Type as a person would: the live validation listens to key presses and to "change"."""
    field.fill(text)
    field.press("Tab")


def test_file_order_pay_and_close(page, live_server, login_as, browser, parties):
    from django.utils import translation

    from enforcement.models import EnforcementRequest
    from payments import conf

    with translation.override("ar"):
        disbursed_label = translation.gettext("Disbursed")

    # --- the creditor files, with live validation of the IBAN --------------------------------
    login_as(parties.creditor_user)
    page.goto("/enforcement/new/")
    type_into(page.locator("main input[name=instrument_number]"), parties.instrument.number)
    expect(page.locator("#instrument_number-feedback [data-field-ok=instrument]")).to_be_visible()
    type_into(page.locator("main [name=debtor_ids]"), parties.debtor.national_id)
    expect(page.locator("#debtor_ids-feedback")).to_contain_text(parties.debtor.name_ar)
    type_into(page.locator("main input[name=amount]"), "5000")
    type_into(page.locator("main input[name=iban]"), BAD_IBAN)
    iban_error = page.locator("#iban-feedback .field-errors")
    expect(iban_error).to_be_visible()
    expect(iban_error).to_contain_text("آيبان")
    type_into(page.locator("main input[name=iban]"), parties.account.iban)
    expect(page.locator("#iban-feedback [data-field-ok=iban]")).to_be_visible()
    expect(iban_error).to_have_count(0)
    page.locator("main button[name=action][value=submit]").click()

    page.wait_for_url(re.compile(r"/enforcement/requests/EN-\d{4}-\d{6}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    request = EnforcementRequest.objects.get(number=number)
    order_number = number.replace("EN-", "EO-")
    expect(page.locator("#request-timeline")).to_contain_text(order_number)  # "order issued" on the timeline
    expect(page.locator(".page-header .badge")).to_have_text(re.compile(r"^\s*قيد التنفيذ\s*$"))
    expect(page.get_by_test_id("order-pdf")).to_have_count(1)

    # --- the debtor sees the order and pays it by Mada ---------------------------------------
    debtor_context, debtor = signed_in_page(browser, live_server, parties.debtor_user)
    try:
        debtor.goto(f"/enforcement/requests/{number}/")
        order = debtor.locator("section[aria-labelledby=to-pay-title]")
        expect(order).to_contain_text(order_number)
        expect(order).to_contain_text("5,000.00")
        order.locator("a[href*='/payments/invoices/']").click()

        debtor.wait_for_url(re.compile(r"/payments/invoices/[^/]+/$"))
        invoice_url = debtor.url
        expect(debtor.get_by_test_id("invoice-outstanding")).to_contain_text("5,000.00")
        debtor.locator("main input[name=amount]").fill("5000.00")
        debtor.get_by_role("button", name="ادفع الآن").click()

        debtor.wait_for_url(re.compile(r"/gateway/s/[^/]+/$"))
        expect(debtor.get_by_test_id("gateway-amount")).to_contain_text("5,000.00")
        debtor.get_by_label("بطاقة مدى").check()
        debtor.get_by_role("button", name="متابعة").click()
        debtor.locator("main input[name=number]").fill(conf.CARD_APPROVED)
        debtor.locator("main input[name=expiry]").fill("12/39")
        debtor.locator("main input[name=cvv]").fill("123")
        debtor.locator("main form[action$='/card/'] button[type=submit]").click()
        otp = debtor.get_by_test_id("otp")
        expect(otp).to_have_text(re.compile(r"^\d{6}$"))
        debtor.locator("main input[name=otp]").fill(otp.inner_text())
        debtor.get_by_role("button", name="تأكيد الدفع").click()

        debtor.wait_for_url(invoice_url)
        expect(debtor.get_by_test_id("invoice-status")).to_have_text(re.compile(r"^\s*مدفوعة\s*$"))
    finally:
        debtor_context.close()

    # --- the creditor sees the request executed and the money disbursed ----------------------
    page.reload()
    expect(page.locator(".page-header .badge")).to_have_text(re.compile(r"^\s*منفذ\s*$"))
    expect(page.locator(".stat-card", has_text=disbursed_label)).to_contain_text("5,000.00")
    expect(page.get_by_test_id("receipt-pdf")).to_have_count(1)

    request.refresh_from_db()
    assert request.status == "closed" and request.disbursed == Decimal("5000.00")

    # the dashboard tells the same story
    page.goto("/enforcement/dashboard/")
    expect(page.get_by_test_id("as-creditor")).to_contain_text("5,000.00")
    expect(page.get_by_test_id("as-creditor").locator("[data-status=executed]")).to_have_text("1")
