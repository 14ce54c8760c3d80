"""Filing a request through the screens: live validation, drafts, submission to the order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("enforcement:new")


def validate(client, field, **data):
    return client.post(reverse("enforcement:validate", args=[field]), data, HTTP_HX_REQUEST="true")


def form_data(case, **overrides):
    data = {
        "instrument_number": case.instrument.number,
        "debtor_ids": case.debtor.national_id,
        "amount": "5000.00",
        "iban": case.account.iban,
        "action": "submit",
    }
    return {**data, **overrides}


@pytest.fixture
def creditor_client(client, case):
    client.force_login(case.user)
    return client


def test_the_filing_page_wires_live_validation_without_inline_script(creditor_client):
    response = creditor_client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("instrument_number", "debtor_ids", "amount", "iban"):
        assert f'hx-post="/enforcement/new/validate/{field}/"' in html
        assert f'id="{field}-feedback"' in html
    assert 'hx-trigger="keyup changed delay:400ms, change"' in html
    assert "<script>" not in html and "hx-on" not in html and " onclick=" not in html


def test_filing_page_needs_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_sound_request_is_submitted_and_reaches_the_execution_order(
    creditor_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = creditor_client.post(NEW, form_data(case))
    request = EnforcementRequest.objects.get(filed_by=case.user)
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:detail", args=[request.number])
    assert request.status == Status.ORDER_ISSUED
    assert request.amount_claimed == Decimal("5000.00")
    assert [d.id_number for d in request.debtors.all()] == [case.debtor.national_id]
    page = creditor_client.get(response["Location"])
    assert page.status_code == 200
    assert request.number in page.content.decode()
    assert 'hx-trigger="every 2s"' not in page.content.decode()  # automation done: no polling


def test_submission_validates_everything_again(creditor_client, case):
    response = creditor_client.post(NEW, form_data(case, iban="SA00123", amount="-5", debtor_ids="123"))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"iban", "amount", "debtor_ids"}
    assert not EnforcementRequest.objects.exists()


@pytest.mark.parametrize("amount", ["1e3", "2.5E3", "1,00", "5000.001"])
def test_an_amount_in_exponent_notation_or_misgrouped_is_refused(creditor_client, case, amount):
    response = creditor_client.post(NEW, form_data(case, amount=amount))
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert not EnforcementRequest.objects.filter(filed_by=case.user).exists()
    assert "field-errors" in validate(creditor_client, "amount", amount=amount).content.decode()


def test_amount_above_the_instrument_is_refused(creditor_client, case):
    response = creditor_client.post(NEW, form_data(case, amount="9000.00"))
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors


def test_known_instrument_shows_its_details_to_its_creditor(creditor_client, case):
    response = validate(creditor_client, "instrument_number", instrument_number=case.instrument.number)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-ok="instrument"' in html
    assert case.debtor.name_ar in html and case.creditor.name_ar in html
    assert "8,000.00" in html


def test_the_instrument_s_issuer_reads_in_the_reader_s_language(creditor_client, case, settings):
    arabic = validate(creditor_client, "instrument_number", instrument_number=case.instrument.number).content.decode()
    assert case.instrument.issuer in arabic
    creditor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = validate(creditor_client, "instrument_number", instrument_number=case.instrument.number).content.decode()
    assert case.instrument.issuer_en in english and case.instrument.issuer not in english


def test_someone_elses_instrument_is_not_found(client, case):
    stranger = factories.PersonFactory()
    client.force_login(UserFactory(national_id=stranger.national_id))
    response = validate(client, "instrument_number", instrument_number=case.instrument.number)
    html = response.content.decode()
    assert response.status_code == 200
    assert "field-errors" in html and case.debtor.name_ar not in html and "8,000.00" not in html


def test_unknown_instrument_is_an_error(creditor_client):
    response = validate(creditor_client, "instrument_number", instrument_number="NOPE-1")
    assert response.status_code == 200 and "field-errors" in response.content.decode()


def test_bad_iban_is_an_error_and_a_good_one_is_confirmed(creditor_client, case):
    bad = validate(creditor_client, "iban", iban="SA0380000000608010167518")
    assert "field-errors" in bad.content.decode()
    good = validate(creditor_client, "iban", iban=case.account.iban.lower())
    assert 'data-field-ok="iban"' in good.content.decode()


def test_debtor_ids_are_checked_and_named(creditor_client, case):
    invalid = validate(creditor_client, "debtor_ids", debtor_ids="12345, abc")
    assert "field-errors" in invalid.content.decode()
    named = validate(
        creditor_client,
        "debtor_ids",
        instrument_number=case.instrument.number,
        debtor_ids=f" {case.debtor.national_id}, ",
    )
    html = named.content.decode()
    assert 'data-field-ok="debtors"' in html and case.debtor.name_ar in html
    stranger = factories.PersonFactory()
    not_on_it = validate(
        creditor_client, "debtor_ids", instrument_number=case.instrument.number, debtor_ids=stranger.national_id
    )
    assert "field-errors" in not_on_it.content.decode() and stranger.name_ar not in not_on_it.content.decode()


JUNK = [
    "",
    " ",
    "٠١٢٣",
    "x" * 5000,
    "\x01\x1f",
    "1e999",
    "NaN",
    "Infinity",
    "SA" + "9" * 40,
    "'; drop table --",
    "١٢٣٤٥٫٥",
]


@pytest.mark.parametrize("field", ["instrument_number", "debtor_ids", "amount", "iban"])
def test_junk_never_breaks_live_validation(creditor_client, field):
    for junk in JUNK:
        response = validate(creditor_client, field, **{field: junk, "amount": junk})
        assert response.status_code == 200, junk


def test_unknown_field_is_404_and_validation_needs_post(creditor_client):
    assert validate(creditor_client, "password").status_code == 404
    assert creditor_client.get(reverse("enforcement:validate", args=["iban"])).status_code == 405


def test_junk_submission_is_a_form_error_not_a_crash(creditor_client, case):
    for junk in JUNK:
        data = {"instrument_number": junk, "debtor_ids": junk, "amount": junk, "iban": junk}
        assert creditor_client.post(NEW, {**data, "action": "submit"}).status_code == 400
        assert creditor_client.post(NEW, {**data, "action": "draft"}).status_code == 302


def test_a_draft_is_saved_reopened_and_submitted(creditor_client, case, django_capture_on_commit_callbacks):
    response = creditor_client.post(NEW, form_data(case, action="draft", iban="SA12", amount="abc"))
    draft = EnforcementRequest.objects.get(filed_by=case.user)
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:draft", args=[draft.pk])
    assert draft.status == Status.DRAFT and draft.number is None
    page = creditor_client.get(response["Location"])
    assert page.status_code == 200
    assert case.instrument.number in page.content.decode() and case.debtor.national_id in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = creditor_client.post(response["Location"], form_data(case))
    draft.refresh_from_db()
    assert submitted.status_code == 302 and draft.status == Status.ORDER_ISSUED
    assert EnforcementRequest.objects.count() == 1
    assert creditor_client.get(reverse("enforcement:draft", args=[draft.pk])).status_code == 404  # no longer a draft


def test_filing_as_an_entity_needs_the_entity_instrument(client, case):
    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=case.creditor)
    instrument = factories.InstrumentFactory(creditor_person=None, creditor_entity=entity, debtors=[case.debtor])
    client.force_login(case.user)
    response = validate(client, "instrument_number", instrument_number=instrument.number)
    html = response.content.decode()
    assert "field-errors" in html and entity.name_ar in html  # a representative is told to act as the entity
