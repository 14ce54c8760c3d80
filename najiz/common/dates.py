"""Dates as the portal shows them: Hijri (Umm al-Qura) and Gregorian, in Asia/Riyadh.

The calendar conversion is the `hijridate` library's (Umm al-Qura tables, 1343–1500 AH, i.e.
1 Aug 1924 – 16 Nov 2077). A datetime is first converted to Riyadh time, so an event at
22:30 UTC is shown on the next Riyadh day. Outside the Umm al-Qura range `format_hijri` falls
back to the Gregorian date instead of raising, so a template never breaks on an odd date.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import dates as django_dates, timezone
from django.utils.translation import pgettext, pgettext_lazy
from hijridate import Gregorian, Hijri

from najiz.common.language import written_in

RIYADH = ZoneInfo("Asia/Riyadh")
HIJRI_YEARS = (1343, 1500)  # the years of the Umm al-Qura tables

HIJRI_MONTHS = {
    1: pgettext_lazy("Hijri month", "Muharram"),
    2: pgettext_lazy("Hijri month", "Safar"),
    3: pgettext_lazy("Hijri month", "Rabi' al-Awwal"),
    4: pgettext_lazy("Hijri month", "Rabi' al-Thani"),
    5: pgettext_lazy("Hijri month", "Jumada al-Ula"),
    6: pgettext_lazy("Hijri month", "Jumada al-Akhirah"),
    7: pgettext_lazy("Hijri month", "Rajab"),
    8: pgettext_lazy("Hijri month", "Sha'ban"),
    9: pgettext_lazy("Hijri month", "Ramadan"),
    10: pgettext_lazy("Hijri month", "Shawwal"),
    11: pgettext_lazy("Hijri month", "Dhu al-Qa'dah"),
    12: pgettext_lazy("Hijri month", "Dhu al-Hijjah"),
}


class HijriRangeError(ValueError):
    """The date lies outside the Umm al-Qura tables (1343–1500 AH)."""


def riyadh(value: datetime) -> datetime:
    """An aware datetime in Riyadh time (a naive one is taken to be Riyadh time already)."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=RIYADH)
    return value.astimezone(RIYADH)


def local_date(value) -> date:
    """The Riyadh calendar day of a date or datetime."""
    if isinstance(value, datetime):
        return riyadh(value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, not {type(value).__name__}")


def to_hijri(value) -> tuple[int, int, int]:
    """(year, month, day) in the Umm al-Qura calendar; HijriRangeError outside its tables."""
    day = local_date(value)
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError) as error:
        raise HijriRangeError(str(error)) from None
    return hijri.year, hijri.month, hijri.day


def from_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of an Umm al-Qura date; HijriRangeError if it does not exist."""
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
        return date(gregorian.year, gregorian.month, gregorian.day)
    except (OverflowError, ValueError) as error:
        raise HijriRangeError(str(error)) from None


def _time(value) -> str:
    return riyadh(value).strftime("%H:%M") if isinstance(value, datetime) else ""


def format_gregorian(value, lang=None, *, with_time=False) -> str:
    """"11 مارس 2024م" / "11 March 2024"; with_time adds the Riyadh time of a datetime."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    with written_in(lang):
        text = pgettext("Gregorian date", "%(day)s %(month)s %(year)s") % {
            "day": day.day,
            "month": django_dates.MONTHS[day.month],
            "year": day.year,
        }
        if with_time and isinstance(value, datetime):
            text = pgettext("date and time", "%(date)s, %(time)s") % {"date": text, "time": _time(value)}
    return text


def format_hijri(value, lang=None, *, with_time=False, fallback=True) -> str:
    """"15 جمادى الآخرة 1448 هـ" / "15 Jumada al-Akhirah 1448 AH".

    Outside the Umm al-Qura range: the Gregorian date when `fallback` (the default), otherwise
    HijriRangeError.
    """
    if value is None or value == "":
        return ""
    try:
        year, month, day = to_hijri(value)
    except HijriRangeError:
        if fallback:
            return format_gregorian(value, lang, with_time=with_time)
        raise
    with written_in(lang):
        text = pgettext("Hijri date", "%(day)s %(month)s %(year)s AH") % {
            "day": day,
            "month": HIJRI_MONTHS[month],
            "year": year,
        }
        if with_time and isinstance(value, datetime):
            text = pgettext("date and time", "%(date)s, %(time)s") % {"date": text, "time": _time(value)}
    return text


def iso(value) -> str:
    """The machine-readable form for <time datetime="…">: a date, or a Riyadh-time datetime."""
    if isinstance(value, datetime):
        return riyadh(value).isoformat(timespec="seconds")
    return local_date(value).isoformat()
