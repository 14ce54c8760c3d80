"""Input no page takes is refused at the right depth, never a 500.

* Identifiers in paths (case, bill and deed numbers, checkout tokens) match their shape in the
  URL converters, so anything else resolves to no route at all.
* A NUL byte in the path, a query parameter or a form field is a 400 from one middleware (the
  portal's 400 page; a problem response under /api/); a query string over 4 KB is a 414.
* A body over the upload limit is a 413 problem response from the API.
"""

import json

import pytest
from django.urls import Resolver404, resolve, reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _paths_with_nul(w):
    req, bill = w.request.number, w.invoice.bill_number
    return [
        "/gateway/s/%00/",
        "/enforcement/requests/%00/",
        "/enforcement/requests/%00/timeline/",
        "/enforcement/requests/%00/order.pdf",
        f"/enforcement/requests/{req}/invoices/%00.pdf",
        "/payments/invoices/%00/",
        "/payments/invoices/%00.pdf",
        f"/payments/invoices/{bill}%00/",
        "/conveyance/deeds/%00.pdf",
        "/verify/deed/%00",
        "/instruments/%00/",
    ]


def test_a_nul_byte_in_the_path_is_a_400_for_every_persona(world):
    for persona in ("anonymous", "creditor", "debtor"):
        client = client_for(world, persona)
        for path in _paths_with_nul(world):
            response = client.get(path)
            assert response.status_code == 400, (persona, path, response.status_code)
            assert response["Content-Type"].startswith("text/html")


def test_a_nul_byte_in_a_query_parameter_or_a_form_field_is_a_400(world):
    creditor = client_for(world, "creditor")
    assert creditor.get(reverse("enforcement:list"), {"q": "a\x00"}).status_code == 400
    assert creditor.get(reverse("enforcement:list"), {"a\x00": "1"}).status_code == 400
    response = creditor.post(reverse("enforcement:validate", args=["amount"]), {"amount": "5\x00"})
    assert response.status_code == 400 and b"<html" in response.content
    assert creditor.post(reverse("enforcement:validate", args=["amount"]), {"amount": "5"}).status_code == 200


def test_a_nul_byte_in_an_api_query_parameter_is_a_400_problem(world):
    from .test_api_matrix import entity_request

    ent = entity_request(world)
    client = client_for(world, "anonymous")
    response = client.get("/api/v1/requests", {"debtor": "\x00"}, HTTP_AUTHORIZATION=f"Bearer {ent.secret}",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == "urn:najiz:problem:nul-character" and "NUL" in body["title"]


def test_a_query_string_over_4_kb_is_a_414(world):
    from .test_api_matrix import entity_request

    ent = entity_request(world)
    creditor = client_for(world, "creditor")
    assert creditor.get(reverse("enforcement:list"), {"q": "x" * 4000}).status_code == 200
    assert creditor.get(reverse("enforcement:list"), {"q": "x" * 4100}).status_code == 414
    response = client_for(world, "anonymous").get("/api/v1/requests", {"debtor": "1" * 4100},
                                                  HTTP_AUTHORIZATION=f"Bearer {ent.secret}")
    assert response.status_code == 414 and response["Content-Type"].startswith(PROBLEM)
    assert response.json()["status"] == 414


def test_a_10_mb_body_to_the_api_is_a_413_problem(world):
    from .test_api_matrix import entity_request

    ent = entity_request(world)
    body = json.dumps({"instrument_number": "x" * (10 * 1024 * 1024), "debtor_ids": [], "amount": "1", "iban": "x"})
    response = client_for(world, "anonymous").post("/api/v1/requests", data=body, content_type="application/json",
                                                   HTTP_AUTHORIZATION=f"Bearer {ent.secret}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["type"] == "urn:najiz:problem:too-large"


# --- the path converters ------------------------------------------------------------------

SHAPES = {
    # route name: (a well-formed identifier, identifiers of the wrong shape)
    "enforcement:detail": (
        "EN-2026-000001",
        ["x", "EN-2026-1", "en-2026-000001", "EN-٢٠٢٦-000001", "EN-2026-" + "1" * 40, "EN-2026-000001\x01"],
    ),
    "conveyance:detail": ("CV-2026-000001", ["CV-2026", "CV 2026 000001", "CV-2026-000001é"]),
    "einstruments:detail": ("PN-2026-000001", ["PN-2026-00000a", "PN-2026-000001x"]),
    "verify_instrument:detail": ("PN-2026-000001", ["PN", "PN-2026-0000012345678901"]),
    "payments:invoice_detail": ("12345678903", ["1234567890", "123456789012", "1234567890x", "١٢٣٤٥٦٧٨٩٠٣"]),
    "gateway:session": ("Abc_def-0123456789xyz", ["short", "a" * 65, "tok.en" * 5, "توكن" * 5]),
    "conveyance:deed_pdf": ("310101000001", ["-310101", "3" * 21, "3101 01", "٣١٠١٠١"]),
    "verify:deed": ("310101000001", ["3" * 21, "abc$"]),
}


@pytest.mark.parametrize("name", SHAPES)
def test_identifier_routes_match_only_the_identifiers_shape(name):
    good, wrong = SHAPES[name]
    url = reverse(name, args=[good])
    assert resolve(url).kwargs
    for value in wrong:
        junk_url = url.replace(good, value)
        with pytest.raises(Resolver404):
            resolve(junk_url)
