"""The conveyance pre-check while the form is typed (the eligibility rules on the typed values), the
confirmation before filing with blockers, and the deed picker, on the demo data."""

import re

import pytest
from django.urls import reverse

from conveyance.models import Conveyance
from demo import data as demo
from najiz.accounts.services import user_for_person
from najiz.registries.models import Person
from tests.precheck_html import blockers_of, count_of

pytestmark = pytest.mark.django_db

NEW = reverse("conveyance:new")
CHECK = reverse("conveyance:check")


@pytest.fixture
def seeded(db):
    demo.seed()


def signed_in(client, national_id):
    client.force_login(user_for_person(Person.objects.get(national_id=national_id)))
    client.cookies["najiz_language"] = "en"
    return client


def check(client, **data):
    response = client.post(CHECK, {"capacity": "owner", "price": "900000", "payment_method": "mada", **data})
    assert response.status_code == 200
    return response.content.decode()


def test_a_sound_conveyance_has_no_blocker(client, seeded):
    html = check(signed_in(client, demo.ABDULLAH), deed_number=demo.DEED_VILLA, buyer_id=demo.NOURA)
    assert count_of(html) == 0


def test_the_mortgaged_deed_is_flagged_by_the_deed(client, seeded):
    html = check(signed_in(client, demo.ABDULLAH), deed_number=demo.DEED_MORTGAGED, buyer_id=demo.NOURA)
    assert "The property is mortgaged" in blockers_of(html, "deed_number") and count_of(html) == 1


def test_a_power_of_attorney_that_does_not_name_transfer_is_flagged(client, seeded):
    html = check(
        signed_in(client, demo.FAHD),
        capacity="agent",
        deed_number=demo.DEED_SHARED,
        poa_number=demo.POA_LITIGATION,
        buyer_id=demo.MOHAMED,
    )
    assert "does not name the transfer of ownership" in blockers_of(html, "poa_number")


def test_a_deceased_buyer_is_flagged(client, seeded):
    html = check(signed_in(client, demo.ABDULLAH), deed_number=demo.DEED_VILLA, buyer_id=demo.SULAIMAN)
    assert "The buyer is recorded as deceased." in blockers_of(html, "buyer_id")


def test_a_buyer_with_an_expired_iqama_is_flagged(client, seeded):
    html = check(signed_in(client, demo.ABDULLAH), deed_number=demo.DEED_VILLA, buyer_id=demo.RAJESH)
    assert "iqama has expired." in blockers_of(html, "buyer_id") and count_of(html) == 1


def test_another_persons_deed_reads_as_not_found_and_reveals_nothing(client, seeded):
    html = check(signed_in(client, demo.ABDULLAH), deed_number=demo.DEED_SEIZED, buyer_id=demo.NOURA)
    assert "No deed with this number is registered." in blockers_of(html, "deed_number")
    assert "seizure" not in html and "EN-" not in html


def test_another_persons_power_of_attorney_reads_as_not_found(client, seeded):
    html = check(
        signed_in(client, demo.ABDULLAH),
        capacity="agent",
        deed_number=demo.DEED_SHARED,
        poa_number=demo.POA_LITIGATION,
        buyer_id=demo.MOHAMED,
    )
    assert "does not name" not in html


@pytest.mark.parametrize("junk", ["x" * 10, "\x01", "١٢٣", "'; drop --", "1e999"])
def test_junk_gets_an_answer_never_a_500(client, seeded, junk):
    signed_in(client, demo.ABDULLAH)
    for field in ("deed_number", "heirs_deed_number", "poa_number", "buyer_id", "price"):
        for capacity in ("owner", "agent", "heir", "x"):
            check(client, capacity=capacity, **{"deed_number": demo.DEED_VILLA, "buyer_id": demo.NOURA, field: junk})


def test_filing_with_blockers_asks_for_confirmation_then_files(client, seeded, django_capture_on_commit_callbacks):
    signed_in(client, demo.ABDULLAH)
    data = {
        "capacity": "owner",
        "deed_number": demo.DEED_VILLA,
        "buyer_id": demo.RAJESH,
        "price": "900000",
        "payment_method": "mada",
    }
    asked = client.post(NEW, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and "data-confirm-blockers" in html and "iqama has expired." in html
    assert not Conveyance.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(NEW, {**data, "confirm_blockers": "1"})
    assert filed.status_code == 302 and Conveyance.objects.get().status == "rejected"


def test_the_deed_picker_offers_own_deeds_the_agents_and_the_heirs(client, seeded):
    owner = signed_in(client, demo.ABDULLAH).get(NEW).content.decode()
    assert f'data-deed="{demo.DEED_VILLA}"' in owner and f'data-deed="{demo.DEED_MORTGAGED}"' in owner
    assert f'data-deed="{demo.DEED_SEIZED}"' not in owner  # Khalid's
    agent = signed_in(client, demo.FAHD).get(NEW).content.decode()
    assert f"?deed={demo.DEED_VILLA}&amp;capacity=agent&amp;poa={demo.POA_TRANSFER}" in agent
    assert f"capacity=heir&amp;heirs={demo.HEIRS_DEED}" in agent and f'data-deed="{demo.DEED_ESTATE}"' in agent
    picked = client.get(NEW, {"deed": demo.DEED_ESTATE, "capacity": "heir", "heirs": demo.HEIRS_DEED}).content.decode()
    assert f'value="{demo.DEED_ESTATE}"' in picked and f'value="{demo.HEIRS_DEED}"' in picked
    assert re.search(r'value="heir"[^>]*checked', picked)


def test_the_form_runs_the_check_while_typed(client, seeded):
    page = signed_in(client, demo.ABDULLAH).get(NEW).content.decode()
    assert f'hx-post="{CHECK}"' in page and 'id="buyer_id-blockers"' in page and 'id="blocker-count"' in page


@pytest.mark.parametrize(("field", "longest"), [("deed_number", 20), ("heirs_deed_number", 20), ("poa_number", 20),
                                                ("buyer_id", 10), ("price", 100)])
def test_overlong_text_is_a_400_naming_the_field(client, seeded, field, longest):
    signed_in(client, demo.ABDULLAH)
    response = client.post(CHECK, {"capacity": "owner", "deed_number": demo.DEED_VILLA, field: "9" * (longest + 1)})
    html = response.content.decode()
    assert response.status_code == 400 and "data-input-refused" in html and f"at most {longest} characters" in html


@pytest.mark.parametrize("name", ["deed", "poa", "heirs"])
def test_an_overlong_or_nul_pick_is_a_400_with_a_message(client, seeded, name):
    signed_in(client, demo.ABDULLAH)
    response = client.get(NEW, {name: "9" * 21})
    assert response.status_code == 400 and "at most 20 characters" in response.content.decode()
    assert client.get(NEW, {name: "1\x002"}).status_code == 400


def test_a_nul_character_in_the_check_is_the_portals_bad_request_page(client, seeded):
    signed_in(client, demo.ABDULLAH)
    response = client.post(CHECK, {"capacity": "owner", "deed_number": "1\x002"})
    assert response.status_code == 400 and "<html" in response.content.decode()
