"""Money: Saudi riyals as `Decimal` with two places (halalas), never float.

* `to_sar(value)` turns stored or computed values into a SAR amount;
* `parse_amount(text)` reads an amount a person typed or a client sent, strictly; `AmountField`
  (forms), `Amount` (API schemas) and `checked_amount` (the amounts services are handed) are
  built on it;
* `format_sar(amount, lang)` renders it for people ("1,234.50 ر.س" / "SAR 1,234.50"), and
  `sar_text(amount)` is the same rendered later, in whichever language is active then (a
  message's parameter, written out in Arabic and in English);
* `split_by_shares(amount, shares)` divides an amount by shares so the parts add up exactly;
* `share_terms(value)` reads a share of a property ("1/3", "7/24", Fraction, Decimal) exactly, as
  the integer numerator and denominator it is stored as, and `format_share` shows it ("7/24");
* `MoneyField()` is the model field every amount uses (max_digits=14, decimal_places=2).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from math import floor
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _, pgettext
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from najiz.common.identifiers import normalize_digits
from najiz.common.language import written_in

MAX_DIGITS = 14
DECIMAL_PLACES = 2
HALALA = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # the largest value a MoneyField holds

# Thousands / decimal separators people type, Arabic ones included.
_SEPARATORS = str.maketrans({",": None, "\u066c": None, "\u066b": "."})  # , ٬ ٫
LRM = "\u200e"  # keeps a leading minus sign on the left of the number inside Arabic text

# What people and clients may type: thousands separators only where they belong, at most two places.
AMOUNT_RE = re.compile(r"(?P<sign>-?)(?P<riyals>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<halalas>[0-9]{1,2}))?")
AMOUNT_PATTERN = r"^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$"  # the same, unsigned, for API schemas
_ARABIC_SEPARATORS = str.maketrans({"\u066c": ",", "\u066b": "."})  # ٬ ٫


def to_sar(value) -> Decimal:
    """Return `value` as a Decimal rounded half-up to 0.01 SAR.

    Accepts Decimal, int and str (spaces, thousands separators and Arabic-Indic digits are
    allowed in strings). A float is refused with TypeError, because it cannot hold an amount
    exactly; anything that is not a finite number raises ValueError.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"amounts must not be {type(value).__name__}; use Decimal or str")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = normalize_digits(value).translate(_SEPARATORS)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    else:
        raise TypeError(f"amounts must be Decimal, int or str, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    try:
        amount = number.quantize(HALALA, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"amount out of range: {value!r}") from None
    return amount if amount else ZERO  # no "-0.00"


def summed(total) -> Decimal:
    """A SUM() read back from the database as SAR: None (no rows) is zero. SQLite, the development
    database, sums decimals as floats; they are rounded to the halala here and nowhere else."""
    if total is None:
        return ZERO
    return to_sar(repr(total) if isinstance(total, float) else total)


def parse_amount(value, *, signed: bool = False) -> Decimal:
    """An amount a person typed or a client sent, as a Decimal with two places.

    Text is digits (Arabic-Indic ones too) with thousands separators only where they belong
    ("1,250,000") and a decimal point with at most two places; a minus sign only when `signed`.
    No exponent ("1e3"), NaN or Infinity. Decimal and int are taken as they are, under the same
    limits. Beyond MAX_AMOUNT either way, or anything else: ValueError.
    """
    if isinstance(value, str):
        found = AMOUNT_RE.fullmatch(normalize_digits(value).translate(_ARABIC_SEPARATORS))
        if found is None:
            raise ValueError(f"not an amount: {value!r}")
        number = Decimal(f"{found['sign']}{found['riyals'].replace(',', '')}.{found['halalas'] or '0'}")
    elif isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        number = Decimal(value)
    else:
        raise ValueError(f"not an amount: {value!r}")
    if not number.is_finite() or abs(number) > MAX_AMOUNT or number != number.quantize(HALALA):
        raise ValueError(f"not an amount of at most {MAX_AMOUNT} with two places: {value!r}")
    if number < 0 and not signed:
        raise ValueError(f"a negative amount: {value!r}")
    return number.quantize(HALALA) if number else ZERO


def typed_amount_or_zero(value) -> Decimal:
    """What is typed so far in an amount field, for advice while typing: zero until it reads as
    an amount (the form itself refuses what is not one)."""
    if isinstance(value, Decimal):
        return value
    try:
        return parse_amount(str(value)) if value is not None and str(value).strip() else ZERO
    except (ValueError, ArithmeticError):
        return ZERO


def checked_amount(value, *, signed: bool = False) -> Decimal:
    """An amount handed to a service, by `parse_amount`'s rules. A float is a bug in the caller
    (TypeError); anything else that is not an amount is bad input (ValidationError)."""
    if isinstance(value, float):
        raise TypeError("amounts are never floats; use Decimal or str")
    try:
        return parse_amount(value, signed=signed)
    except ValueError:
        raise ValidationError(AmountField.default_error_messages["invalid"], code="invalid_amount") from None


class AmountField(forms.DecimalField):
    """A form's SAR amount, read by `parse_amount`; signed only when `min_value` allows it."""

    default_error_messages = {"invalid": _("Enter an amount in riyals, e.g. 1500.00.")}

    def __init__(self, *, min_value=HALALA, max_value=MAX_AMOUNT, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(min_value=min_value, max_value=max_value, localize=False, **kwargs)
        self.widget = forms.TextInput(
            attrs={"dir": "ltr", "inputmode": "decimal", "autocomplete": "off", "class": "input"}
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value if isinstance(value, Decimal) else str(value),
                                signed=self.min_value is None or self.min_value < 0)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _amount_from_client(value) -> Decimal:
    try:
        if not isinstance(value, str | Decimal):  # sent as text; a Decimal is one built in code
            raise ValueError("amounts are strings")
        return parse_amount(value)
    except ValueError:
        raise PydanticCustomError("amount", "Not an amount in SAR with at most two decimals") from None


# An API schema's amount: a string read by `parse_amount` (unsigned), written back with two places.
Amount = Annotated[
    Decimal,
    PlainValidator(_amount_from_client),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["5000.00"],
                    "description": "SAR with at most two decimals, e.g. \"5000.00\"."}),
]


