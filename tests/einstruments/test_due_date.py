"""The e-note's due date in both calendars (najiz.common.widgets.HijriDateField): a Hijri date
given is issued as the right Gregorian day and a Gregorian one the other way round, Arabic-Indic
digits too; a day that cannot be read is refused with a message, nothing issued; and the form
shows the date picked back in Hijri and Gregorian as it is typed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from einstruments.models import PromissoryNote
from najiz.common import clock, dates

pytestmark = pytest.mark.django_db
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def form(parties, **due):
    return {"creditor_id": parties.creditor.national_id, "amount": "1500.00", "place": "riyadh",
            **{f"due_date{'_' + key if key else ''}": value for key, value in due.items()}}


def in_hijri(day):
    year, month, d = dates.to_hijri(day)
    return {"hijri_day": str(d), "hijri_month": str(month), "hijri_year": str(year)}


@pytest.fixture
def debtor(client, parties):
    client.force_login(parties.debtor_user)
    client.cookies["najiz_language"] = "en"
    return client


def test_a_hijri_due_date_is_issued_as_its_gregorian_day(debtor, parties):
    due = clock.today() + timedelta(days=40)
    response = debtor.post(reverse("einstruments:new"), form(parties, **in_hijri(due)))
    assert response.status_code == 302
    assert PromissoryNote.objects.get(issued_by=parties.debtor_user).due_date == due


def test_a_hijri_due_date_in_arabic_indic_digits(debtor, parties):
    due = clock.today() + timedelta(days=41)
    typed = {key: value.translate(ARABIC) for key, value in in_hijri(due).items()}
    assert debtor.post(reverse("einstruments:new"), form(parties, **typed)).status_code == 302
    assert PromissoryNote.objects.get(issued_by=parties.debtor_user).due_date == due


def test_a_gregorian_due_date_is_drawn_back_in_hijri(debtor, parties):
    due = clock.today() + timedelta(days=42)
    response = debtor.post(reverse("einstruments:new"), {**form(parties, **{"": due.isoformat()}), "amount": "0"})
    assert response.status_code == 400  # refused for its amount: the date is drawn back in both calendars
    page = response.content.decode()
    year, month, day = dates.to_hijri(due)
    assert f'value="{due.isoformat()}"' in page and f'name="due_date_hijri_year" value="{year}"' in page
    assert f'<option value="{month}" selected>' in page and f'<option value="{day}" selected>' in page
    assert escape(dates.format_hijri(due, "en", fallback=False)) in page  # shown back in words too
    assert dates.format_gregorian(due, "en") in page


@pytest.mark.parametrize("due,words", [
    ({"hijri_day": "30", "hijri_month": "1", "hijri_year": "1448"}, "no such day in the Umm al-Qura calendar"),
    ({"hijri_day": "3", "hijri_month": "", "hijri_year": "1448"}, "Give the Hijri day, month and year"),
    ({"": "2026-13-01"}, "valid Gregorian date"),
])
def test_a_due_date_that_cannot_be_read_is_refused_with_a_message(debtor, parties, due, words):
    response = debtor.post(reverse("einstruments:new"), form(parties, **due))
    assert response.status_code == 400 and words in response.content.decode()
    assert not PromissoryNote.objects.exists()


def check(client, data):
    response = client.post(reverse("einstruments:check"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_due_date_picked_is_shown_back_in_hijri_and_gregorian_as_typed(debtor, parties):
    due = clock.today() + timedelta(days=30)
    for given in (in_hijri(due), {"": due.isoformat()}):
        html = check(debtor, form(parties, **given))
        assert 'data-testid="due-date-both"' in html
        assert escape(dates.format_hijri(due, "en", fallback=False)) in html
        assert dates.format_gregorian(due, "en") in html
    past = check(debtor, form(parties, **in_hijri(clock.today() - timedelta(days=1))))
    assert "due-date-both" not in past and "cannot be in the past" in past
    bad = check(debtor, form(parties, hijri_day="30", hijri_month="1", hijri_year="1448"))
    assert "due-date-both" not in bad and "no such day in the Umm al-Qura calendar" in bad


def test_the_issue_form_offers_both_calendars(debtor):
    page = debtor.get(reverse("einstruments:new")).content.decode()
    assert 'type="date"' in page and 'name="due_date_hijri_month"' in page and "Jumada al-Akhirah" in page
    assert "js/hijri-date.js" in page
