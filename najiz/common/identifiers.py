"""Saudi identifiers: national id / iqama numbers and Saudi IBANs.

Each `is_valid_*` answers yes/no for any input (never raises); each `validate_*` is a Django
validator raising ValidationError with a translated message.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban

ID_RE = re.compile(r"^[12]\d{9}$")
CITIZEN, RESIDENT = "citizen", "resident"


def normalize_digits(value) -> str:
    """Strip spaces and turn Arabic-Indic / Persian digits into ASCII ones."""
    text = str(value or "").strip()
    table = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
    return re.sub(r"\s+", "", text.translate(table))


def _luhn_sum(digits: str, *, with_check_digit: bool) -> int:
    """Luhn sum from the right, doubling every second digit left of the check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == (1 if with_check_digit else 0):
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by national ids, iqamas, card numbers and bill numbers."""
    return _luhn_sum(digits, with_check_digit=True) % 10 == 0


def luhn_check_digit(body: str) -> str:
    return str((10 - _luhn_sum(body, with_check_digit=False) % 10) % 10)


def is_valid_national_id(value) -> bool:
    """A citizen id (starts 1) or iqama (starts 2): 10 digits with a Luhn check digit."""
    digits = normalize_digits(value)
    return bool(ID_RE.match(digits)) and luhn_ok(digits)


def id_kind(value) -> str | None:
    digits = normalize_digits(value)
    if not is_valid_national_id(digits):
        return None
    return CITIZEN if digits[0] == "1" else RESIDENT


def with_check_digit(first_nine: str) -> str:
    """Complete a 9-digit prefix (starting 1 or 2) into a valid 10-digit id."""
    return first_nine + luhn_check_digit(first_nine)


def validate_national_id(value):
    if not is_valid_national_id(value):
        raise ValidationError(
            _("Enter a valid national ID or iqama number: 10 digits starting with 1 or 2."),
            code="invalid_national_id",
        )


def normalize_iban(value) -> str:
    return normalize_digits(value).upper()


def is_valid_saudi_iban(value) -> bool:
    """SA + 22 digits (24 characters) whose mod-97 check holds."""
    text = normalize_iban(value)
    if not re.fullmatch(r"SA\d{22}", text):
        return False
    return stdnum_iban.is_valid(text)


def validate_saudi_iban(value):
    if not is_valid_saudi_iban(value):
        raise ValidationError(
            _("Enter a valid Saudi IBAN: 24 characters starting with SA."),
            code="invalid_iban",
        )


def make_saudi_iban(bank_code: str, account: str) -> str:
    """Build a valid Saudi IBAN from a 2-digit bank code and an 18-digit account number."""
    bban = f"{bank_code:0>2}{account:0>18}"
    return f"SA{stdnum_iban.calc_check_digits('SA00' + bban)}{bban}"


def as_case_number(value) -> str | None:
    """A case number (EN-…, CV-…) as asked for, cut to its column's length, or None for text no
    case number can be (control characters, which the database would refuse)."""
    number = str(value)[:20]
    return number if number.isprintable() else None
