"""Form widgets and fields the services' forms share.

A date in both calendars (`HijriDateInput`, `HijriDateField`): a Gregorian date input and the
Umm al-Qura day, month and year beside it. In the browser static/js/hijri-date.js keeps the two in
step (typing or picking either fills the other); on the server the date is read from whichever
calendar was given and converted with najiz.common.dates (hijridate), so a form works the same
without the script. Arabic-Indic digits are read as digits. The Gregorian input keeps the field's
own name (``due_date``), so what reads the plain date (a pre-check, the API) reads it unchanged;
the Hijri parts are ``<name>_hijri_day``, ``<name>_hijri_month`` and ``<name>_hijri_year``, and
``<name>_shown`` is the date both calendars showed when the page was drawn: when the two disagree,
the one the person changed since is the one meant.

`HijriDateInput` alone may replace a DateField's widget (a day that cannot be read is then the
DateField's "Enter a valid date."); `HijriDateField` also says what is wrong with it.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from . import dates
from .identifiers import normalize_digits

LONGEST_PART = 40  # a browser sends at most ten characters; a hand-made request is cut here
PARTS = ("", "hijri_day", "hijri_month", "hijri_year", "shown")


class TypedDate(str):
    """What the widget read: the ISO date when it could tell the day (a plain DateField parses
    it), else the text as typed. `date` the day read (or None), `problem` why it could not be read
    (a key of HijriDateField.default_error_messages, or None), `parts` the values as sent."""

    def __new__(cls, text, *, day=None, problem=None, parts=()):
        value = super().__new__(cls, text)
        value.date, value.problem, value.parts = day, problem, tuple(parts)
        return value


def _gregorian(text: str):
    """(date, problem) of the Gregorian input's text ('' → (None, None))."""
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        pass
    try:
        return forms.DateField().to_python(text), None
    except ValidationError:
        return None, "gregorian_invalid"


def _hijri(day: str, month: str, year: str):
    """(date, problem) of the Hijri parts ('' all → (None, None))."""
    if not (day or month or year):
        return None, None
    if not (day and month and year):
        return None, "hijri_incomplete"
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        return None, "hijri_invalid"
    low, high = dates.HIJRI_YEARS
    if not low <= int(year) <= high:
        return None, "hijri_range"
    try:
        return dates.from_hijri(int(year), int(month), int(day)), None
    except dates.HijriRangeError:
        return None, "hijri_invalid"


def read_date(gregorian="", day="", month="", year="", shown="") -> tuple:
    """(date or None, problem or None) of a date given in either calendar or both. Both given and
    not the same day: the one changed since the page showed `shown` is meant, else "disagree"."""
    parts = [normalize_digits(value)[:LONGEST_PART] for value in (gregorian, day, month, year, shown)]
    gregorian, day, month, year, shown = parts
    g_date, g_problem = _gregorian(gregorian)
    h_date, h_problem = _hijri(day, month, year)
    if g_problem or h_problem:  # what a page draws always reads, so the person typed this
        return None, g_problem or h_problem
    if g_date and h_date and g_date != h_date:
        was = _gregorian(shown)[0]
        if was == g_date:
            return h_date, None
        if was == h_date:
            return g_date, None
        return None, "disagree"
    return g_date or h_date, None


class HijriDateInput(forms.MultiWidget):
    """A Gregorian date input and the Hijri day, month and year, kept in step (module docstring)."""

    template_name = "common/widgets/hijri_date.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        attrs = dict(attrs or {})
        attrs.pop("type", None)
        days = [("", pgettext_lazy("date part", "Day"))] + [(str(n), str(n)) for n in range(1, 31)]
        months = [("", pgettext_lazy("date part", "Month"))] + [
            (str(number), name) for number, name in dates.HIJRI_MONTHS.items()
        ]
        widgets = {
            "": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "dir": "ltr", "data-date-part": "gregorian"}),
            "hijri_day": forms.Select(choices=days, attrs={"data-date-part": "day"}),
            "hijri_month": forms.Select(choices=months, attrs={"data-date-part": "month"}),
            "hijri_year": forms.TextInput(attrs={
                "inputmode": "numeric", "maxlength": "8", "size": "6", "dir": "ltr", "autocomplete": "off",
                "placeholder": "1448", "data-date-part": "year",
            }),
            "shown": forms.HiddenInput(attrs={"data-date-part": "shown"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, TypedDate):
            if value.date is None:
                return list(value.parts) or [str(value), "", "", "", ""]
            value = value.date
        if isinstance(value, str):
            value = _gregorian(normalize_digits(value))[0] or value
        if not isinstance(value, date):
            return [value or "", "", "", "", ""]
        try:
            year, month, day = dates.to_hijri(value)
        except dates.HijriRangeError:
            return [value.isoformat(), "", "", "", value.isoformat()]
        return [value.isoformat(), str(day), str(month), str(year), value.isoformat()]

    def value_from_datadict(self, data, files, name):
        parts = [data.get(name if not part else f"{name}_{part}") or "" for part in PARTS]
        parts = [str(value)[:LONGEST_PART] for value in parts]
        day, problem = read_date(*parts)
        if day is not None:
            return TypedDate(day.isoformat(), day=day, parts=parts)
        if problem is None:
            return TypedDate("", parts=parts)
        typed = "/".join(value for value in parts[:4] if value) or "?"
        return TypedDate(f"{typed} ({problem})", problem=problem, parts=parts)

    def value_omitted_from_data(self, data, files, name):
        return all(((name if not part else f"{name}_{part}") not in data) for part in PARTS[:4])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id")
        for part, sub in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            if base:
                sub["attrs"]["id"] = base if not part else f"{base}_{part}"
            if part:  # either calendar will do: only the Gregorian input says the field is required
                sub["attrs"].pop("required", None)
            if part == "shown":
                sub["attrs"].pop("aria-invalid", None)
                sub["attrs"].pop("aria-describedby", None)
        context["widget"]["parts"] = dict(zip(PARTS, context["widget"]["subwidgets"], strict=True))
        return context

    def id_for_label(self, id_):
        return id_


class HijriDateField(forms.DateField):
    """A date given in either calendar (HijriDateInput), with a message for each way it can be wrong."""

    widget = HijriDateInput
    default_error_messages = {
        "gregorian_invalid": _("Enter a valid Gregorian date, for example 2026-12-31."),
        "hijri_incomplete": _("Give the Hijri day, month and year, or leave the Hijri date empty."),
        "hijri_invalid": _("There is no such day in the Umm al-Qura calendar."),
        "hijri_range": _("Give a Hijri year from 1343 to 1500."),
        "disagree": _("The Hijri and the Gregorian dates given are not the same day: correct one, or empty it."),
    }

    def to_python(self, value):
        if isinstance(value, TypedDate):
            if value.problem:
                raise ValidationError(self.error_messages[value.problem], code=value.problem)
            return value.date
        return super().to_python(value)

    def typed(self, data, name) -> tuple:
        """(date or None, message or None) of what `data` holds for this field, for a pre-check run
        while the form is typed."""
        value = self.widget.value_from_datadict(data, None, name)
        if value.problem:
            return None, self.error_messages[value.problem]
        return value.date, None
