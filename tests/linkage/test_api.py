"""The business API: filing with the form's checks, idempotency, scoping to the entity, tokens,
problem details for every bad input, and the schema."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openapi_spec_validator import validate

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from linkage import services
from linkage.api import api as ninja_api
from linkage.models import ApiToken, IdempotencyKey
from najiz.casefile.selectors import decisions_of
from najiz.common import clock
from najiz.common.money import AMOUNT_PATTERN

from .conftest import Api, filing

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status, response.content.decode()[:1000]
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("urn:najiz:problem:")
    return body


def file_ok(api, e, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/requests", filing(e), **kwargs)
    assert response.status_code == 201, response.content.decode()[:2000]
    return response


# --- schema and docs ----------------------------------------------------------------------


def test_schema_is_valid_openapi_and_lists_every_operation(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations == set(EXERCISED)
    assert {"EntityToken", "BrowserSession"} <= set(schema["components"]["securitySchemes"])


def test_schema_documents_every_amount_as_the_kernels_amount():
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    amounts = {
        (name, field): prop
        for name, shape in schemas.items()
        for field, prop in shape.get("properties", {}).items()
        if field
        in {
            "amount",
            "amount_claimed",
            "collected",
            "disbursed",
            "paid_outside",
            "outstanding",
            "paid",
            "applied_amount",
            "refunded_amount",
            "price",
        }
    }
    assert len(amounts) > 10
    for prop in amounts.values():
        shape = next((option for option in prop.get("anyOf", [prop]) if option.get("type") == "string"), {})
        assert shape.get("pattern") == AMOUNT_PATTERN, prop


def test_docs_are_the_portal_s_own_page_of_every_operation_with_no_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "<script>" not in html and "onload=" not in html
    assert "swagger" not in html.lower()
    assert '<main id="main"' in html and 'lang="en" dir="ltr"' in html
    schema = client.get("/api/v1/schema").json()
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"<code>{method.upper()} {path}</code>" in html
    for name in schema["components"]["schemas"]:
        assert f'id="schema-{name.lower()}"' in html


# --- filing -------------------------------------------------------------------------------


def test_filing_runs_the_same_audit_and_automation_as_the_form(ent, api_for, django_capture_on_commit_callbacks):
    response = file_ok(api_for(ent), ent, django_capture_on_commit_callbacks)
    body = response.json()
    request = EnforcementRequest.objects.get(number=body["number"])
    assert request.creditor_entity == ent.entity and request.filed_by == ent.user and request.creditor_person is None
    assert request.status == Status.ORDER_ISSUED  # audit → accepted → referred → order, in-process here
    audit = decisions_of(request).get(step="audit")
    assert audit.outcome == Status.ACCEPTED and audit.rules
    assert body["amount_claimed"] == "5000.00" and body["outstanding"] == "5000.00"
    assert body["debtors"] == [ent.debtor.national_id]


def test_same_idempotency_key_twice_files_one_request(ent, api_for, django_capture_on_commit_callbacks):
    api = api_for(ent)
    first = file_ok(api, ent, django_capture_on_commit_callbacks, headers={"Idempotency-Key": "erp-42"})
    again = file_ok(api, ent, django_capture_on_commit_callbacks, headers={"Idempotency-Key": "erp-42"})
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert EnforcementRequest.objects.filter(creditor_entity=ent.entity).count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_idempotency_key_reused_with_another_body_is_refused(ent, api_for, django_capture_on_commit_callbacks):
    api = api_for(ent)
    file_ok(api, ent, django_capture_on_commit_callbacks, headers={"Idempotency-Key": "k1"})
    response = api.post("/requests", filing(ent, amount="100.00"), headers={"Idempotency-Key": "k1"})
    assert problem(response, 422)["type"].endswith("idempotency-key-reused")
    assert EnforcementRequest.objects.filter(creditor_entity=ent.entity).count() == 1


def test_without_a_key_each_post_files_a_request_and_the_form_checks_stop_the_second(
    ent, api_for, django_capture_on_commit_callbacks
):
    api = api_for(ent)
    file_ok(api, ent, django_capture_on_commit_callbacks)
    assert EnforcementRequest.objects.filter(creditor_entity=ent.entity).count() == 1


# --- errors as problem details ------------------------------------------------------------


def test_bad_json_is_a_400_problem(ent, api_for):
    body = problem(api_for(ent).post("/requests", raw="{not json"), 400)
    assert body["type"].endswith("malformed-body")


def test_a_body_that_is_not_an_object_is_a_400_problem(ent, api_for):
    problem(api_for(ent).post("/requests", raw="[1, 2]"), 400)
    problem(api_for(ent).post("/requests", raw='"text"'), 400)


def test_missing_and_mistyped_fields_are_a_422_problem_per_field(ent, api_for):
    body = problem(api_for(ent).post("/requests", {"instrument_number": 5, "amount": "lots"}), 422)
    fields = {error["field"]: error["message"] for error in body["errors"]}
    assert {"instrument_number", "amount", "debtor_ids", "iban"} <= set(fields)
    assert fields["iban"] == "هذا الحقل مطلوب."


@pytest.mark.parametrize("amount", ["1e3", "1E3", "5000.001", "NaN", "Infinity", "-5000", "5,00", 5000, 5000.0])
def test_amounts_are_decimal_strings_never_exponents_or_numbers(ent, api_for, amount):
    body = problem(api_for(ent).post("/requests", filing(ent, amount=amount), headers={"Accept-Language": "en"}), 422)
    assert {e["field"]: e["message"] for e in body["errors"]} == {"amount": "Enter an amount in riyals, e.g. 1500.00."}
    assert not EnforcementRequest.objects.exists()


def test_form_checks_come_back_per_field_in_the_callers_language(ent, api_for):
    api = api_for(ent)
    body = problem(
        api.post("/requests", filing(ent, iban="SA00", amount="999999.00"), headers={"Accept-Language": "en"}), 422
    )
    fields = {error["field"]: error["message"] for error in body["errors"]}
    assert fields["iban"] == "Enter a valid Saudi IBAN: 24 characters starting with SA."
    assert fields["amount"] == "The amount is more than the instrument's amount."
    assert body["title"] == "The request has invalid fields."
    arabic = problem(api.post("/requests", filing(ent, iban="SA00"), headers={"Accept-Language": "ar"}), 422)
    assert {e["field"]: e["message"] for e in arabic["errors"]}["iban"] not in ("", fields["iban"])
    assert arabic["title"] == "في الطلب حقول غير صحيحة."
    assert not EnforcementRequest.objects.exists()


@pytest.mark.parametrize("overrides", [
    {"instrument_number": "  "}, {"instrument_number": "9" * 35}, {"instrument_number": "X-1"}, {"debtor_ids": []},
    {"debtor_ids": ["123", "1234567890"]}, {"amount": "0.00"}, {"amount": "999999.00"}, {"iban": "SA00"},
    {"instrument_number": "X-1", "debtor_ids": ["1234567890"], "iban": ""},
])
def test_filing_errors_are_the_forms_word_for_word(ent, api_for, overrides):
    from enforcement.forms import FilingForm
    from najiz.registries import services as registries

    body = filing(ent, **overrides)
    response = api_for(ent).post("/requests", body, headers={"Accept-Language": "en"})
    from_api = [(e["field"], e["code"], e["message"]) for e in problem(response, 422)["errors"]]
    with translation.override("en"):
        form = FilingForm({**body, "debtor_ids": " ".join(body["debtor_ids"])}, user=ent.user,
                          person=registries.person(ent.user.national_id), acting_entity=ent.entity)
        assert not form.is_valid()
        from_form = [(None if name == "__all__" else name, error.code or "invalid", message)
                     for name, items in form.errors.as_data().items() for error in items for message in error.messages]
    assert from_api == from_form


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "null",
        "{}",
        '{"debtor_ids": "x"}',
        '{"amount": 1e999}',
        "\x00",
        '{"amount": [1]}',
        '{"instrument_number": "' + "9" * 500 + '"}',
    ],
)
def test_odd_bodies_never_give_a_500(ent, api_for, raw):
    response = api_for(ent).post("/requests", raw=raw)
    assert response.status_code in (400, 422), response.content.decode()[:500]
    assert response["Content-Type"].startswith(PROBLEM)


def test_instrument_of_another_entity_is_not_found_for_this_token(ent, other, api_for):
    body = problem(api_for(ent).post("/requests", filing(other), headers={"Accept-Language": "en"}), 422)
    assert {e["field"] for e in body["errors"]} >= {"instrument_number"}


def test_unknown_request_is_a_404_problem(ent, api_for):
    problem(api_for(ent).get("/requests/EN-2020-999999"), 404)


# --- authentication -----------------------------------------------------------------------


def test_no_credentials_is_a_401_problem(client):
    body = problem(Api(client).get("/requests"), 401)
    assert body["type"].endswith("unauthenticated")


def test_a_wrong_token_is_refused(ent, client):
    problem(Api(client, "nzj_not-a-real-token").get("/requests"), 401)
    problem(Api(client, ent.secret + "x").get("/requests"), 401)


def test_a_revoked_token_is_refused(ent, api_for):
    api = api_for(ent)
    assert api.get("/requests").status_code == 200
    services.revoke_token(ent.token, user=ent.user)
    body = problem(api.get("/requests"), 401)
    assert body["type"].endswith("invalid-token")


def test_a_token_stops_working_when_its_creator_no_longer_represents_the_entity(ent, api_for):
    from najiz.registries.models import Representation

    Representation.objects.filter(entity=ent.entity, person=ent.rep).delete()
    problem(api_for(ent).get("/requests"), 401)


def test_tokens_are_stored_hashed(ent):
    stored = ApiToken.objects.get(pk=ent.token.pk)
    assert ent.secret not in (stored.digest, stored.prefix) and stored.digest == services.digest(ent.secret)


def test_per_token_rate_limit(ent, api_for):
    from django.core.cache import cache

    cache.clear()
    ApiToken.objects.filter(pk=ent.token.pk).update(rate_limit=2)
    api = api_for(ent)
    with clock.freeze(timezone.now().replace(second=10)):  # the three calls share one minute
        assert api.get("/requests").status_code == 200
        assert api.get("/requests").status_code == 200
        response = api.get("/requests")
        problem(response, 429)
        assert int(response["Retry-After"]) >= 1
    cache.clear()


def test_browser_session_acting_as_the_entity(ent, client, django_capture_on_commit_callbacks):
    from najiz.accounts.sessions import ACTING_AS

    client.force_login(ent.user)
    session = client.session
    session[ACTING_AS] = ent.entity.cr_number
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = Api(client).post("/requests", filing(ent))
    assert response.status_code == 201, response.content.decode()[:500]
    assert Api(client).get("/requests").json()["count"] == 1


def test_browser_post_without_csrf_token_is_refused(ent, client):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ent.user)
    problem(Api(browser).post("/requests", filing(ent)), 403)
    assert not EnforcementRequest.objects.exists()


# --- scoping ------------------------------------------------------------------------------


def test_a_token_of_entity_a_cannot_see_entity_b_requests(ent, other, client, django_capture_on_commit_callbacks):
    b_number = file_ok(Api(client, other.secret), other, django_capture_on_commit_callbacks).json()["number"]
    a = Api(client, ent.secret)
    for path in (f"/requests/{b_number}", f"/requests/{b_number}/invoices", f"/requests/{b_number}/payments"):
        problem(a.get(path), 404)
    assert a.get("/requests").json()["count"] == 0
    assert Api(client, other.secret).get(f"/requests/{b_number}").status_code == 200


# --- every documented endpoint ------------------------------------------------------------


def _pay(number):
    import uuid

    from payments import services as payments
    from payments.selectors import open_invoice_for

    invoice = open_invoice_for(EnforcementRequest.objects.get(number=number))
    payments.record_gateway_payment(invoice, f"TXN-{uuid.uuid4().hex[:12]}", Decimal("1000.00"), "mada")


EXERCISED = [
    "file_request",
    "check_request",
    "list_requests",
    "get_request",
    "list_invoices",
    "list_payments",
    "list_motions",
    "get_conveyance",
]


def test_every_documented_endpoint_answers(ent, api_for, client, django_capture_on_commit_callbacks):
    api = api_for(ent)
    number = file_ok(api, ent, django_capture_on_commit_callbacks).json()["number"]
    with django_capture_on_commit_callbacks(execute=True):
        _pay(number)

    listing = api.get("/requests", {"status": "partially_executed", "amount_min": "1000", "amount_max": "6000",
                                    "debtor": ent.debtor.national_id, "page_size": 10}).json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == number
    assert api.get("/requests", {"status": "executed"}).json()["count"] == 0

    detail = api.get(f"/requests/{number}", headers={"Accept-Language": "en"}).json()
    assert detail["status"] == "order_issued" and detail["order"]["amount"] == "5000.00"
    assert detail["collected"] == "1000.00" and detail["outstanding"] == "4000.00"
    assert detail["public_status_label"] == "Partially executed"
    assert [entry["kind"] for entry in detail["timeline"]][:1] == ["enforcement.submitted"]
    assert detail["debtor_details"][0]["id_number"] == ent.debtor.national_id

    invoices = api.get(f"/requests/{number}/invoices").json()
    assert (
        invoices[0]["amount"] == "5000.00"
        and invoices[0]["paid"] == "1000.00"
        and invoices[0]["status"] == "partly_paid"
    )
    payments = api.get(f"/requests/{number}/payments").json()
    assert [(p["amount"], p["bill_number"]) for p in payments] == [("1000.00", invoices[0]["bill_number"])]
    assert api.get(f"/requests/{number}/motions").json() == []  # none filed on this request

    problem(api.get("/conveyances/CV-2020-000001"), 404)  # an entity is never a party here; see below for a person


def test_conveyance_detail_for_a_party_and_404_for_others(db, client, ent, api_for):
    from najiz.accounts.services import user_for_person
    from tests.conveyance.conftest import sale as _sale  # noqa: F401
    from tests.conveyance.helpers import file_sale
    from tests.factories import registries as factories

    seller = factories.PersonFactory()
    factories.AccountFactory(person=seller)
    buyer = factories.PersonFactory()
    factories.AccountFactory(person=buyer, balance=Decimal("900000.00"))
    deed = factories.DeedFactory(owners=[seller])

    class Case:
        pass

    case = Case()
    case.seller_user, case.buyer, case.deed = user_for_person(seller), buyer, deed
    conveyance = file_sale(case, approve=False)
    client.force_login(case.seller_user)
    body = Api(client).get(f"/conveyances/{conveyance.number}").json()
    assert body["number"] == conveyance.number and body["deed_number"] == deed.number and body["price"] == "1200000.00"
    assert body["tax"]["registered"] is False and body["tax"]["payer"] == "seller" and body["tax"]["amount"] == "0.00"
    assert body["sellers"] == [{"name": seller.display_name, "role": "owner", "role_label": "مالك", "share": "1/1",
                                "answer": "pending", "approved_by_nafath": False}]  # the seller approves next
    assert body["buyer_approved_by_nafath"] is False and body["share_only"] is False
    assert body["buyers"] == [{"name": buyer.display_name, "share": "1/1", "answer": "pending",
                               "approved_by_nafath": False, "bill_number": None}]
    problem(api_for(ent).get(f"/conveyances/{conveyance.number}"), 404)
    client.force_login(ent.user)
    problem(Api(client).get(f"/conveyances/{conveyance.number}"), 404)


def test_bad_query_parameters_are_422_problems(ent, api_for):
    api = api_for(ent)
    for params in (
        {"status": "nonsense"},
        {"submitted_from": "yesterday"},
        {"page": "0"},
        {"amount_min": "abc"},
        {"page_size": "9999"},
        {"amount_min": "1e3"},
        {"amount_max": "-1"},
    ):
        body = problem(api.get("/requests", params), 422)
        assert body["errors"][0]["field"] == next(iter(params))


def test_operations_in_schema_match_the_api():
    schema = ninja_api.get_openapi_schema()
    assert {op["operationId"] for path in schema["paths"].values() for op in path.values()} == set(EXERCISED)
    json.dumps(schema, default=str)
