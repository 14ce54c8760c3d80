from pathlib import Path

import polib
from django.utils import translation

from najiz.registries.models import Instrument

CATALOGUE = Path(__file__).resolve().parents[2] / "najiz" / "registries" / "locale" / "ar" / "LC_MESSAGES"


def test_arabic_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 50
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert (CATALOGUE / "django.mo").exists()


def test_instrument_kinds_in_arabic():
    with translation.override("ar"):
        assert str(Instrument.Kind.JUDGMENT.label) == "حكم قضائي"
        assert str(Instrument.Kind.PROMISSORY_NOTE.label) == "سند لأمر"
        assert str(Instrument.Kind.BILL_OF_EXCHANGE.label) == "كمبيالة"
