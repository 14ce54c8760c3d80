import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from hypothesis import given, strategies as st
from pydantic import TypeAdapter, ValidationError as PydanticValidationError

from najiz.common.money import (
    DECIMAL_PLACES,
    LRM,
    MAX_AMOUNT,
    MAX_DIGITS,
    ZERO,
    Amount,
    AmountField,
    MoneyField,
    checked_amount,
    format_sar,
    format_share,
    parse_amount,
    share_terms,
    split_by_shares,
    to_sar,
)

BASE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", "1234.50"),
        (1234, "1234.00"),
        (Decimal("0.1"), "0.10"),
        ("1.005", "1.01"),  # half up, not banker's rounding
        ("2.675", "2.68"),
        ("0.125", "0.13"),
        ("0.124", "0.12"),
        ("-1.005", "-1.01"),
        ("-0.001", "0.00"),  # no negative zero
        (" 1,234,567.891 ", "1234567.89"),
        ("١٬٢٣٤٫٥", "1234.50"),  # Arabic-Indic digits and separators
        ("1e3", "1000.00"),
        (0, "0.00"),
    ],
)
def test_to_sar(value, expected):
    amount = to_sar(value)
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), True, None, [1], object()])
def test_to_sar_refuses_floats_and_other_types(value):
    with pytest.raises(TypeError):
        to_sar(value)


@pytest.mark.parametrize("value", ["", "abc", "12abc", "1.2.3", "NaN", "sNaN", "Infinity", "-inf", "1e999999", "SAR 5"])
def test_to_sar_refuses_junk(value):
    with pytest.raises(ValueError):
        to_sar(value)


def test_zero():
    assert ZERO == Decimal("0.00") and str(ZERO) == "0.00"


def test_format_sar_in_arabic_and_english():
    assert format_sar(Decimal("1234.5"), "ar") == "1,234.50 ر.س"
    assert format_sar("1000000", "ar") == "1,000,000.00 ر.س"
    assert format_sar(Decimal("1234.5"), "en") == "SAR 1,234.50"
    assert format_sar("0.5", "en") == "SAR 0.50"


def test_format_sar_follows_the_active_language():
    assert format_sar("10") == "10.00 ر.س"
    with translation.override("en"):
        assert format_sar("10") == "SAR 10.00"
        assert format_sar("-5", "ar") == f"{LRM}-5.00 ر.س"  # another language than the page's
        assert format_sar("-5") == "SAR -5.00"
    with translation.override(None):  # no language active: Arabic, the portal's first
        assert format_sar("10") == "10.00 ر.س"


def test_format_sar_keeps_the_minus_sign_before_the_digits_in_arabic():
    assert format_sar("-5", "ar") == f"{LRM}-5.00 ر.س"
    assert format_sar("-1234.5", "en") == "SAR -1,234.50"


def test_format_sar_refuses_floats():
    with pytest.raises(TypeError):
        format_sar(1.5, "ar")


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        ("100", [Fraction(1, 3)] * 3, ["33.34", "33.33", "33.33"]),
        ("100", ["1/3", "1/3", "1/3"], ["33.34", "33.33", "33.33"]),
        ("0.01", [1, 1, 1], ["0.01", "0.00", "0.00"]),
        ("10", [2, 1, 1], ["5.00", "2.50", "2.50"]),
        ("1000", [Decimal("0.5"), Decimal("0.25"), Decimal("0.25")], ["500.00", "250.00", "250.00"]),
        ("100", [1, 2], ["33.33", "66.67"]),  # largest remainder goes to the second part
        ("100", [1, 0, 1], ["50.00", "0.00", "50.00"]),
        ("-100", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        ("0", [1, 1], ["0.00", "0.00"]),
        ("99.99", [1], ["99.99"]),
    ],
)
def test_split_by_shares(amount, shares, expected):
    parts = split_by_shares(amount, shares)
    assert [str(part) for part in parts] == expected
    assert sum(parts) == to_sar(amount)


def _within_a_halala(amount, shares, parts):
    total = sum(Fraction(share) for share in shares)
    for part, share in zip(parts, shares, strict=True):
        exact = Fraction(to_sar(amount)) * Fraction(share) / total
        assert exact - Fraction(1, 100) < Fraction(part) < exact + Fraction(1, 100)


def test_thirds_of_a_million_and_a_halala():
    """Three heirs with a third each: nobody gets more than a halala above their exact share
    (333,333.336...), the two halalas left over go to the first two (the earlier part wins a tie)."""
    parts = split_by_shares("1000000.01", ["1/3", "1/3", "1/3"])
    assert [str(part) for part in parts] == ["333333.34", "333333.34", "333333.33"]
    assert sum(parts) == Decimal("1000000.01")
    _within_a_halala("1000000.01", ["1/3"] * 3, parts)


