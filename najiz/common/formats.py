"""The one place numbers are written for people: amounts, areas and shares, the same on pages,
in PDFs, on timelines and in notices, in both languages.

* amount(40000)          → "40,000.00 ر.س" / "SAR 40,000.00" (money.format_sar)
* area(Decimal("625"))   → "625.00 م²" / "625.00 m²"
* area_in_words(625)     → "ستمائة و خمسة و عشرون متراً مربعاً"
* share(Decimal("0.5"))  → "1/2"  (a share as the fraction it is; whole ownership "1/1")
* message_params(params) → the parameters of a timeline text or a notice, with its amounts written
  as amount() does (they are stored as plain "40000.00" or "40,000.00").

Western digits, as Saudi government sites show them.
"""

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils import translation
from django.utils.translation import pgettext

from . import money

# Denominators a deed's shares are made of (halves to the 24ths of inheritance, and hundredths);
# a decimal share is written as the nearest fraction over one of them when it is exactly that.
SHARE_DENOMINATORS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 25, 32, 48, 50, 64, 96, 100, 1000)
# Parameter names that carry an amount in timeline texts and notices.
AMOUNT_PARAMS = frozenset({"amount", "price", "cost", "from", "to", "outstanding", "instalment", "total", "tax"})
_PLAIN_AMOUNT = re.compile(r"^-?\d{1,3}(,?\d{3})*(\.\d{1,2})?$")


def amount(value, lang=None) -> str:
    return money.format_sar(value, lang)


def area(value, lang=None) -> str:
    """An area in square metres, two decimals with a point: "625.00 م²"."""
    number = f"{Decimal(value):,.2f}"
    with translation.override(lang or translation.get_language() or "ar"):
        return pgettext("area in square metres", "%(area)s m²") % {"area": number}


def metres(value, lang=None) -> str:
    """A length in metres: "25.00 م"."""
    number = f"{Decimal(value):,.2f}"
    with translation.override(lang or translation.get_language() or "ar"):
        return pgettext("length in metres", "%(length)s m") % {"length": number}


def area_in_words(value, lang=None) -> str:
    """An area spelled out, as a deed writes it beside the figures: "ستمائة و خمسة و عشرون متراً
    مربعاً" / "six hundred and twenty-five square metres" (num2words; hundredths when there are)."""
    from num2words import num2words

    lang = (lang or translation.get_language() or "ar")[:2]
    quantity = round(Decimal(value), 2)
    whole, hundredths = int(quantity), int((quantity - int(quantity)) * 100)
    words = num2words(whole, lang="ar" if lang == "ar" else "en")
    if hundredths:
        words = pgettext("area in words", "%(whole)s point %(hundredths)s") % {
            "whole": words, "hundredths": num2words(hundredths, lang="ar" if lang == "ar" else "en"),
        }
    with translation.override(lang):
        return pgettext("area in words", "%(words)s square metres") % {"words": words}


def as_fraction(value) -> Fraction:
    """A share as a Fraction: exact for a Fraction, an int or "a/b"; a decimal (rounded in the
    registry to six places) is taken as the fraction over a usual denominator it stands for."""
    if isinstance(value, Fraction):
        return value
    exact = Fraction(str(value))
    for denominator in SHARE_DENOMINATORS:
        candidate = Fraction(round(exact * denominator), denominator)
        if abs(candidate - exact) < Fraction(1, 1_000_000):
            return candidate
    return exact.limit_denominator(1000)


def share(value) -> str:
    """A share of ownership as a fraction: "1/2", "3/8", whole ownership "1/1"."""
    if value is None or value == "":
        return ""
    fraction = as_fraction(value)
    return f"{fraction.numerator}/{fraction.denominator}"


def message_params(params: dict | None, lang=None) -> dict:
    """`params` with every amount written by amount(); anything else as it is."""
    formatted = dict(params or {})
    for name, value in formatted.items():
        text = str(value).strip()
        if name in AMOUNT_PARAMS and _PLAIN_AMOUNT.match(text):
            try:
                formatted[name] = amount(Decimal(text.replace(",", "")), lang)
            except (InvalidOperation, ValueError):
                pass
    return formatted
