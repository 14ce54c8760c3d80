"""Under `make run` (DEBUG on) a wrong address or a failing view still answers with the portal's
own 404 and 500 pages: never Django's technical pages, which list every URL pattern or show a
traceback. DEBUG_TECHNICAL_ERRORS brings those back for a developer who asks."""

import logging

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

TECHNICAL_404 = "Using the URLconf"
TECHNICAL_500 = "Traceback"


@override_settings(DEBUG=True)
def test_an_unknown_address_gets_the_portal_404_under_debug():
    response = Client().get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in body and TECHNICAL_404 not in body and "enforcement/" not in body


@override_settings(DEBUG=True)
def test_a_view_404_gets_the_portal_404_under_debug(client):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory())
    response = client.get("/enforcement/requests/EN-2024-999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in body and TECHNICAL_404 not in body and "Raised by" not in body


@override_settings(DEBUG=True)
def test_a_missing_slash_is_still_added_under_debug():
    response = Client().get("/enforcement")
    assert response.status_code == 301 and response["Location"] == "/enforcement/"


@override_settings(DEBUG=True, ROOT_URLCONF="tests.common.boom_urls")
def test_a_failing_view_gets_the_portal_500_under_debug_and_the_log_keeps_the_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert TECHNICAL_500 not in body and "a view that fails" not in body
    assert any(record.exc_info and "a view that fails" in str(record.exc_info[1]) for record in caplog.records)


@override_settings(DEBUG=True, DEBUG_TECHNICAL_ERRORS=True)
def test_a_developer_may_ask_for_the_technical_pages():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and TECHNICAL_404 in response.content.decode()
