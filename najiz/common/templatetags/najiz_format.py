"""Formatting for templates: `{% load najiz_format %}`.

* `{{ amount|sar }}`             → "1,234.50 ر.س" / "SAR 1,234.50" (active language)
* `{{ deed.area|area }}`         → "625.00 م²" / "625.00 m²"
* `{{ row.share|share }}`        → "1/2" (najiz.common.formats: the one formatter of numbers)
* `{{ value|hijri }}`            → "1 رمضان 1445 هـ"  (`|hijri:"time"` adds the Riyadh time)
* `{{ value|gregorian }}`        → "11 مارس 2024م"    (`|gregorian:"time"` adds the Riyadh time)
* `{{ value|both_dates }}` or `{% both_dates value %}` →
  `<time datetime="2024-03-11">1 رمضان 1445 هـ — 11 مارس 2024م</time>`
* `{{ url|qr_svg }}` / `{{ url|qr_data_uri }}` → a QR code (inline SVG / data: URI for <img>)
* `{{ url|qr_img }}` → the QR code as the PNG <img> that PDFs use

Values may be dates, datetimes (shown in Asia/Riyadh) or ISO strings. None gives "". A filter
never raises on odd input: it logs a warning and shows the value as it is (escaped).
"""

import logging
from datetime import date, datetime

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from najiz.common import dates, formats, money
from najiz.common.pdf import qr_data_uri as make_qr_data_uri, qr_img as make_qr_img, qr_svg as make_qr_svg

register = template.Library()
logger = logging.getLogger(__name__)

SEPARATOR = " — "


def _as_date(value):
    """A date/datetime from a date, datetime or ISO string; None if there is none."""
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return parse_datetime(text) if ("T" in text or " " in text) else parse_date(text)
        except ValueError:
            return None
    return None


def _with_time(arg) -> bool:
    return str(arg).strip().lower() == "time"


@register.filter
def sar(value):
    if value is None or value == "":
        return ""
    try:
        return money.format_sar(value)
    except (TypeError, ValueError):
        logger.warning("sar filter: not an amount: %r", value)
        return value


@register.filter
def area(value):
    if value is None or value == "":
        return ""
    try:
        return formats.area(value)
    except (TypeError, ValueError, ArithmeticError):
        logger.warning("area filter: not an area: %r", value)
        return value


@register.filter
def metres(value):
    if value is None or value == "":
        return ""
    try:
        return formats.metres(value)
    except (TypeError, ValueError, ArithmeticError):
        logger.warning("metres filter: not a length: %r", value)
        return value


@register.filter
def area_in_words(value):
    if value is None or value == "":
        return ""
    try:
        return formats.area_in_words(value)
    except (TypeError, ValueError, ArithmeticError):
        logger.warning("area_in_words filter: not an area: %r", value)
        return value


@register.filter
def share(value):
    if value is None or value == "":
        return ""
    try:
        return formats.share(value)
    except (TypeError, ValueError, ArithmeticError):
        logger.warning("share filter: not a share: %r", value)
        return value


@register.filter
def hijri(value, arg=""):
    if value is None or value == "":
        return ""
    when = _as_date(value)
    if when is None:
        logger.warning("hijri filter: not a date: %r", value)
        return value
    return dates.format_hijri(when, with_time=_with_time(arg))


@register.filter
def gregorian(value, arg=""):
    if value is None or value == "":
        return ""
    when = _as_date(value)
    if when is None:
        logger.warning("gregorian filter: not a date: %r", value)
        return value
    return dates.format_gregorian(when, with_time=_with_time(arg))


def _both_dates(value, arg=""):
    if value is None or value == "":
        return ""
    when = _as_date(value)
    if when is None:
        logger.warning("both_dates: not a date: %r", value)
        return value
    gregorian_text = dates.format_gregorian(when, with_time=_with_time(arg))
    try:
        hijri_text = dates.format_hijri(when, fallback=False)
    except dates.HijriRangeError:
        return format_html('<time datetime="{}">{}</time>', dates.iso(when), gregorian_text)
    return format_html(
        '<time datetime="{}">{}{}{}</time>', dates.iso(when), hijri_text, SEPARATOR, gregorian_text
    )


@register.filter(name="both_dates")
def both_dates_filter(value, arg=""):
    return _both_dates(value, arg)


@register.simple_tag(name="both_dates")
def both_dates_tag(value, with_time=""):
    return _both_dates(value, with_time)


@register.filter
def qr_svg(value):
    """An inline SVG QR code of `value` (only path data, nothing of the value as markup)."""
    if value is None or value == "":
        return ""
    return mark_safe(make_qr_svg(str(value)))


@register.filter
def qr_img(value):
    """The QR code of `value` as an <img> for PDFs (a PNG, placed at once; see pdf.qr_png)."""
    if value is None or value == "":
        return ""
    return mark_safe(make_qr_img(str(value)))


@register.filter
def qr_data_uri(value):
    if value is None or value == "":
        return ""
    return make_qr_data_uri(str(value))
