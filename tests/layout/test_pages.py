"""The base layout and the home page, in Arabic (default) and English."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ARABIC_TILES = ["طلب تنفيذ", "طلباتي", "معلومات تنفيذ", "صكوكي", "الإفراغ العقاري الإلكتروني"]
ENGLISH_TILES = [
    "File an enforcement request",
    "My requests",
    "Enforcement information",
    "My deeds",
    "Electronic property conveyance",
]
TILE_LINKS = ["/enforcement/new/", "/enforcement/", "/conveyance/deeds/", "/conveyance/new/", "/conveyance/"]


def language_switch(html):
    match = re.search(r'<form class="language-switch" action="([^"]+)" method="post">(.*?)</form>', html, re.S)
    assert match, "the language switch form is missing"
    return match.group(1), match.group(2)


def test_home_is_arabic_and_right_to_left_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    for title in ARABIC_TILES:
        assert title in html
    for href in TILE_LINKS:
        assert f'href="{href}"' in html
    assert "المحكمة الافتراضية للتنفيذ" in html
    assert "الخدمات العقارية" in html
    assert "بنية رقمية تضمن إنجاز جميع إجراءات التنفيذ دون أي تدخل بشري" in html


def test_layout_loads_the_vendored_assets(client):
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/najiz.css">' in html
    assert '<script src="/static/vendor/htmx/htmx-2.0.9.min.js" defer></script>' in html
    assert '<script src="/static/js/najiz.js" defer></script>' in html
    assert html.index("htmx-2.0.9.min.js") < html.index("js/najiz.js")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert csrf
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]+"\}'>""", html)
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


def test_language_cookie_switches_to_english_left_to_right(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    for title in ENGLISH_TILES:
        assert title in html
    assert "طلب تنفيذ" not in html


def test_set_language_post_switches_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "File an enforcement request" in html

    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


def test_language_switch_form_offers_the_other_language(client):
    action, body = language_switch(client.get("/?page=2").content.decode())
    assert action == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<input type="hidden" name="language" value="en">' in body
    assert '<input type="hidden" name="next" value="/?page=2">' in body
    assert re.search(r"<button[^>]*>.*English</button>", body, re.S)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    action, body = language_switch(client.get("/").content.decode())
    assert '<input type="hidden" name="language" value="ar">' in body
    assert re.search(r"<button[^>]*>.*العربية</button>", body, re.S)


def test_anonymous_visitor_sees_sign_in_and_no_supervision(client):
    html = client.get("/").content.decode()
    login = reverse("accounts:login")
    assert html.count(f'href="{login}"') >= 2  # header and the call to action
    assert "الدخول عبر النفاذ الوطني الموحد" in html
    assert 'href="/supervision/"' not in html
    assert "تسجيل الخروج" not in html


def test_signed_in_person_sees_name_and_sign_out_but_no_supervision(client):
    user = UserFactory(name_ar="سارة العتيبي", name_en="Sara Alotaibi")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "سارة العتيبي" in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
    assert "تسجيل الخروج" in html
    assert 'href="/supervision/"' not in html
    assert "الدخول عبر النفاذ الوطني الموحد" not in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sara Alotaibi" in client.get("/").content.decode()


def test_staff_see_the_supervision_tile(client):
    client.force_login(StaffUserFactory())
    html = client.get("/").content.decode()
    assert 'href="/supervision/"' in html
    assert "الإشراف القضائي" in html


@pytest.mark.urls("tests.layout.urls")
def test_messages_are_announced_at_the_top_of_main(client):
    html = client.get("/_layout/messages/").content.decode()
    assert '<div class="alert alert-success" role="status">Saved</div>' in html
    assert '<div class="alert alert-error" role="alert">Payment failed</div>' in html
    assert html.index('<main id="main"') < html.index("Saved") < html.index("Plain page")


@pytest.mark.urls("tests.layout.urls")
def test_title_block_is_followed_by_the_portal_name(client):
    html = client.get("/_layout/messages/").content.decode()
    assert "<title>Plain — ناجز</title>" in html
