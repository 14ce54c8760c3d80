"""Electronic conveyance in Chromium: the seller files (live validation shows the buyer's name) and
approves by Nafath, the buyer accepts and pays through the gateway, downloads the new deed and
opens its verification page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_seller_files_buyer_accepts_pays_and_verifies_the_new_deed(page, live_server, login_as):
    from conveyance.models import Conveyance
    from najiz.accounts.services import user_for_person
    from tests.factories.registries import AccountFactory, DeedFactory, PersonFactory

    seller = PersonFactory()
    AccountFactory(person=seller, balance=Decimal("0.00"))
    buyer = PersonFactory()
    AccountFactory(person=buyer, balance=Decimal("2000000.00"))
    deed = DeedFactory(owners=[seller])
    seller_user, buyer_user = user_for_person(seller), user_for_person(buyer)

    # the seller: my deeds → convey → the form, checked while typing
    login_as(seller_user)
    page.goto("/conveyance/deeds/")
    row = page.locator(f"tr[data-deed='{deed.number}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name="إفراغ").click()
    page.wait_for_url(re.compile(r"/conveyance/new/\?deed="))
    expect(page.locator("input[name=deed_number]")).to_have_value(deed.number)
    page.locator("input[name=buyer_id]").press_sequentially(buyer.national_id)
    expect(page.get_by_test_id("buyer-name")).to_have_text(buyer.name_ar)
    page.locator("input[name=price]").press_sequentially("5000000.50")
    expect(page.locator("#price-feedback")).to_contain_text("5,000,000.00")
    page.locator("input[name=price]").fill("")
    page.locator("input[name=price]").press_sequentially("1250000")
    expect(page.locator("#price-feedback [data-field-ok=price]")).to_be_visible()
    page.get_by_role("button", name="تقديم طلب الإفراغ").click()
    page.wait_for_url(re.compile(r"/conveyance/CV-\d{4}-\d{6}/$"))
    conveyance = Conveyance.objects.get()
    # the seller's own approval, in the Nafath simulator, before the buyer is offered anything
    expect(page.locator(".badge").first).to_contain_text("بانتظار موافقة البائعين")
    page.get_by_role("link", name="المراجعة والرد").click()
    page.get_by_role("button", name="أوافق").click()
    chosen, consent_url = page.get_by_test_id("nafath-number").inner_text(), page.url
    page.goto(f"/nafath/?national_id={seller.national_id}")
    page.locator(f"button[name=number][value='{chosen}']").click()
    page.goto(consent_url)
    page.get_by_role("button", name="أوافق").click()
    expect(page.locator(".badge").first).to_contain_text("بانتظار قبول المشتري")

    # the buyer: reviews the offer, accepts, pays by Mada through the gateway
    page.context.clear_cookies()
    login_as(buyer_user)
    page.goto(f"/conveyance/{conveyance.number}/")
    page.get_by_role("link", name="مراجعة العرض").click()
    expect(page.get_by_test_id("price")).to_contain_text("1,250,000.00")
    expect(page.get_by_test_id("tax")).to_contain_text("62,500.00")  # shown before anyone pays
    expect(page.get_by_test_id("tax-payer")).to_contain_text("البائع")
    page.get_by_role("button", name="قبول العرض").click()
    # the button alone is no approval: the buyer chooses the number in the Nafath app
    number = page.get_by_test_id("nafath-number")
    expect(number).to_have_text(re.compile(r"^\d{2}$"))
    expect(page.get_by_test_id("nafath-purpose")).to_contain_text(deed.number)
    chosen = number.inner_text()
    offer_url = page.url
    page.goto(f"/nafath/?national_id={buyer.national_id}")
    expect(page.get_by_test_id("nafath-request-purpose")).to_contain_text("1,250,000.00")
    page.locator(f"button[name=number][value='{chosen}']").click()
    page.goto(offer_url)
    page.get_by_role("button", name="قبول العرض").click()
    page.get_by_test_id("pay-link").click()
    _pay_by_mada(page, "1250000.00")
    page.goto(f"/conveyance/{conveyance.number}/")
    expect(page.get_by_test_id("next-step")).to_contain_text("سداد الضريبة")  # the price alone does not transfer

    # the seller: pays the real-estate transaction tax by a bill of its own
    page.context.clear_cookies()
    login_as(seller_user)
    page.goto(f"/conveyance/{conveyance.number}/")
    expect(page.get_by_test_id("tax")).to_contain_text("62,500.00")
    page.get_by_test_id("pay-tax-link").click()
    _pay_by_mada(page, "62500.00")

    # the new deed: PDF and public verification, as the buyer
    page.context.clear_cookies()
    login_as(buyer_user)
    page.goto(f"/conveyance/{conveyance.number}/")
    new_number = page.get_by_test_id("new-deed-number")
    expect(new_number).to_have_text(re.compile(r"^\d{12}$"))
    expect(page.locator(".badge").first).to_contain_text("مكتمل")
    response = page.request.get(page.get_by_test_id("new-deed-pdf").get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    number = new_number.inner_text()
    page.get_by_test_id("new-deed-verify").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("صحيح وساري")
    page.goto(f"/verify/deed/{deed.number}")
    expect(page.get_by_test_id("verify-result")).to_contain_text("لم يعد ساريًا")
    conveyance.refresh_from_db()
    assert conveyance.status == "completed" and conveyance.new_deed.number == number
    assert conveyance.tax_receipt_number and conveyance.new_deed.tax_receipt_number == conveyance.tax_receipt_number


def _pay_by_mada(page, amount):
    from payments import conf

    page.wait_for_url(re.compile(r"/payments/invoices/\d{11}/$"))
    expect(page.locator("main input[name=amount]")).to_have_value(amount)
    page.get_by_role("button", name="ادفع الآن").click()
    page.wait_for_url(re.compile(r"/gateway/s/[^/]+/$"))
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
    expect(page.get_by_test_id("invoice-status")).to_have_text(re.compile(r"^\s*مدفوعة\s*$"))
