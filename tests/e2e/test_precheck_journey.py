"""The pre-checks in Chromium. Filing: the creditor picks an instrument (its debtors and amount
fill in), types an IBAN held by someone else, sees the audit's blocker appear by the field and on
the submit button, and sees it clear once their own IBAN is typed. Issuing an e-note: the same
with the issue rules."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .test_enforcement_journey import parties, type_into  # noqa: F401 - the journey's fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_blocker_appears_while_typing_and_clears_once_fixed(page, login_as, parties):  # noqa: F811
    from django.utils import translation

    from enforcement.models import EnforcementRequest
    from tests.factories import registries as factories

    with translation.override("ar"):
        not_held = translation.gettext("The IBAN is not held by the creditor.")
    someone_elses = factories.AccountFactory(balance=Decimal("10.00"))

    login_as(parties.creditor_user)
    page.goto("/enforcement/new/")
    page.locator(f"[data-instrument='{parties.instrument.number}'] button").click()
    expect(page.locator("main input[name=instrument_number]")).to_have_value(parties.instrument.number)
    expect(page.locator("main input[name=debtor_ids]")).to_have_value(parties.debtor.national_id)
    expect(page.locator("main input[name=amount]")).to_have_value("8000.00")

    type_into(page.locator("main input[name=iban]"), someone_elses.iban)
    blockers = page.locator("#iban-blockers [data-blockers=iban]")
    expect(blockers).to_contain_text(not_held)
    expect(page.locator("#blocker-count [data-blocker-count]")).to_have_attribute("data-blocker-count", "1")

    type_into(page.locator("main input[name=iban]"), parties.account.iban)
    expect(blockers).to_have_count(0)
    expect(page.locator("#blocker-count [data-blocker-count]")).to_have_count(0)
    assert not EnforcementRequest.objects.exists()  # nothing is filed while typing


def test_an_enote_blocker_appears_while_typing_and_clears_once_fixed(page, login_as, parties):  # noqa: F811
    """The debtor types their own id as the creditor: the issue rule's words appear by the field and
    on the button; with the creditor's id typed instead, the creditor's name shows back."""
    from django.utils import translation

    from einstruments.models import PromissoryNote

    with translation.override("ar"):
        to_yourself = translation.gettext("You cannot issue a note to yourself.")
    debtor, creditor = parties.debtor, parties.creditor
    login_as(parties.debtor_user)
    page.goto("/instruments/new/")
    page.locator("main input[name=amount]").fill("7500.00")
    type_into(page.locator("main input[name=creditor_id]"), debtor.national_id)
    blockers = page.locator("#creditor_id-feedback [data-blockers=creditor_id]")
    expect(blockers).to_contain_text(to_yourself)
    expect(page.locator("#blocker-count [data-blocker-count]")).to_have_attribute("data-blocker-count", "1")

    type_into(page.locator("main input[name=creditor_id]"), creditor.national_id)
    expect(blockers).to_have_count(0)
    expect(page.get_by_test_id("creditor-name")).to_have_text(creditor.display_name)
    expect(page.locator("#blocker-count [data-blocker-count]")).to_have_count(0)
    assert not PromissoryNote.objects.exists()  # nothing is issued while typing
