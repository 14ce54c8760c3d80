"""Issuing an e-note: the creditor (and guarantor) looked up by id as typed, their name shown back
(the rest of the pre-check is in test_precheck.py)."""

import pytest
from django.urls import reverse

from tests.factories import registries as factories

pytestmark = pytest.mark.django_db


def lookup(client, field, value):
    client.cookies["najiz_language"] = "en"
    response = client.post(reverse("einstruments:validate", args=[field]), {field: value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_issue_form_looks_the_creditor_up_while_typed(client, parties):
    client.force_login(parties.debtor_user)
    page = client.get(reverse("einstruments:new")).content.decode()
    assert 'hx-post="/instruments/new/check/"' in page and 'id="creditor_id-feedback"' in page


def test_the_creditors_name_is_shown_back(client, parties):
    client.force_login(parties.debtor_user)
    html = lookup(client, "creditor_id", parties.creditor.national_id)
    assert 'data-field-ok="creditor"' in html and parties.creditor.display_name in html
    entity = factories.EntityFactory()
    assert entity.display_name in lookup(client, "creditor_id", entity.cr_number)
    assert parties.guarantor.display_name in lookup(client, "guarantor_id", parties.guarantor.national_id)


def test_unknown_own_and_deceased_ids_are_a_clear_message(client, parties):
    client.force_login(parties.debtor_user)
    assert "No person or entity with this number is found" in lookup(client, "creditor_id", "1999999990")
    assert "You cannot issue a note to yourself." in lookup(client, "creditor_id", parties.debtor.national_id)
    deceased = factories.PersonFactory(deceased=True)
    html = lookup(client, "creditor_id", deceased.national_id)
    assert "No person or entity" in html and deceased.display_name not in html


@pytest.mark.parametrize("junk", ["x" * 20, "\x01\x1f", "١٢٣", "'; drop table --", ""])
def test_junk_never_a_500(client, parties, junk):
    client.force_login(parties.debtor_user)
    for field in ("creditor_id", "guarantor_id"):
        lookup(client, field, junk)


def test_an_unknown_field_is_404_and_sign_in_is_needed(client, parties):
    assert client.post(reverse("einstruments:validate", args=["creditor_id"])).status_code == 302
    client.force_login(parties.debtor_user)
    assert client.post(reverse("einstruments:validate", args=["amount"])).status_code == 404
