import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_arabic_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ar"' in response.content.decode() and 'dir="rtl"' in response.content.decode()


def test_english_once_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="en"' in response.content.decode() and 'dir="ltr"' in response.content.decode()


def test_unknown_language_cookie_falls_back_to_arabic(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="ar"' in client.get("/").content.decode()
