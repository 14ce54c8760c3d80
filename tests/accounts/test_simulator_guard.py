"""The Nafath simulator exists only with NAFATH_SIMULATOR."""

import importlib
import sys

import pytest
from django.http import Http404
from django.urls import clear_url_caches, reverse

from najiz.accounts import views

pytestmark = pytest.mark.django_db


def _reload_urls():
    clear_url_caches()
    importlib.reload(sys.modules["najiz.urls"])
    clear_url_caches()


@pytest.fixture
def simulator_off(settings):
    settings.NAFATH_SIMULATOR = False
    _reload_urls()
    yield
    settings.NAFATH_SIMULATOR = True
    _reload_urls()


def test_the_simulator_is_there_in_development(client):
    assert client.get(reverse("nafath:simulator")).status_code == 200


def test_the_simulator_url_is_not_mounted_when_off(client, simulator_off):
    assert client.get("/nafath/").status_code == 404
    assert client.post("/nafath/requests/1/answer/", {"number": 42}).status_code == 404


@pytest.mark.parametrize("view,args", [(views.nafath_simulator, ()), (views.nafath_answer, (1,))])
def test_the_views_refuse_when_off_even_if_mounted(rf, settings, view, args):
    settings.NAFATH_SIMULATOR = False
    request = rf.get("/nafath/") if not args else rf.post("/nafath/requests/1/answer/", {"number": 42})
    request._dont_enforce_csrf_checks = True
    with pytest.raises(Http404):
        view(request, *args)
