"""CSRF: a POST without the token is refused (403) on every URL of the site, signed in or not.

The only exceptions: the gateway's server-to-server callback (/payments/callback/, authenticated
by its HMAC signature instead, so an unsigned POST is refused there too), and the token API, which
takes a bearer token and refuses a session-cookie POST without the CSRF token.
"""

import json

import pytest
from django.urls import reverse

from .conftest import client_for
from .test_access_matrix import admin_model_urls, arguments, url_of
from .urls import site_routes

pytestmark = pytest.mark.django_db

CSRF_EXEMPT = {"payments/callback/"}


@pytest.mark.parametrize("persona", ["anonymous", "creditor", "entity_rep", "judge"])
def test_every_post_without_the_csrf_token_is_refused(world, persona):
    client = client_for(world, persona, enforce_csrf_checks=True)
    args = arguments(world)
    accepted = []
    urls = [url_of(route, name, args) for route, name in site_routes() if route not in CSRF_EXEMPT]
    if persona == "judge":
        urls += admin_model_urls()
    for url in urls:
        response = client.post(url, {"answer": "accept", "amount": "1.00", "national_id": world.other.national_id})
        if response.status_code != 403:
            accepted.append(f"{url}: {response.status_code}")
    assert not accepted, "POST accepted without a CSRF token:\n" + "\n".join(accepted)


def test_a_post_with_the_csrf_token_goes_through(world):
    """The control: the same client with the token from a page is not refused."""
    client = client_for(world, "debtor", enforce_csrf_checks=True)
    client.get(reverse("notifications:list"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("notifications:read_all"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    response = client.post(reverse("notifications:read_all"), HTTP_X_CSRFTOKEN=token)  # htmx sends the header
    assert response.status_code == 302


def test_the_gateway_callback_is_exempt_but_refuses_an_unsigned_post(world):
    client = client_for(world, "anonymous", enforce_csrf_checks=True)
    body = json.dumps({"txn_id": world.gateway.txn_id, "status": "paid", "amount": "500.00"})
    response = client.post(reverse("payments:callback"), data=body, content_type="application/json")
    assert response.status_code in (400, 401, 403)
    response = client.post(reverse("payments:callback"), data=body, content_type="application/json",
                           HTTP_X_GATEWAY_SIGNATURE="0" * 64)
    assert response.status_code in (400, 401, 403)
    world.invoice.refresh_from_db()
    assert world.invoice.paid == 1000  # nothing recorded


def _filing(world):
    case = world.case
    return json.dumps({"instrument_number": case.instrument.number, "debtor_ids": [case.debtor.national_id],
                       "amount": "10.00", "iban": case.account.iban})


def test_the_api_refuses_a_session_cookie_post_without_csrf(world):
    from enforcement.models import EnforcementRequest

    before = EnforcementRequest.objects.count()
    client = client_for(world, "creditor", enforce_csrf_checks=True)
    response = client.post("/api/v1/requests", data=_filing(world), content_type="application/json")
    assert response.status_code == 403, response.content
    assert EnforcementRequest.objects.count() == before


def test_the_api_with_a_bearer_token_needs_no_csrf(world):
    """A token call is not a browser call: no cookie, no CSRF; it reaches validation."""
    client = client_for(world, "anonymous", enforce_csrf_checks=True)
    response = client.post("/api/v1/requests", data=json.dumps({}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {world.secret}")
    assert response.status_code in (400, 422)
