"""The filing form's pickers: the creditor's own instruments (searchable; choosing one fills in its
debtors and what remains claimable) and the creditor's own bank accounts. Nobody else's are listed,
and choosing a number that is not the creditor's reads as not found."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from najiz.accounts import sessions
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db

NEW = reverse("enforcement:new")
CHOICES = reverse("enforcement:instrument_choices")
PICK = reverse("enforcement:pick")


def value_of(html, name) -> str:
    found = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def test_the_form_lists_the_creditors_instruments_with_what_remains(creditor_client, case, earlier_request):
    earlier_request("3000.00")
    someone_elses = factories.InstrumentFactory(amount=Decimal("777.00"))
    html = creditor_client.get(NEW).content.decode()
    row = re.search(rf'<tr data-instrument="{case.instrument.number}">(.*?)</tr>', html, re.S).group(1)
    assert "Cheque" in row and "8,000.00" in row and "5,000.00" in row and case.debtor.name_en in row and "Valid" in row
    assert someone_elses.number not in html and "777.00" not in html


def test_the_instruments_are_searchable_by_number_and_debtor(creditor_client, case):
    other = factories.InstrumentFactory(creditor_person=case.creditor, number="Z-99")
    by_number = creditor_client.get(CHOICES, {"q": "Z-9"}).content.decode()
    assert "Z-99" in by_number and case.instrument.number not in by_number
    assert other.debtors[0].name_en != case.debtor.name_en
    by_debtor = creditor_client.get(CHOICES, {"q": case.debtor.name_en}).content.decode()
    assert case.instrument.number in by_debtor and "Z-99" not in by_debtor
    by_id = creditor_client.get(CHOICES, {"q": case.debtor.national_id}).content.decode()
    assert case.instrument.number in by_id and "Z-99" not in by_id


@pytest.mark.parametrize("junk", ["x" * 100, "\x01\x1f", "'; drop table --", "%", "١٢٣"])
def test_a_junk_search_finds_nothing_never_a_500(creditor_client, case, junk):
    response = creditor_client.get(CHOICES, {"q": junk})
    assert (
        response.status_code == 200
        and "No instrument on which you are the creditor matches." in response.content.decode()
    )


def test_a_representative_acting_for_an_entity_sees_the_entitys_instruments(client, case):
    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=case.creditor)
    owned = factories.InstrumentFactory(creditor_person=None, creditor_entity=entity, debtors=[case.debtor])
    factories.AccountFactory(entity=entity, person=None)
    client.force_login(case.user)
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    html = client.get(NEW).content.decode()
    assert owned.number in html and case.instrument.number not in html
    assert case.account.iban[-4:] + "</span>" not in html


def test_choosing_an_instrument_fills_in_its_debtors_and_what_remains(creditor_client, case, earlier_request):
    earlier_request("3000.00")
    html = creditor_client.post(PICK, {"instrument": case.instrument.number, "iban": "SA12"}).content.decode()
    assert value_of(html, "instrument_number") == case.instrument.number
    assert value_of(html, "debtor_ids") == case.debtor.national_id
    assert value_of(html, "amount") == "5000.00"
    assert value_of(html, "iban") == "SA12"  # what was typed elsewhere stays
    assert 'id="blocker-count" hx-swap-oob="innerHTML"' in html


def test_choosing_another_persons_instrument_reads_as_not_found(creditor_client, case):
    someone_elses = factories.InstrumentFactory(amount=Decimal("777.00"))
    html = creditor_client.post(
        PICK, {"instrument": someone_elses.number, "instrument_number": "typed"}
    ).content.decode()
    assert "No execution instrument with this number was found for you." in html
    assert value_of(html, "instrument_number") == "typed"
    assert "777" not in html and someone_elses.debtors[0].name_en not in html


def test_the_creditors_accounts_are_offered_masked_and_choosing_one_fills_in_the_iban(creditor_client, case):
    html = creditor_client.get(NEW).content.decode()
    picker = html.split('data-picker="accounts"')[1].split("</div>")[0]
    assert (
        str(case.account.bank) in picker
        and f"{case.account.iban[:4]} •••• •••• •••• •••• {case.account.iban[-4:]}" in picker
    )
    assert case.debtor_account.iban[-4:] not in picker
    picked = creditor_client.post(PICK, {"account": case.account.iban}).content.decode()
    assert value_of(picked, "iban") == case.account.iban


def test_choosing_another_persons_iban_changes_nothing(creditor_client, case):
    html = creditor_client.post(PICK, {"account": case.debtor_account.iban, "iban": ""}).content.decode()
    assert "None of your accounts has this IBAN." in html and value_of(html, "iban") == ""
    assert case.debtor_account.iban not in html


@pytest.mark.parametrize("junk", ["x" * 30, "\x01", "", "SA" + "9" * 22])
def test_junk_picks_get_a_message_never_a_500(creditor_client, junk):
    for name in ("instrument", "account"):
        response = creditor_client.post(PICK, {name: junk})
        assert response.status_code == 200 and "data-pick-error" in response.content.decode()


@pytest.mark.parametrize(("method", "url", "name", "longest"), [
    ("get", CHOICES, "q", 100), ("post", PICK, "instrument", 30), ("post", PICK, "account", 40),
    ("post", PICK, "iban", 40),
])
def test_overlong_text_in_a_picker_is_a_400_with_a_message(creditor_client, method, url, name, longest):
    response = getattr(creditor_client, method)(url, {name: "9" * (longest + 1)})
    html = response.content.decode()
    assert response.status_code == 400 and "data-input-refused" in html and f"at most {longest} characters" in html


@pytest.mark.parametrize(("method", "url"), [("get", CHOICES), ("post", PICK)])
def test_a_nul_character_in_a_picker_is_the_portals_bad_request_page(creditor_client, method, url):
    response = getattr(creditor_client, method)(url, {"q": "1\x002", "instrument": "1\x002", "account": "SA\x00"})
    assert response.status_code == 400 and "<html" in response.content.decode()


def test_the_pickers_need_sign_in(client):
    assert client.get(CHOICES).status_code == 302 and client.post(PICK).status_code == 302
