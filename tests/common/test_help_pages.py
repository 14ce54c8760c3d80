"""The help page of each service and the accessibility statement: public, in both languages, and
quoting the figures the portal really uses."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("service", ["enforcement", "conveyance", "instruments"])
def test_each_service_has_a_help_page_with_its_conditions_time_and_questions(client, service):
    page = client.get(reverse("help", args=[service]))
    html = page.content.decode()
    assert page.status_code == 200
    for heading in ("ما هي الخدمة", "الشروط", "المدة المستغرقة", "أسئلة شائعة"):
        assert heading in html
    assert "<dt>" in html and "<dd>" in html


def test_the_help_pages_quote_the_settings(client, settings):
    settings.CONVEYANCE_MAX_PRICE = "4000000.00"
    settings.CONVEYANCE_OFFER_TTL = settings.CONVEYANCE_OFFER_TTL * 2
    client.cookies["najiz_language"] = "en"
    html = client.get(reverse("help", args=["conveyance"])).content.decode()
    assert "4,000,000.00" in html and "144 hours" in html
    html = client.get(reverse("help", args=["enforcement"])).content.decode()
    assert f"{settings.ENFORCEMENT_PAYMENT_PERIOD.days} days after being notified" in html


def test_an_unknown_service_has_no_help_page(client):
    assert client.get("/help/nothing/").status_code == 404


def test_the_accessibility_statement_is_linked_from_every_page(client):
    assert reverse("accessibility") in client.get("/").content.decode()
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200 and "WCAG" in page.content.decode()
