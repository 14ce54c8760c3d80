"""A debtor pays an invoice through the gateway simulator in Chromium and gets the receipt."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_pay_an_invoice_by_mada_and_open_the_receipt(page, live_server, login_as):
    from payments import conf, services
    from payments.models import Invoice, InvoiceStatus, Payment
    from tests.factories.accounts import UserFactory
    from tests.factories.registries import AccountFactory, InstrumentFactory, PersonFactory

    person = PersonFactory()
    AccountFactory(person=person)
    user = UserFactory(national_id=person.national_id, name_ar=person.name_ar, name_en=person.name_en)
    invoice = services.create_invoice(
        purpose=InstrumentFactory(),
        payer=user,
        amount=Decimal("2500.00"),
        allow_partial=True,
        description_ar="سداد مبلغ طلب التنفيذ",
        description_en="Payment of the enforcement claim",
    )

    login_as(user)
    page.goto("/payments/")
    page.get_by_role("link", name=invoice.bill_number).click()
    expect(page.get_by_test_id("invoice-outstanding")).to_contain_text("2,500.00")

    page.locator("main input[name=amount]").fill("2500.00")
    page.get_by_role("button", name="ادفع الآن").click()

    page.wait_for_url(re.compile(r"/gateway/s/[^/]+/$"))
    expect(page.get_by_test_id("gateway-amount")).to_contain_text("2,500.00")
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

    page.wait_for_url(f"{live_server.url}{invoice.get_absolute_url()}")
    expect(page.get_by_test_id("invoice-status")).to_have_text(re.compile(r"^\s*مدفوعة\s*$"))
    expect(page.get_by_test_id("invoice-outstanding")).to_contain_text("0.00")
    expect(page.locator(".messages")).to_contain_text("2,500.00")

    receipt_link = page.get_by_test_id("receipt-link")
    expect(receipt_link).to_have_count(1)
    response = page.request.get(receipt_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID
    assert Payment.objects.get().amount == Decimal("2500.00")
