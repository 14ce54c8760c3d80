"""POST /api/v1/requests/check: a filing's body checked by the form's checks and the audit's rules,
with nothing filed, and nothing revealed of another's instrument or account."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from enforcement.models import EnforcementRequest
from najiz.common import clock
from tests.enforcement.blockers import CASES
from tests.factories import registries as factories

from .conftest import filing

EN = {"Accept-Language": "en"}


def check(api, body):
    response = api.post("/requests/check", body, headers=EN)
    assert response.status_code == 200, response.content.decode()[:1000]
    return response.json()


def failing(result) -> dict:
    return {rule["id"]: rule["message"] for rule in result["rules"] if rule["passed"] is False}


def test_a_sound_filing_passes_every_rule_and_nothing_is_filed(ent, api_for):
    result = check(api_for(ent), filing(ent))
    assert result["ok"] is True and result["blockers"] == 0 and result["errors"] == []
    assert {rule["id"] for rule in result["rules"]} >= {
        "instrument_exists",
        "iban_held_by_creditor",
        "amount_within_remaining",
    }
    assert not EnforcementRequest.objects.exists()


def test_an_iban_held_by_someone_else_is_a_blocker(ent, other, api_for):
    result = check(api_for(ent), filing(ent, iban=other.account.iban))
    assert failing(result) == {"iban_held_by_creditor": "The IBAN is not held by the creditor."}
    assert result["blockers"] == 1 and result["ok"] is False and result["errors"] == []
    assert not EnforcementRequest.objects.exists()


@pytest.mark.parametrize(("change", "rule"), [
    ({"status": "cancelled"}, "instrument_valid"),
    ({"status": "executed"}, "instrument_valid"),
    ({"kind": "ordinary_contract"}, "execution_instrument"),
    ({"due_date": "future"}, "instrument_due"),
])
def test_each_instrument_blocker_is_reported_in_the_rules_words(ent, api_for, change, rule):
    if change.get("due_date"):
        change = {"due_date": clock.today() + timedelta(days=10)}
    for name, value in change.items():
        setattr(ent.instrument, name, value)
    ent.instrument.save()
    result = check(api_for(ent), filing(ent))
    assert list(failing(result)) == [rule]
    assert [r["field"] for r in result["rules"] if r["id"] == rule] == ["instrument_number"]


def test_an_amount_above_what_remains_and_an_open_request_are_blockers(
    ent, api_for, django_capture_on_commit_callbacks
):
    api = api_for(ent)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/requests", filing(ent)).status_code == 201  # 5000 of 8000 claimed
    result = check(api, filing(ent, amount="4000.00"))
    assert set(failing(result)) == {"amount_within_remaining", "no_open_request"}
    assert "SAR 3,000.00" in failing(result)["amount_within_remaining"]
    assert EnforcementRequest.objects.count() == 1


def test_another_entitys_instrument_reads_as_not_found_and_reveals_nothing(
    ent, other, api_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        number = api_for(other).post("/requests", filing(other)).json()["number"]
    other.instrument.status = "cancelled"
    other.instrument.save()
    result = check(api_for(ent), filing(ent, instrument_number=other.instrument.number))
    assert failing(result)["instrument_exists"] == "No instrument with this number is registered."
    assert "instrument_valid" not in failing(result) and "no_open_request" not in failing(result)
    text = str(result)
    assert number not in text and "cancelled" not in text and other.debtor.name_en not in text
    assert "instrument_number" in [error["field"] for error in result["errors"]]


def test_an_unknown_instrument_is_an_error_and_a_blocker(ent, api_for):
    result = check(api_for(ent), filing(ent, instrument_number="NOPE-404"))
    assert "instrument_exists" in failing(result)
    assert "instrument_number" in [error["field"] for error in result["errors"]]


@pytest.mark.parametrize(("field", "value"), [("instrument_number", "9" * 41), ("iban", "9" * 41),
                                            ("debtor_ids", ["9" * 21]), ("debtor_ids", ["1000000016"] * 11)])
def test_overlong_text_is_a_documented_422(ent, api_for, field, value):
    response = api_for(ent).post("/requests/check", filing(ent, **{field: value}), headers=EN)
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert field in str(response.json())


@pytest.mark.parametrize("junk", ["\u0000", "1\u00002", "\u0001\u001f", "١٢٣", "'; drop table --"])
def test_junk_gets_an_answer_never_a_500(ent, api_for, junk):
    api = api_for(ent)
    for field in ("instrument_number", "iban"):
        response = api.post("/requests/check", filing(ent, **{field: junk}), headers=EN)
        assert response.status_code in (200, 400), response.content.decode()[:500]
        assert response.json()["status" if response.status_code == 400 else "blockers"] is not None
    response = api.post("/requests/check", filing(ent, debtor_ids=[junk]), headers=EN)
    assert response.status_code in (200, 400)


def test_the_check_needs_a_token(client, ent):
    response = client.post("/api/v1/requests/check", filing(ent), content_type="application/json")
    assert response.status_code == 401


def test_the_check_is_documented_in_the_schema(client):
    schema = client.get("/api/v1/schema").json()
    operation = schema["paths"]["/api/v1/requests/check"]["post"]
    assert operation["operationId"] == "check_request"
    assert "CheckOut" in str(operation["responses"]["200"])


def test_demo_data_for_a_person_signed_in_in_the_browser(client, db, circuits):
    """A person filing for themselves checks through the browser session: the demo's cancelled cheque."""
    from demo import data as demo
    from najiz.accounts.services import user_for_person

    demo.seed()
    person = factories.models.Person.objects.get(national_id=demo.ABDULLAH)
    client.force_login(user_for_person(person))
    cheque = factories.models.Instrument.objects.get(number=demo.CHEQUE_CANCELLED)
    body = {"instrument_number": demo.CHEQUE_CANCELLED, "debtor_ids": [cheque.debtors[0].national_id],
            "amount": "100.00", "iban": demo.demo_iban("80", 1)}
    response = client.post("/api/v1/requests/check", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content.decode()[:500]
    assert failing(response.json()) == {"instrument_valid": "The instrument has been cancelled."}


def _world(ent, api, capture):
    def claim_first(amount):
        with capture(execute=True):
            assert api.post("/requests", filing(ent, amount=amount)).status_code == 201

    def switch_creditor():  # the representative's own instrument, checked as the entity
        ent.instrument.creditor_entity, ent.instrument.creditor_person = None, ent.rep
        ent.instrument.save()

    return SimpleNamespace(instrument=ent.instrument, debtor=ent.debtor, claim_first=claim_first,
                           someone_elses_iban=factories.AccountFactory().iban, switch_creditor=switch_creditor)


@pytest.mark.parametrize("blocker", CASES)
def test_each_blocker_is_reported_before_filing(ent, api_for, django_capture_on_commit_callbacks, blocker):
    """The same cases as the web form's (tests/enforcement/blockers.py), through the API."""
    api = api_for(ent)
    body = filing(ent, **blocker.make(_world(ent, api, django_capture_on_commit_callbacks)))
    filed_before = EnforcementRequest.objects.count()
    result = check(api, body)
    assert set(failing(result)) == blocker.failing and result["blockers"] == len(blocker.failing)
    assert blocker.words in " ".join(failing(result).values()) and result["ok"] is False
    assert blocker.field in [rule["field"] for rule in result["rules"] if rule["passed"] is False]
    assert EnforcementRequest.objects.count() == filed_before
