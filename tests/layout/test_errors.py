"""Error pages (400/403/404/500) and the health check."""

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from najiz.common import views

ERROR_LAYOUT_MARKERS = ['<link rel="stylesheet" href="/static/css/najiz.css">', 'class="error-page"']


def assert_styled(html, lang):
    for marker in ERROR_LAYOUT_MARKERS:
        assert marker in html
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html


@pytest.mark.django_db
def test_unknown_url_gives_the_styled_arabic_404(client):
    response = client.get("/no/such/page-7f3a/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_styled(html, "ar")
    assert "الصفحة غير موجودة" in html
    assert 'href="/"' in html
    assert '<input type="hidden" name="next" value="/no/such/page-7f3a/">' in html


@pytest.mark.django_db
def test_unknown_url_gives_the_styled_english_404(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_styled(html, "en")
    assert "Page not found" in html
    assert "العربية</button>" in html


@pytest.mark.django_db
def test_404_for_a_signed_in_person_is_still_a_404(client):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory())
    assert client.get("/enforcement/EN-2099-999999/nothing/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/%E2%80%8F/", "/<script>/", "/static/no-such-file.css", "/..%2F..%2Fetc/passwd"])
def test_odd_urls_never_give_a_server_error(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.urls("tests.layout.urls")
def test_403_page_in_both_languages(client):
    response = client.get("/_layout/denied/")
    assert response.status_code == 403
    assert_styled(response.content.decode(), "ar")
    assert "ليست لديك صلاحية الوصول إلى هذه الصفحة" in response.content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/_layout/denied/")
    assert "You do not have access to this page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.layout.urls")
def test_400_page(client):
    response = client.get("/_layout/bad/")
    assert response.status_code == 400
    html = response.content.decode()
    assert_styled(html, "ar")
    assert "تعذّر فهم الطلب" in html
    assert "language-switch" not in html


@pytest.mark.urls("tests.layout.urls")
def test_500_page_renders_without_the_database():
    """No django_db mark: any query in the 500 path would raise instead of rendering the page."""
    client = Client(raise_request_exception=False)
    response = client.get("/_layout/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert_styled(html, "ar")
    assert "حدث خطأ من جهتنا" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/_layout/boom/").content.decode()
    assert_styled(html, "en")
    assert "Something went wrong on our side" in html


def test_500_handler_called_directly_needs_no_context_processors(rf):
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "error-page" in response.content.decode()


def test_500_handler_falls_back_to_plain_html_if_its_template_fails(rf, monkeypatch):
    def broken(name):
        raise RuntimeError("templates unavailable")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"<h1>500</h1>" in response.content


@pytest.mark.django_db
def test_csrf_failure_uses_the_portal_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = response.content.decode()
    assert response.status_code == 403
    assert_styled(html, "ar")
    assert "انتهت صلاحية النموذج" in html


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(rf, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", DeadConnection())
    response = views.healthz(rf.get("/healthz"))
    assert response.status_code == 503
    assert b'"database": "error"' in response.content
