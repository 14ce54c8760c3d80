"""The address in QR codes and printed links: SITE_URL when it is set, else (in development) the
request's own host, so it is right on any port."""

import pytest
from django.test import RequestFactory

from conveyance import deeds
from najiz.common import links


@pytest.fixture
def request_on_port():
    return RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")


def test_without_site_url_the_request_host_and_port(settings, request_on_port):
    settings.SITE_URL_SET, settings.SITE_URL = False, "http://127.0.0.1:8000"
    assert links.site_url(request_on_port) == "http://127.0.0.1:8123"
    assert deeds.verification_url("700000000001", request_on_port).startswith(
        "http://127.0.0.1:8123/verify/deed/700000000001?code="
    )


def test_site_url_wins_when_set(settings, request_on_port):
    settings.SITE_URL_SET, settings.SITE_URL = True, "https://najiz.example.sa/"
    assert links.site_url(request_on_port) == "https://najiz.example.sa"
    assert deeds.verification_url("700000000001", request_on_port).startswith("https://najiz.example.sa/verify/")


def test_production_never_trusts_the_host_header(settings, request_on_port):
    settings.SITE_URL_SET, settings.SITE_URL, settings.PRODUCTION = False, "https://najiz.example.sa", True
    assert links.site_url(request_on_port) == "https://najiz.example.sa"


def test_without_a_request_site_url(settings):
    settings.SITE_URL_SET, settings.SITE_URL = False, "http://127.0.0.1:8000"
    assert links.site_url() == "http://127.0.0.1:8000"
