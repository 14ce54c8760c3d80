"""The pre-check while a filing is typed: the audit's own rules on the typed values, each blocker by
its field in the rule's words, the count on the submit button, the confirmation before filing
with blockers, and nothing revealed of another person's instruments or accounts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.casefile.rules import failed
from najiz.casefile.selectors import decisions_of
from najiz.common import clock
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory
from tests.precheck_html import blockers_of, count_of

pytestmark = pytest.mark.django_db

NEW = reverse("enforcement:new")
CHECK = reverse("enforcement:check")


def form_data(case, **overrides):
    data = {"instrument_number": case.instrument.number, "debtor_ids": case.debtor.national_id, "amount": "5000.00",
            "iban": case.account.iban}
    return {**data, **overrides}


def check(client, data):
    client.cookies["najiz_language"] = "en"  # the rules' words, in English
    response = client.post(CHECK, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_sound_request_has_no_blocker(creditor_client, case):
    html = check(creditor_client, form_data(case))
    assert count_of(html) == 0
    for field in ("instrument_number", "debtor_ids", "amount", "iban"):
        assert "blocker-list" not in blockers_of(html, field)


def test_an_iban_with_a_valid_checksum_held_by_someone_else_is_flagged(creditor_client, case):
    html = check(creditor_client, form_data(case, iban=case.debtor_account.iban))
    assert "The IBAN is not held by the creditor." in blockers_of(html, "iban")
    assert count_of(html) == 1
    # the live check no longer names the other person's bank
    feedback = creditor_client.post(
        reverse("enforcement:validate", args=["iban"]), form_data(case, iban=case.debtor_account.iban)
    )
    assert str(case.debtor_account.bank) not in feedback.content.decode()


@pytest.mark.parametrize(("change", "rule_words"), [
    ({"status": "cancelled"}, "The instrument has been cancelled."),
    ({"status": "executed"}, "The instrument has already been executed."),
    ({"kind": "ordinary_contract"}, "This kind of document is not an execution instrument."),
    ({"due_date": "future"}, "The debt is not due yet"),
])
def test_each_instrument_blocker_is_shown_by_the_instrument_field_in_the_rules_words(
    creditor_client, case, change, rule_words
):
    if change.get("due_date") == "future":
        change = {"due_date": clock.today() + timedelta(days=10)}
    for name, value in change.items():
        setattr(case.instrument, name, value)
    case.instrument.save()
    html = check(creditor_client, form_data(case))
    assert rule_words in blockers_of(html, "instrument_number")
    assert count_of(html) == 1


def test_the_cancelled_demo_cheque_is_flagged_while_typing(client, db, circuits):
    from demo import data as demo
    from najiz.accounts.services import user_for_person

    demo.seed()
    client.force_login(user_for_person(factories.models.Person.objects.get(national_id=demo.ABDULLAH)))
    cheque = factories.models.Instrument.objects.get(number=demo.CHEQUE_CANCELLED)
    debtor = cheque.debtors[0]
    html = check(client, {"instrument_number": demo.CHEQUE_CANCELLED, "debtor_ids": getattr(debtor, "national_id", ""),
                          "amount": "100.00", "iban": demo.demo_iban("80", 1)})
    assert "The instrument has been cancelled." in blockers_of(html, "instrument_number")
    assert count_of(html) == 1


def test_an_amount_above_what_remains_after_an_earlier_request_is_flagged(creditor_client, case, earlier_request):
    earlier_request("6000.00")
    html = check(creditor_client, form_data(case, amount="3000.00"))
    assert "exceeds what remains due on the instrument (SAR 2,000.00)" in blockers_of(html, "amount")
    assert "Another open enforcement request exists on this instrument" in blockers_of(html, "instrument_number")
    assert count_of(html) == 2


def test_only_the_fields_typed_are_checked(creditor_client, case):
    html = check(creditor_client, {"instrument_number": case.instrument.number})
    assert count_of(html) == 0
    assert "blocker-list" not in blockers_of(html, "debtor_ids")


def test_another_persons_instrument_reads_as_not_found_and_reveals_nothing(client, case, earlier_request):
    case.instrument.status = "cancelled"
    case.instrument.save()
    earlier = earlier_request("6000.00", run=False)
    stranger = factories.PersonFactory()
    factories.AccountFactory(person=stranger)
    client.force_login(UserFactory(national_id=stranger.national_id))
    html = check(client, form_data(case, iban=case.account.iban))
    instrument = blockers_of(html, "instrument_number")
    assert "No instrument with this number is registered." in instrument
    assert "cancelled" not in html and earlier.refresh_from_db() is None and earlier.number not in html
    assert "8000" not in html and "8,000" not in html and case.debtor.name_en not in html


def test_a_nul_character_is_the_portals_bad_request_page(creditor_client, case):
    response = creditor_client.post(CHECK, form_data(case, instrument_number="1\x002"))
    assert response.status_code == 400 and "<html" in response.content.decode()


@pytest.mark.parametrize("junk", ["x" * 30, "\x01\x1f", "SA" + "9" * 22, "١٢٣", "'; drop table --", "NaN", "1e999"])
def test_junk_in_any_field_gets_an_answer_never_a_500(creditor_client, case, junk):
    for field in ("instrument_number", "debtor_ids", "amount", "iban"):
        check(creditor_client, form_data(case, **{field: junk}))


@pytest.mark.parametrize(("field", "longest"), [("instrument_number", 30), ("debtor_ids", 200), ("amount", 100),
                                                ("iban", 40)])
def test_overlong_text_is_a_400_naming_the_field(creditor_client, case, field, longest):
    check(creditor_client, form_data(case, **{field: "9" * longest}))  # at the limit: answered as usual
    response = creditor_client.post(CHECK, form_data(case, **{field: "9" * (longest + 1)}), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and "data-input-refused" in html and f"at most {longest} characters" in html


def test_the_check_needs_post_and_sign_in(client, creditor_client):
    assert creditor_client.get(CHECK).status_code == 405
    client.logout()
    assert client.post(CHECK, {}).status_code == 302


def test_the_form_runs_the_check_while_typed_and_the_button_counts_blockers(creditor_client, case):
    page = creditor_client.get(NEW).content.decode()
    assert f'hx-post="{CHECK}"' in page and 'hx-target="#blocker-count"' in page and 'id="iban-blockers"' in page
    response = creditor_client.post(NEW, {**form_data(case, iban=case.debtor_account.iban), "action": "draft"})
    draft = creditor_client.get(response["Location"]).content.decode()
    assert 'data-blocker-count="1"' in draft and "blocker-list" in blockers_of(draft, "iban")


def test_submitting_with_blockers_asks_for_confirmation_naming_them(creditor_client, case):
    creditor_client.cookies["najiz_language"] = "en"
    response = creditor_client.post(NEW, {**form_data(case, iban=case.debtor_account.iban), "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 200 and "data-confirm-blockers" in html
    assert "The IBAN is not held by the creditor." in html.split("data-confirm-blockers")[1].split("</div>")[0]
    assert 'name="confirm_blockers" value="1"' in html
    assert not EnforcementRequest.objects.exists()


def test_the_filer_may_still_file_and_the_audit_agrees_with_the_precheck(
    creditor_client, case, django_capture_on_commit_callbacks
):
    data = {**form_data(case, iban=case.debtor_account.iban), "action": "submit", "confirm_blockers": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = creditor_client.post(NEW, data)
    filed = EnforcementRequest.objects.get()
    assert response.status_code == 302 and filed.status == Status.REJECTED
    audit = decisions_of(filed).filter(step="audit").last()
    assert [rule["id"] for rule in failed(audit.rules)] == ["iban_held_by_creditor"]


def test_a_sound_request_is_filed_without_confirmation(creditor_client, case):
    response = creditor_client.post(NEW, {**form_data(case), "action": "submit"})
    assert response.status_code == 302 and EnforcementRequest.objects.get().status != Status.DRAFT
