"""Dates and amounts are written in the page's language without switching it for each one, and in
another language when asked."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from najiz.common import dates, money
from najiz.common.language import written_in

DAY = date(2024, 3, 11)
WRITERS = [
    lambda lang: money.format_sar(Decimal("1234.5"), lang),
    lambda lang: dates.format_gregorian(DAY, lang),
    lambda lang: dates.format_hijri(DAY, lang),
]


@pytest.fixture
def switches(monkeypatch):
    """The languages activated from here on."""
    seen = []
    activate = translation.activate
    monkeypatch.setattr(translation, "activate", lambda lang: (seen.append(lang), activate(lang))[1])
    return seen


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize("lang", [None, "ar"])
def test_the_active_language_is_not_switched(write, lang, switches):
    with translation.override("ar"):
        switches.clear()
        expected = write("ar")
        assert write(lang) == expected
        assert switches == []


@pytest.mark.parametrize("write", WRITERS)
def test_another_language_is_switched_to_and_back(write, switches):
    with translation.override("ar"):
        switches.clear()
        english = write("en")
        assert translation.get_language() == "ar"
        assert switches == ["en", "ar"]
    with translation.override("en"):
        assert write(None) == english


def test_no_active_language_writes_arabic():
    with translation.override(None):
        with written_in(None):
            assert translation.get_language() == "ar"
