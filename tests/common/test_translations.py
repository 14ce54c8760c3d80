import re
from pathlib import Path

import polib
from django.utils import translation
from django.utils.translation import gettext

import najiz.common

LOCALE = Path(najiz.common.__file__).parent / "locale" / "ar" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_arabic_catalogue_is_complete():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        assert entry.msgstr.strip(), entry.msgid
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid
        assert re.findall(r"<[^>]+>", entry.msgstr) == re.findall(r"<[^>]+>", entry.msgid), entry.msgid


def test_compiled_catalogue_is_current():
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    assert mo.exists()
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo))}
    for entry in polib.pofile(str(po)):
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_arabic_is_served():
    with translation.override("ar"):
        assert (
            gettext("Kingdom of Saudi Arabia — Ministry of Justice — Najiz")
            == "المملكة العربية السعودية — وزارة العدل — ناجز"
        )
        assert gettext("Enter a valid Saudi IBAN: 24 characters starting with SA.").startswith("أدخل")
