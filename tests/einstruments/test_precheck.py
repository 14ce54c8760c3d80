"""The pre-check while an e-note is typed: the issue rules (einstruments.rules.run_issue) on the
facts the issue service is checked on, each blocker by its field in the rule's words, the count on
the submit button, and issuing refused outright while one remains (a note has no judge to review
it). The service refuses the same draft in the same words."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from einstruments import services
from einstruments.issuance import find_party
from einstruments.models import PromissoryNote
from najiz.common import clock
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory
from tests.precheck_html import count_of

pytestmark = pytest.mark.django_db

NEW = reverse("einstruments:new")
CHECK = reverse("einstruments:check")


def draft(parties, **overrides):
    data = {"creditor_id": parties.creditor.national_id, "amount": "2500.00",
            "due_date": (clock.today() + timedelta(days=30)).isoformat(), "place": "riyadh", "guarantor_id": ""}
    return {**data, **overrides}


def check(client, data):
    client.cookies["najiz_language"] = "en"
    response = client.post(CHECK, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()[:300]
    return response.content.decode()


def region_of(html, field) -> str:
    found = re.search(rf'<div id="{field}-feedback"[^>]*>(.*?)</div>', html, re.S)
    assert found, f"no region for {field}"
    return found.group(1)


@pytest.fixture
def debtor_client(client, parties):
    client.force_login(parties.debtor_user)
    return client


def test_the_form_runs_the_check_while_typed_and_the_button_counts_blockers(debtor_client):
    page = debtor_client.get(NEW).content.decode()
    assert f'hx-post="{CHECK}"' in page and 'hx-target="#blocker-count"' in page
    for field in ("creditor_id", "amount", "due_date", "guarantor_id"):
        assert f'id="{field}-feedback"' in page


def test_a_sound_draft_has_no_blocker_and_shows_the_names_back(debtor_client, parties):
    html = check(debtor_client, draft(parties, guarantor_id=parties.guarantor.national_id))
    assert count_of(html) == 0 and "data-blockers" not in html
    assert parties.creditor.display_name in region_of(html, "creditor_id")
    assert parties.guarantor.display_name in region_of(html, "guarantor_id")


def _unknown_id():
    return factories.PersonFactory.build().national_id  # a valid id the registry does not hold


# (what is typed, the field, the rule's words)
BLOCKERS = [
    ({"creditor_id": "unknown"}, "creditor_id", "No person or entity with this number is found in the registries."),
    ({"creditor_id": "deceased"}, "creditor_id", "No person or entity with this number is found in the registries."),
    ({"creditor_id": "1234"}, "creditor_id", "No person or entity with this number is found in the registries."),
    ({"creditor_id": "debtor"}, "creditor_id", "You cannot issue a note to yourself."),
    ({"guarantor_id": "unknown"}, "guarantor_id", "No person with this ID is found in the civil registry."),
    ({"guarantor_id": "entity"}, "guarantor_id", "No person with this ID is found in the civil registry."),
    ({"guarantor_id": "debtor"}, "guarantor_id", "The debtor cannot guarantee their own note."),
    ({"guarantor_id": "creditor"}, "guarantor_id", "The guarantor must be someone other than the creditor."),
    ({"amount": "0"}, "amount", "The amount must be more than zero."),
    ({"due_date": "past"}, "due_date", "The due date cannot be in the past."),
]


def _typed(parties, change: dict) -> dict:
    stand_ins = {
        "unknown": _unknown_id,
        "deceased": lambda: factories.PersonFactory(deceased=True).national_id,
        "entity": lambda: factories.EntityFactory().cr_number,
        "debtor": lambda: parties.debtor.national_id,
        "creditor": lambda: parties.creditor.national_id,
        "past": lambda: (clock.today() - timedelta(days=1)).isoformat(),
    }
    return {name: stand_ins[value]() if value in stand_ins else value for name, value in change.items()}


@pytest.mark.parametrize(("change", "field", "words"), BLOCKERS)
def test_each_issue_rule_is_flagged_by_its_field_in_the_rules_words(debtor_client, parties, change, field, words):
    html = check(debtor_client, draft(parties, **_typed(parties, change)))
    assert words in region_of(html, field) and count_of(html) == 1
    assert 'data-field-ok="creditor"' not in html or field != "creditor_id"


@pytest.mark.parametrize(("change", "field", "words"), BLOCKERS)
def test_issuing_with_a_blocker_is_refused_naming_it_and_the_service_says_the_same(
    debtor_client, parties, change, field, words
):
    data = draft(parties, **_typed(parties, change))
    debtor_client.cookies["najiz_language"] = "en"
    response = debtor_client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 400 and words in html.split("data-refused-blockers")[1].split("</div>")[0]
    assert words in region_of(html, field) and 'name="confirm_blockers"' not in html
    assert not PromissoryNote.objects.exists()
    guarantor = find_party(data["guarantor_id"], entities=False) if data["guarantor_id"] else None
    due = clock.today() + timedelta(days=-1 if field == "due_date" else 30)
    with translation.override("en"), pytest.raises(services.NoteRefused) as refused:  # the same facts
        services.issue_note(
            user=parties.debtor_user, acting_entity=None, creditor=find_party(data["creditor_id"]),
            amount=Decimal(data["amount"]), due_date=due, place="riyadh", guarantor=guarantor,
            guarantor_named=bool(data["guarantor_id"]),
        )
    assert str(refused.value.message) == words


def test_a_deceased_creditor_reads_as_not_found_and_reveals_nothing(debtor_client, parties):
    deceased = factories.PersonFactory(deceased=True)
    html = check(debtor_client, draft(parties, creditor_id=deceased.national_id))
    assert deceased.display_name not in html and deceased.name_ar not in html


def test_only_the_fields_typed_are_checked(debtor_client, parties):
    html = check(debtor_client, {"creditor_id": parties.creditor.national_id})
    assert count_of(html) == 0 and parties.creditor.display_name in region_of(html, "creditor_id")


def test_a_debtor_not_in_the_civil_registry_is_told_before_anything_else(client, parties):
    client.force_login(UserFactory(national_id=_unknown_id()))
    html = check(client, draft(parties))
    assert "You are not found in the civil registry." in html and count_of(html) == 1


def test_several_blockers_are_counted(debtor_client, parties):
    html = check(debtor_client, draft(parties, creditor_id=parties.debtor.national_id, amount="0",
                                      due_date=(clock.today() - timedelta(days=3)).isoformat()))
    assert count_of(html) == 3 and "3 blockers remain" in html


def test_a_sound_draft_is_issued(debtor_client, parties):
    response = debtor_client.post(NEW, draft(parties))
    assert response.status_code == 302 and PromissoryNote.objects.get().creditor_person == parties.creditor


def test_a_nul_character_is_the_portals_bad_request_page(debtor_client, parties):
    for url in (CHECK, reverse("einstruments:validate", args=["creditor_id"])):
        response = debtor_client.post(url, draft(parties, creditor_id="1\x002"))
        assert response.status_code == 400 and "<html" in response.content.decode()


@pytest.mark.parametrize("field", ["creditor_id", "guarantor_id", "amount", "due_date"])
def test_overlong_text_is_a_400_naming_the_field(debtor_client, parties, field):
    debtor_client.cookies["najiz_language"] = "en"
    for url in (CHECK, reverse("einstruments:validate", args=["creditor_id"])):
        response = debtor_client.post(url, draft(parties, **{field: "9" * 5000}))
        html = response.content.decode()
        assert response.status_code == 400 and "data-input-refused" in html and "is too long" in html


@pytest.mark.parametrize("junk", ["x" * 20, "\x01\x1f", "١٢٣", "'; drop table --", "NaN", "1e999", "2026-02-30"])
def test_junk_in_any_field_gets_an_answer_never_a_500(debtor_client, parties, junk):
    for field in ("creditor_id", "guarantor_id", "amount", "due_date"):
        check(debtor_client, draft(parties, **{field: junk}))


def test_the_check_needs_post_and_sign_in(client, debtor_client):
    assert debtor_client.get(CHECK).status_code == 405
    client.logout()
    assert client.post(CHECK, {}).status_code == 302
