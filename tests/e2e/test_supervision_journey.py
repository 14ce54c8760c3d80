"""A judge reviews a rejected request in Chromium, reverses it with a reason, and the creditor
sees the request continue, with the judge's reason on their timeline."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "ثبت للدائرة أن الحساب البنكي مملوك للدائن"


def test_judge_reverses_a_rejection_and_the_creditor_sees_it_continue(page, live_server, login_as, case):
    from django.contrib.auth.models import Group

    from enforcement import services
    from enforcement.models import EnforcementRequest
    from najiz.accounts.models import JUDGES_GROUP
    from najiz.registries import services as registries
    from tests.factories.accounts import STAFF_PASSWORD, StaffUserFactory

    request = services.save_draft(
        user=case.user,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("5000.00"),
        iban=registries.accounts_of(case.debtor)[0].iban,  # not the creditor's: rejected
    )
    services.submit(request, user=case.user)
    request = EnforcementRequest.objects.get(pk=request.pk)
    assert request.status == "rejected"
    judge = StaffUserFactory(name_ar="القاضي سعد", name_en="Judge Saad")
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    case.circuits["jeddah-1"].judges.add(judge)

    # the judge signs in with a password and finds the rejection at the top of the queue
    page.goto("/supervision/")
    page.wait_for_url(re.compile(r"/accounts/staff-login/"))
    page.locator("main input[name=national_id]").fill(judge.national_id)
    page.locator("main input[name=password]").fill(STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/supervision/$"))
    first_row = page.locator("#queue tbody tr").first
    expect(first_row).to_contain_text(request.number)
    first_row.get_by_role("link", name=request.number).click()

    # why: the rules, the failing one among them
    page.wait_for_url(re.compile(r"/supervision/decisions/\d+/$"))
    expect(page.locator("#rules")).to_contain_text("الحساب باسم الدائن")  # the rule by its name, not its id
    page.locator("#replay-button").click()
    expect(page.locator("#replay [data-replay=same]")).to_be_visible()

    # reverse, with a reason (refused without one)
    page.locator("details.action-reverse summary").click()
    page.locator("#form-reverse button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator("#reverse-reason").fill(REASON)
    page.locator("#form-reverse button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#caused-title + ol, #caused-title ~ ol").first).to_contain_text(REASON)
    assert EnforcementRequest.objects.get(pk=request.pk).status == "order_issued"

    # the creditor sees the request continue, and the judge's reason
    page.context.clear_cookies()
    login_as(case.user)
    page.goto(f"/enforcement/requests/{request.number}/")
    expect(page.locator("main")).to_contain_text(REASON)
    expect(page.locator("main")).to_contain_text("EO-")
