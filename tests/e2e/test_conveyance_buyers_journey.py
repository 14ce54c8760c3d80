"""Two buyers in Chromium: the seller names spouses buying half each and approves the filing in
the Nafath simulator; each spouse reviews the offer, approves by Nafath and pays their half by
Mada; the seller pays the real-estate transaction tax; the new deed lists both at 1/2."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _approve_in_nafath(page, person, button):
    """Press the page's approve button, choose its number in the Nafath simulator, come back and
    press it again: only the number chosen in Nafath counts."""
    page.get_by_role("button", name=button).click()
    number = page.get_by_test_id("nafath-number")
    expect(number).to_have_text(re.compile(r"^\d{2}$"))
    chosen, back = number.inner_text(), page.url
    page.goto(f"/nafath/?national_id={person.national_id}")
    expect(page.get_by_test_id("nafath-request-purpose")).to_contain_text("1,000,000.01")
    page.locator(f"button[name=number][value='{chosen}']").click()
    page.goto(back)
    page.get_by_role("button", name=button).click()


def test_two_buyers_approve_and_pay_their_halves_and_the_new_deed_lists_both(page, live_server, login_as):
    from conveyance.models import Conveyance
    from najiz.accounts.services import user_for_person
    from najiz.registries import services as registries
    from payments.models import LedgerEntry
    from tests.e2e.test_conveyance_journey import _pay_by_mada
    from tests.factories.registries import AccountFactory, DeedFactory, PersonFactory

    seller = PersonFactory()
    AccountFactory(person=seller, balance=Decimal("0.00"))
    buyer, spouse = PersonFactory.create_batch(2)
    for person in (buyer, spouse):
        AccountFactory(person=person, balance=Decimal("900000.00"))
    deed = DeedFactory(owners=[seller])
    seller_user, buyer_user, spouse_user = (user_for_person(p) for p in (seller, buyer, spouse))

    # the seller names both buyers and their shares, then approves the filing by Nafath
    login_as(seller_user)
    page.goto(f"/conveyance/new/?deed={deed.number}")
    page.locator("input[name=buyer_id]").press_sequentially(buyer.national_id)
    expect(page.get_by_test_id("buyer-name")).to_have_text(buyer.name_ar)
    page.locator("input[name=buyer_share]").fill("1/2")
    page.locator("input[name=co_buyer_id_1]").fill(spouse.national_id)
    page.locator("input[name=co_buyer_share_1]").fill("1/3")  # a half and a third are not the whole
    page.locator("input[name=price]").press_sequentially("1000000.01")
    page.get_by_role("button", name="تقديم طلب الإفراغ").click()
    expect(page.locator(".error-summary")).to_contain_text("تساوي الكل")
    assert not Conveyance.objects.exists()
    page.locator("input[name=co_buyer_share_1]").fill("1/2")
    page.get_by_role("button", name="تقديم طلب الإفراغ").click()
    page.wait_for_url(re.compile(r"/conveyance/CV-\d{4}-\d{6}/$"))
    conveyance = Conveyance.objects.get()
    expect(page.locator(".badge").first).to_contain_text("بانتظار موافقة البائعين")  # not yet to the buyers
    expect(page.get_by_test_id("buyers")).to_contain_text(spouse.name_ar)
    page.get_by_role("link", name="المراجعة والرد").click()
    expect(page.get_by_test_id("filer-approval")).to_be_visible()
    _approve_in_nafath(page, seller, "أوافق")
    expect(page.locator(".badge").first).to_contain_text("بانتظار قبول المشتري")

    # each buyer reviews the offer (both shares, the tax) and accepts by Nafath
    for person, user in ((buyer, buyer_user), (spouse, spouse_user)):
        page.context.clear_cookies()
        login_as(user)
        page.goto(f"/conveyance/{conveyance.number}/")
        page.get_by_role("link", name="مراجعة العرض").click()
        expect(page.get_by_test_id("buyers")).to_contain_text(buyer.name_ar)
        expect(page.get_by_test_id("buyer-share").first).to_have_text("1/2")
        expect(page.get_by_test_id("tax")).to_contain_text("50,000.00")
        _approve_in_nafath(page, person, "قبول العرض")
        if user == buyer_user:
            expect(page.get_by_test_id("waiting-buyers")).to_be_visible()  # no bill before the spouse accepts

    # each pays their half into the escrow
    for user, amount in ((spouse_user, "500000.00"), (buyer_user, "500000.01")):
        page.context.clear_cookies()
        login_as(user)
        page.goto(f"/conveyance/{conveyance.number}/")
        page.get_by_test_id("pay-link").click()
        _pay_by_mada(page, amount)

    # the seller pays the tax by its own bill
    page.context.clear_cookies()
    login_as(seller_user)
    page.goto(f"/conveyance/{conveyance.number}/")
    page.get_by_test_id("pay-tax-link").click()
    _pay_by_mada(page, "50000.00")

    # the new deed: both buyers at 1/2, in each one's deeds
    page.context.clear_cookies()
    login_as(spouse_user)
    page.goto(f"/conveyance/{conveyance.number}/")
    expect(page.locator(".badge").first).to_contain_text("مكتمل")
    new_number = page.get_by_test_id("new-deed-number").inner_text()
    page.goto("/conveyance/deeds/")
    expect(page.locator(f"tr[data-deed='{new_number}'] [data-testid=share]")).to_have_text("1/2")
    owners = sorted((r.person.national_id, r.share_label) for r in registries.deed(new_number).owner_rows.all())
    assert owners == sorted([(buyer.national_id, "1/2"), (spouse.national_id, "1/2")])
    conveyance.refresh_from_db()
    assert conveyance.status == "completed" and conveyance.tax_receipt_number
    assert sum(e.amount for e in LedgerEntry.objects.all()) == 0
