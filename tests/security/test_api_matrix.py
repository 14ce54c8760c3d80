"""The business API (/api/v1/): who gets what, on every API route from the resolver.

Callers: anonymous (no credentials) → 401; a wrong or revoked token → 401; the filing entity's
token → 200; another entity's token → 404 (never telling whether the request exists); a person
signed in through the browser session sees only their own cases (404 otherwise).
"""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from .conftest import client_for
from .urls import api_routes

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "bad_token", "own_token", "other_entity_token", "creditor_session", "revoked_token"]

# (route, method): codes for CALLERS in order
EXPECTED = {
    ("api/v1/", "GET"): (404, 404, 404, 404, 404, 404),
    ("api/v1/schema", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/v1/docs", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/v1/requests", "GET"): (401, 401, 200, 200, 200, 401),
    ("api/v1/requests", "POST"): (401, 401, 422, 422, 422, 401),
    ("api/v1/requests/check", "POST"): (401, 401, 422, 422, 422, 401),
    ("api/v1/requests/<number>", "GET"): (401, 401, 200, 404, 404, 401),
    ("api/v1/requests/<number>/invoices", "GET"): (401, 401, 200, 404, 404, 401),
    ("api/v1/requests/<number>/payments", "GET"): (401, 401, 200, 404, 404, 401),
    ("api/v1/requests/<number>/motions", "GET"): (401, 401, 200, 404, 404, 401),
    ("api/v1/conveyances/<number>", "GET"): (401, 401, 404, 404, 200, 401),
}


def entity_request(world):
    """An entity (not the world's) files a request through the API with its token (runs to the order)."""
    from linkage import services as linkage
    from najiz.accounts.services import user_for_person
    from tests.factories import registries as factories

    if getattr(world, "api", None):
        return world.api
    e = SimpleNamespace()
    e.entity = factories.EntityFactory(city="riyadh")
    rep = factories.PersonFactory(city="riyadh")
    factories.RepresentationFactory(entity=e.entity, person=rep)
    e.user = user_for_person(rep)
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    instrument = factories.InstrumentFactory(creditor_entity=e.entity, creditor_person=None, debtors=[debtor],
                                             amount=Decimal("8000.00"), kind="cheque")
    account = factories.EntityAccountFactory(entity=e.entity)
    e.token, e.secret = linkage.create_token(entity=e.entity, user=e.user, name="ERP")
    revoked, e.revoked_secret = linkage.create_token(entity=e.entity, user=e.user, name="old")
    linkage.revoke_token(revoked, user=e.user)
    response = client_for(world, "anonymous").post(
        "/api/v1/requests",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {e.secret}",
        data=json.dumps(
            {
                "instrument_number": instrument.number,
                "debtor_ids": [debtor.national_id],
                "amount": "5000.00",
                "iban": account.iban,
            }
        ),
    )
    assert response.status_code == 201, response.content
    e.number = response.json()["number"]
    world.api = e
    return e


def caller(world, ent, who):
    client = client_for(world, "creditor" if who == "creditor_session" else "anonymous")
    secret = {"bad_token": "nzj_not-a-token", "own_token": ent.secret, "other_entity_token": world.secret,
              "revoked_token": ent.revoked_secret}.get(who)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client, headers


def test_every_api_route_has_an_expectation():
    routes = {route for route, _name in api_routes()}
    assert routes == {route for route, _method in EXPECTED}, routes ^ {route for route, _method in EXPECTED}


def test_api_access_matrix(world):
    ent = entity_request(world)
    numbers = {"api/v1/conveyances/<number>": world.conveyance.number}
    mismatches, observed = [], {}
    for route, method in EXPECTED:
        path = "/" + route.replace("<number>", numbers.get(route, ent.number))
        row = []
        for who in CALLERS:
            client, headers = caller(world, ent, who)
            if method == "GET":
                response = client.get(path, **headers)
            else:
                response = client.post(path, data="{}", content_type="application/json", **headers)
            row.append(response.status_code)
            if response.status_code in (401, 404) and route != "api/v1/":
                assert response["Content-Type"].startswith("application/problem+json"), (
                    route,
                    who,
                    response["Content-Type"],
                )
        observed[(route, method)] = tuple(row)
        if tuple(row) != EXPECTED[(route, method)]:
            mismatches.append(f"{method} {path}: expected {EXPECTED[(route, method)]}, got {tuple(row)}")
    assert not mismatches, (
        "\n".join(mismatches) + "\n\nobserved:\n" + "\n".join(f"{k}: {v}," for k, v in observed.items())
    )


def test_a_request_number_that_does_not_exist_looks_the_same_as_another_entitys(world):
    ent = entity_request(world)
    client, headers = caller(world, ent, "other_entity_token")
    theirs = client.get(f"/api/v1/requests/{ent.number}", **headers)
    missing = client.get("/api/v1/requests/EN-1999-999999", **headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["type"] == missing.json()["type"]