def format_sar(amount, lang=None) -> str:
    """Render an amount for display: Arabic "1,234.50 ر.س", English "SAR 1,234.50".

    Western digits with the Arabic currency label, as Saudi government sites commonly show
    them. `lang` defaults to the active language.
    """
    value = to_sar(amount)
    with written_in(lang):
        return _amount_in_riyals(value)


def _amount_in_riyals(value: Decimal) -> str:
    number = f"{value:,.2f}"
    if value < 0 and translation.get_language_bidi():
        # The left-to-right mark keeps the minus sign in front of the digits in RTL text.
        number = LRM + number
    return pgettext("amount in riyals", "SAR %(amount)s") % {"amount": number}


# A message parameter that is written in the language the message is rendered in.
sar_text = lazy(format_sar, str)


def _share(value) -> Fraction:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"shares must not be {type(value).__name__}; use Fraction, Decimal, int or str")
    try:
        share = Fraction(*value) if isinstance(value, tuple) else Fraction(value)
    except (ValueError, TypeError, ZeroDivisionError):
        raise ValueError(f"not a share: {value!r}") from None
    if share < 0:
        raise ValueError(f"a share cannot be negative: {value!r}")
    return share


SHARE_TEXT_RE = re.compile(r"(?P<numerator>[0-9]{1,12})(?:/(?P<denominator>[0-9]{1,12}))?")


def share_terms(value) -> tuple[int, int]:
    """A share of a property, exactly, as (numerator, denominator) with 0 < share <= 1.

    Text "7/24" is kept as written (an heirs deed counts its shares, سهام, out of a common total);
    "1" is the whole. A Fraction, an int or a Decimal ("0.5") is taken exactly, in lowest terms.
    A float, zero, a negative share, more than the whole or anything else: ValueError (TypeError
    for a float, which cannot hold a third)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"shares must not be {type(value).__name__}; use Fraction, Decimal, int or str")
    if isinstance(value, tuple) and len(value) == 2 and all(type(term) is int for term in value):
        numerator, denominator = value
    elif isinstance(value, str):
        found = SHARE_TEXT_RE.fullmatch(normalize_digits(value).replace(" ", ""))
        if found is None:
            raise ValueError(f"not a share: {value!r}")
        numerator, denominator = int(found["numerator"]), int(found["denominator"] or 1)
    elif isinstance(value, Fraction | Decimal | int):
        try:
            exact = Fraction(value)
        except (ValueError, OverflowError):
            raise ValueError(f"not a share: {value!r}") from None
        numerator, denominator = exact.numerator, exact.denominator
    else:
        raise ValueError(f"not a share: {value!r}")
    if denominator <= 0 or numerator <= 0 or numerator > denominator:
        raise ValueError(f"a share is more than nothing and at most the whole: {value!r}")
    return numerator, denominator


def format_share(value) -> str:
    """A share as people read it on a deed: "1/3", "7/24"; the whole is "1/1"."""
    numerator, denominator = value if isinstance(value, tuple) else (Fraction(value).numerator,
                                                                      Fraction(value).denominator)
    return f"{numerator}/{denominator}"


def split_by_shares(amount, shares) -> list[Decimal]:
    """Split `amount` in proportion to `shares` so the parts sum exactly to the amount.

    Shares may be fractions ("1/3", Fraction(1, 3), Decimal("0.25")) or plain weights (2, 1, 1);
    they are taken relative to their total. The rule, the largest-remainder method (docs/money.md
    §6): each part is its exact share rounded down to the halala, and the halalas left over go
    one by one to the parts with the largest remainders, the earlier part winning a tie. So each
    part is within one halala of its exact share, never a halala above it unless it had a
    remainder, and the parts sum to the amount exactly.
    """
    total = to_sar(amount)
    weights = [_share(share) for share in shares]
    if not weights:
        raise ValueError("at least one share is needed")
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        raise ValueError("the shares add up to zero")

    sign = -1 if total < 0 else 1
    halalas = int(abs(total) * 100)
    exact = [Fraction(halalas) * weight / weight_sum for weight in weights]
    parts = [floor(value) for value in exact]
    left_over = halalas - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda index: (-(exact[index] - parts[index]), index))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return [(Decimal(sign * part) / 100).quantize(HALALA) for part in parts]


def MoneyField(*args, **kwargs) -> models.DecimalField:
    """A DecimalField for SAR amounts (14 digits, 2 places).

    A plain DecimalField comes back, so migrations do not depend on this module.
    """
    kwargs.setdefault("max_digits", MAX_DIGITS)
    kwargs.setdefault("decimal_places", DECIMAL_PLACES)
    return models.DecimalField(*args, **kwargs)
