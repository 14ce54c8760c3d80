"""The staff operations page: the same figures as /metrics, in Arabic and English."""

from datetime import timedelta

import pytest
from django.urls import reverse

from enforcement.models import EnforcementRequest
from najiz.common import clock
from tests.factories.accounts import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/operations/"


def test_a_citizen_gets_404_and_a_stranger_the_staff_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:staff_login"))
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_staff_see_the_figures_in_arabic_and_english(client, file_request, settings):
    settings.REDIS_URL = ""
    file_request()
    stranded = file_request(run=False)
    EnforcementRequest.objects.filter(pk=stranded.pk).update(status_changed_at=clock.now() - timedelta(minutes=2))
    client.force_login(StaffUserFactory())

    arabic = client.get(URL, HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic.status_code == 200
    page = arabic.content.decode()
    assert 'dir="rtl"' in page
    assert "العمليات" in page and "طلبات التنفيذ عالقة في خطوة آلية" in page
    assert "التنفيذ: من تقديم الطلب إلى أمر التنفيذ" in page
    assert "لا يوجد وسيط مهيأ" in page  # no broker, no queues

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL)
    page = english.content.decode()
    assert 'dir="ltr"' in page
    assert "Enforcement requests stranded in an automatic step" in page
    assert "Enforcement: filing → execution order" in page
    stats = english.context["stranded"]
    assert {row["service"]: row["count"] for row in stats} == {"enforcement": 1, "conveyance": 0}
    assert [(row["service"], row["count"]) for row in english.context["quarantined"]] == [("enforcement", 0)]
    assert "Enforcement requests set aside after failing" in page
    [orders] = [row for row in english.context["steps"] if row["step"] == "filing_to_order"]
    assert orders["count"] == 1


def test_the_page_refreshes_its_figures_with_htmx(client, settings):
    settings.REDIS_URL = ""
    client.force_login(StaffUserFactory())
    response = client.get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'id="steps"' in response.content.decode()