def test_two_one_one():
    """Exact parts 500,000.015, 250,000.0075, 250,000.0075: the two halalas left over go to the
    largest remainders (.75 of a halala each), not to the first part (.5)."""
    parts = split_by_shares("1000000.03", [2, 1, 1])
    assert [str(part) for part in parts] == ["500000.01", "250000.01", "250000.01"]
    assert sum(parts) == Decimal("1000000.03")
    _within_a_halala("1000000.03", [2, 1, 1], parts)


def test_an_heirs_deed_of_24_shares_at_an_awkward_price():
    """3/24, 7/24, 14/24 of 987,654.31: exact parts 123,456.78875, 288,065.8404..., 576,131.6808...;
    each rounded down, the one halala left goes to the largest remainder (the first, .875)."""
    shares = ["3/24", "7/24", "14/24"]
    parts = split_by_shares("987654.31", shares)
    assert [str(part) for part in parts] == ["123456.79", "288065.84", "576131.68"]
    assert sum(parts) == Decimal("987654.31")
    _within_a_halala("987654.31", shares, parts)


@pytest.mark.parametrize(
    ("value", "terms"),
    [("1/3", (1, 3)), ("3/24", (3, 24)), ("١/٣", (1, 3)), ("1", (1, 1)), (Fraction(2, 4), (1, 2)),
     (Decimal("0.5"), (1, 2)), (1, (1, 1)), ((7, 24), (7, 24))],
)
def test_share_terms_reads_shares_exactly(value, terms):
    assert share_terms(value) == terms


@pytest.mark.parametrize(
    "value", ["0/3", "4/3", "1/0", "-1/3", "x", "", "1/3\x00", "1" * 13, Decimal("1.5"), 0, Fraction(-1, 2), None]
)
def test_share_terms_refuses_nothing_negatives_and_more_than_the_whole(value):
    with pytest.raises(ValueError):
        share_terms(value)
    with pytest.raises(TypeError):
        share_terms(0.5)


def test_format_share():
    assert [format_share(Fraction(1, 3)), format_share((7, 24)), format_share(1)] == ["1/3", "7/24", "1/1"]


@pytest.mark.parametrize(
    ("shares", "error"),
    [([], ValueError), ([0, 0], ValueError), ([1, -1], ValueError), (["x"], ValueError), ([0.5, 0.5], TypeError)],
)
def test_split_by_shares_refuses_bad_shares(shares, error):
    with pytest.raises(error):
        split_by_shares("100", shares)


AMOUNTS = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
SHARES = st.lists(st.fractions(min_value=0, max_value=1000, max_denominator=97), min_size=1, max_size=12).filter(
    lambda shares: sum(shares) > 0
)


@given(AMOUNTS, SHARES)
def test_split_by_shares_sums_exactly_and_stays_within_a_halala(amount, shares):
    parts = split_by_shares(amount, shares)
    assert len(parts) == len(shares)
    assert sum(parts, ZERO) == to_sar(amount)
    total = sum(shares)
    for part, share in zip(parts, shares, strict=True):
        assert part == part.quantize(Decimal("0.01"))
        exact = Fraction(to_sar(amount)) * share / total
        assert abs(Fraction(part) - exact) < Fraction(1, 100)


def test_money_field_is_a_plain_decimal_field():
    field = MoneyField("amount")
    assert isinstance(field, models.DecimalField)
    assert (field.max_digits, field.decimal_places) == (14, 2)
    _, path, _args, kwargs = field.deconstruct()
    assert path == "django.db.models.DecimalField"
    assert kwargs["max_digits"] == 14 and kwargs["decimal_places"] == 2
    assert MoneyField(default=ZERO).default == ZERO


def test_every_amount_in_the_models_has_the_kernels_options():
    """A two-place DecimalField is an amount (the deed's area in m² has the same shape): each
    has MoneyField's options, so no app keeps money options of its own."""
    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if isinstance(field, models.DecimalField) and field.decimal_places == DECIMAL_PLACES]
    assert len(fields) > 20
    assert [f"{field.model._meta.label}.{field.name}" for field in fields if field.max_digits != MAX_DIGITS] == []


# Copies of the kernel: amounts parsed or rounded by hand, its zero, its halala, its field options.
# Shares (a fraction of a deed) are not amounts.
COPIES = re.compile(
    r'Decimal\(str\((?!share\b)|Decimal\("0\.00"\)|^\s*\w+ = Decimal\("0\.01"\)|quantize\(Decimal\("0\.01"\)'
    r'|"max_digits": 14|DecimalField\(max_digits=14|def to_money\b|def money_field\b',
    re.MULTILINE,
)


