"""A date in both calendars (najiz.common.widgets): given in Hijri it is read as the right
Gregorian day and the other way round, in Arabic-Indic digits too; a day that cannot be read gets
a message saying why; the page draws a date back in both calendars; and the browser's table
(static/js/hijri-date.js) is the server's (hijridate's)."""

from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.utils import translation
from hijridate import Gregorian, Hijri

from najiz.common.widgets import HijriDateField, HijriDateInput
from scripts import hijri_table

SCRIPT = Path(__file__).resolve().parents[2] / "static/js/hijri-date.js"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class DueForm(forms.Form):
    due = HijriDateField(label="Due")


class PlainForm(forms.Form):
    due = forms.DateField(widget=HijriDateInput())


def read(**data):
    form = DueForm({f"due{'_' + key if key else ''}": value for key, value in data.items()})
    return form, (form.cleaned_data["due"] if form.is_valid() else None)


def hijri(day, month, year, **more):
    return {"hijri_day": str(day), "hijri_month": str(month), "hijri_year": str(year), **more}


@pytest.mark.parametrize("y,m,d", [(1448, 6, 15), (1447, 9, 1), (1446, 12, 29), (1343, 1, 1), (1500, 12, 30)])
def test_a_hijri_date_is_read_as_its_gregorian_day(y, m, d):
    expected = Hijri(y, m, d).to_gregorian()
    _form, day = read(**hijri(d, m, y))
    assert day == date(expected.year, expected.month, expected.day)


def test_a_gregorian_date_is_read_and_drawn_back_in_hijri():
    form, day = read(**{"": "2026-12-05"})
    assert day == date(2026, 12, 5)
    h = Gregorian(2026, 12, 5).to_hijri()
    html = str(form["due"])
    assert 'type="date"' in html and 'value="2026-12-05"' in html
    assert f'<option value="{h.day}" selected>' in html and f'value="{h.year}"' in html
    assert 'name="due_hijri_month"' in html and f'<option value="{h.month}" selected>' in html


def test_arabic_indic_digits_are_digits():
    expected = Hijri(1448, 6, 15).to_gregorian()
    assert read(**hijri("١٥", "٦", "١٤٤٨"))[1] == expected
    assert read(**{"": "٢٠٢٦-١٢-٠٥"})[1] == date(2026, 12, 5)
    assert read(**hijri("۱۵", "۶", "۱۴۴۸"))[1] == expected  # Persian digits too


@pytest.mark.parametrize("data,words", [
    (hijri(30, 1, 1448), "no such day in the Umm al-Qura calendar"),  # Muharram 1448 has 29 days
    (hijri(15, 13, 1448), "no such day"),
    (hijri(15, "", 1448), "Give the Hijri day, month and year"),
    (hijri(15, 6, 1600), "from 1343 to 1500"),
    (hijri("x", 6, 1448), "no such day"),
    ({"": "2026-02-30"}, "valid Gregorian date"),
    ({"": "2026-12-05", **hijri(1, 1, 1448)}, "not the same day"),
])
def test_a_day_that_cannot_be_read_gets_a_message(data, words):
    form, day = read(**data)
    assert day is None and words in " ".join(form.errors["due"])


def test_when_the_two_disagree_the_one_changed_since_the_page_is_meant():
    shown = "2026-12-05"  # drawn as 2026-12-05 and 14 Jumada al-Akhirah 1448
    h = Gregorian(2026, 12, 5).to_hijri()
    assert read(**{"": "2026-12-20", **hijri(h.day, h.month, h.year), "shown": shown})[1] == date(2026, 12, 20)
    assert read(**{"": shown, **hijri(1, 7, 1448), "shown": shown})[1] == Hijri(1448, 7, 1).to_gregorian()


def test_empty_is_required_and_a_gregorian_day_outside_the_tables_is_still_a_day():
    form, day = read(**{"": ""})
    assert day is None and "required" in " ".join(form.errors["due"])
    assert read(**{"": "2099-01-01"})[1] == date(2099, 1, 1)
    assert 'value="2099-01-01"' in str(DueForm({"due": "2099-01-01"})["due"])


def test_as_a_plain_date_fields_widget():
    form = PlainForm({"due_hijri_day": "1", "due_hijri_month": "7", "due_hijri_year": "1448"})
    assert form.is_valid() and form.cleaned_data["due"] == Hijri(1448, 7, 1).to_gregorian()
    bad = PlainForm({"due_hijri_day": "30", "due_hijri_month": "1", "due_hijri_year": "1448"})
    assert not bad.is_valid() and bad.errors["due"]
    assert 'value="30" selected' in str(bad["due"])  # what was typed is drawn back


def test_the_labels_and_ids():
    html = str(DueForm()["due"])
    for part in ("", "_hijri_day", "_hijri_month", "_hijri_year"):
        assert f'id="id_due{part}"' in html and (part == "" or f'for="id_due{part}"' in html)
    assert 'for="id_due"' in html and "data-hijri-date" in html


def test_the_browsers_table_is_the_servers():
    assert hijri_table.table_lines() in SCRIPT.read_text()
