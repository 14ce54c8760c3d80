"""An e-promissory note end to end in Chromium: the debtor issues it and confirms in the Nafath
app, the creditor accepts, time passes the due date, and the creditor files for enforcement in
one step and sees the execution order issued."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def parties():
    from enforcement.models import Circuit
    from najiz.accounts.services import user_for_person
    from tests.factories import registries as factories

    for code, city in [("riyadh-1", "riyadh"), ("jeddah-1", "jeddah")]:
        Circuit.objects.create(code=code, name_ar=f"دائرة {code}", name_en=f"Circuit {code}", court_ar="محكمة التنفيذ",
                               court_en="Enforcement Court", city=city)
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    creditor = factories.PersonFactory(city="riyadh")
    account = factories.AccountFactory(person=creditor)
    factories.AccountFactory(person=debtor, balance=Decimal("100.00"))

    class Parties:
        pass

    p = Parties()
    p.debtor, p.creditor, p.account = debtor, creditor, account
    p.debtor_user, p.creditor_user = user_for_person(debtor), user_for_person(creditor)
    return p


def sign_in(context, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def signed_in_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="ar-SA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    sign_in(context, live_server, user)
    return context, context.new_page()


def test_issue_accept_and_enforce_in_one_step(page, live_server, login_as, browser, parties, travel):
    from einstruments.models import PromissoryNote
    from najiz.common import clock

    # --- the debtor issues the note and confirms it in the Nafath app --------------------------
    login_as(parties.debtor_user)
    page.goto("/instruments/")
    page.get_by_test_id("new-note").click()
    page.locator("main input[name=creditor_id]").fill(parties.creditor.national_id)
    page.locator("main input[name=amount]").fill("7500.00")
    page.locator("main input[name=due_date]").fill((clock.today() + timedelta(days=30)).isoformat())
    page.locator("main select[name=place]").select_option("jeddah")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/instruments/PN-\d{4}-\d{6}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    number_element = page.get_by_test_id("nafath-number")
    expect(number_element).to_have_text(re.compile(r"^\s*\d{2}\s*$"))
    chosen = number_element.inner_text().strip()

    app = page.context.new_page()  # the "phone"
    app.goto("/nafath/")
    app.locator("main input[name=national_id]").fill(parties.debtor.national_id)
    app.locator("main form[method=get] button[type=submit]").click()
    app.locator(f"main button[name=number][value='{chosen}']").click()
    expect(app.locator("main [role=status]")).to_be_visible()
    app.close()

    page.bring_to_front()
    expect(page.get_by_test_id("nafath-number")).to_have_count(0, timeout=15_000)  # the poll reloads the note
    expect(page.get_by_test_id("note-status")).to_contain_text("بانتظار القبول")
    assert PromissoryNote.objects.get(number=number).instrument is None

    # --- the creditor accepts on their own screen ---------------------------------------------
    creditor_context, creditor = signed_in_page(browser, live_server, parties.creditor_user)
    try:
        creditor.goto("/instruments/?as=holder")
        creditor.get_by_test_id("waiting-for-me").locator(f"a:has-text('{number}')").click()
        creditor.wait_for_url(re.compile(rf"/instruments/{number}/$"))
        expect(creditor.get_by_test_id("note-amount")).to_contain_text("7,500.00")
        creditor.get_by_test_id("answer-note").locator("button[value=accept]").click()
        expect(creditor.get_by_test_id("note-status")).to_contain_text("ساري")
        expect(creditor.get_by_test_id("note-pdf")).to_have_count(1)
        expect(creditor.get_by_test_id("file-enforcement")).to_have_count(0)  # not due yet

        # --- the due date passes; the creditor files in one step --------------------------------
        with travel(timedelta(days=31)):
            sign_in(creditor_context, live_server, parties.creditor_user)  # a month later: a new session
            creditor.reload()
            creditor.get_by_test_id("file-enforcement").click()
            creditor.wait_for_url(re.compile(rf"/instruments/{number}/enforce/$"))
            expect(creditor.get_by_test_id("enforce-summary")).to_contain_text(number)
            expect(creditor.get_by_test_id("enforce-summary")).to_contain_text("7,500.00")
            creditor.get_by_test_id("confirm-enforcement").click()
            creditor.wait_for_url(re.compile(r"/enforcement/requests/EN-\d{4}-\d{6}/$"))
            request_number = creditor.url.rstrip("/").rsplit("/", 1)[-1]
            expect(creditor.locator("#request-timeline")).to_contain_text(request_number.replace("EN-", "EO-"))
            expect(creditor.get_by_test_id("order-pdf")).to_have_count(1)
    finally:
        creditor_context.close()
    note = PromissoryNote.objects.get(number=number)
    assert note.status == "under_enforcement" and note.enforcement_number == request_number