def test_no_app_parses_or_rounds_amounts_outside_the_kernel():
    sources = [
        path
        for path in BASE.rglob("*.py")
        if path.relative_to(BASE).parts[0] not in {".venv", "tests", "scripts", "var"}
        and "migrations" not in path.parts
    ]
    copies = [
        f"{path.relative_to(BASE)}: {found.group(0)}"
        for path in sources
        if path != BASE / "najiz/common/money.py"
        for found in COPIES.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(sources) > 100
    assert copies == []


# --- what people and clients type ----------------------------------------------------------

TYPED = [
    ("1500", "1500.00"),
    ("1500.5", "1500.50"),
    ("1500.50", "1500.50"),
    (" 1,250,000.75 ", "1250000.75"),
    ("١٬٢٥٠٫٥", "1250.50"),
    ("۱۲۳۴", "1234.00"),
    ("0", "0.00"),
    ("0.01", "0.01"),
    ("999,999,999,999.99", "999999999999.99"),
]
NOT_AMOUNTS = [
    "", " ", "1e3", "1E3", "1e-2", "NaN", "nan", "sNaN", "Infinity", "inf", "-5", "+5", "1,00", "12,34.5", "1,0000",
    ",100", "1.", ".5", "1.001", "1.2.3", "0x10", "1_000", "SAR 5", "5 SAR", "\x005", "1000000000000", "9" * 40,
]


@pytest.mark.parametrize(("text", "expected"), TYPED)
def test_parse_amount_reads_what_people_type(text, expected):
    amount = parse_amount(text)
    assert isinstance(amount, Decimal) and str(amount) == expected


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_parse_amount_refuses_exponents_junk_and_more_than_two_places(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_amount_signs_limits_and_non_text():
    assert parse_amount("-1,500.25", signed=True) == Decimal("-1500.25")
    assert str(parse_amount("-0", signed=True)) == "0.00"
    assert parse_amount(Decimal("1E+3")) == Decimal("1000.00") and parse_amount(7) == Decimal("7.00")
    assert parse_amount(MAX_AMOUNT) == MAX_AMOUNT
    for value in (MAX_AMOUNT + Decimal("0.01"), Decimal("1.005"), Decimal("NaN"), Decimal("-1"), 1.5, True, None, [1]):
        with pytest.raises(ValueError):
            parse_amount(value)
    with pytest.raises(ValueError):
        parse_amount(-MAX_AMOUNT - 1, signed=True)


def test_checked_amount_is_parse_amount_for_services():
    assert checked_amount("1,500.5") == Decimal("1500.50") and checked_amount(Decimal("-2"), signed=True) == Decimal(
        "-2.00"
    )
    with pytest.raises(TypeError):
        checked_amount(1.5)
    for junk in ("1e3", "-5", Decimal("1.005"), None):
        with pytest.raises(ValidationError) as raised:
            checked_amount(junk)
        assert raised.value.code == "invalid_amount"


def test_amount_field_uses_the_parser_within_its_bounds():
    field = AmountField()
    assert field.clean("١٬٠٠٠") == Decimal("1000.00")
    for junk in ("1e3", "-5", "0", "1.234"):
        with pytest.raises(forms.ValidationError):
            field.clean(junk)
    assert AmountField(min_value=Decimal("0")).clean("0") == ZERO
    assert AmountField(min_value=None, required=False).clean("-5") == Decimal("-5.00")
    assert AmountField(required=False).clean("") is None


def test_amount_schema_type_takes_strings_only_and_documents_the_pattern():
    adapter = TypeAdapter(Amount)
    assert adapter.validate_python("5,000.5") == Decimal("5000.50")
    assert adapter.dump_json(Decimal("5000.5")) == b'"5000.50"'
    for junk in ("1e3", "-1", 5000, 5000.0, None, True):
        with pytest.raises(PydanticValidationError) as raised:
            adapter.validate_python(junk)
        assert raised.value.errors()[0]["type"] == "amount"
    schema = adapter.json_schema()
    assert schema["type"] == "string" and re.fullmatch(schema["pattern"].strip("^$"), "1,250.50")


def test_a_database_sum_reads_as_sar():
    from najiz.common.money import summed

    assert summed(None) == Decimal("0.00")
    assert str(summed(0.1 + 0.2)) == "0.30"  # SQLite's float sum of two decimals
    assert str(summed(Decimal("1234.5"))) == "1234.50"


def test_an_amount_being_typed_reads_as_zero_until_it_is_one():
    from najiz.common.money import typed_amount_or_zero

    assert [str(typed_amount_or_zero(v)) for v in (None, "", "  ", "12", "1,500.5", "1e3", "abc")] == [
        "0.00", "0.00", "0.00", "12.00", "1500.50", "0.00", "0.00"]
    assert typed_amount_or_zero(Decimal("7.25")) == Decimal("7.25")
