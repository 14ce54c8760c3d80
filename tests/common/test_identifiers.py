import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, strategies as st

from najiz.common import identifiers
from najiz.common.identifiers import (
    CITIZEN,
    RESIDENT,
    id_kind,
    is_valid_national_id,
    is_valid_saudi_iban,
    make_saudi_iban,
    normalize_digits,
    validate_national_id,
    validate_saudi_iban,
    with_check_digit,
)

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
CITIZEN_ID = "1012345672"
RESIDENT_ID = with_check_digit("212345678")
IBAN = "SA0380000000608010167519"  # the registry's published Saudi example


@pytest.mark.parametrize(
    "value", [CITIZEN_ID, RESIDENT_ID, with_check_digit("109876543"), with_check_digit("200000000")]
)
def test_valid_ids(value):
    assert is_valid_national_id(value)
    validate_national_id(value)


def test_id_kind_tells_citizen_from_resident():
    assert id_kind(CITIZEN_ID) == CITIZEN
    assert id_kind(RESIDENT_ID) == RESIDENT
    assert id_kind("1012345673") is None


@pytest.mark.parametrize(
    "value",
    [
        "1012345673",  # wrong check digit
        "3012345672",  # neither citizen nor resident
        "101234567",  # 9 digits
        "10123456721",  # 11 digits
        "10123A5672",
        "",
        "-1012345672",
    ],
)
def test_invalid_ids(value):
    assert not is_valid_national_id(value)
    with pytest.raises(ValidationError) as error:
        validate_national_id(value)
    assert error.value.code == "invalid_national_id"


def test_every_single_digit_change_breaks_the_check_digit():
    for position in range(1, 10):
        for digit in "0123456789":
            changed = CITIZEN_ID[:position] + digit + CITIZEN_ID[position + 1 :]
            assert is_valid_national_id(changed) == (changed == CITIZEN_ID)


def test_arabic_indic_digits_and_spaces_are_accepted():
    assert normalize_digits(" ١٠١ ٢٣٤ ٥٦٧٢ ") == CITIZEN_ID
    assert is_valid_national_id(CITIZEN_ID.translate(ARABIC_INDIC))
    assert is_valid_national_id("۱۰۱۲۳۴۵۶۷۲")  # Persian digits too
    assert id_kind(RESIDENT_ID.translate(ARABIC_INDIC)) == RESIDENT


def test_with_check_digit_completes_any_prefix():
    for prefix in ("100000000", "123456789", "299999999"):
        assert is_valid_national_id(with_check_digit(prefix))


def test_id_error_message_is_arabic_by_default():
    with pytest.raises(ValidationError) as error:
        validate_national_id("123")
    assert "هوية" in error.value.messages[0]
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_national_id("123")
        assert error.value.messages[0].startswith("Enter a valid national ID")


@pytest.mark.parametrize(
    "value",
    [IBAN, "SA03 8000 0000 6080 1016 7519", "sa0380000000608010167519", IBAN.translate(ARABIC_INDIC)],
)
def test_valid_ibans(value):
    assert is_valid_saudi_iban(value)
    validate_saudi_iban(value)


@pytest.mark.parametrize(
    "value",
    [
        "SA0380000000608010167518",  # mod-97 fails
        "SA038000000060801016751",  # 23 characters
        "SA03800000006080101675190",  # 25 characters
        "GB82WEST12345698765432",  # valid IBAN, not Saudi
        "SA03800000006080101675AB",
        "",
    ],
)
def test_invalid_ibans(value):
    assert not is_valid_saudi_iban(value)
    with pytest.raises(ValidationError) as error:
        validate_saudi_iban(value)
    assert error.value.code == "invalid_iban"


def test_make_saudi_iban_builds_valid_ibans():
    iban = make_saudi_iban("80", "608010167519")
    assert iban == IBAN
    assert is_valid_saudi_iban(make_saudi_iban("10", "1"))


JUNK = st.one_of(
    st.none(),
    st.text(),
    st.binary(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩ SA", max_size=30),
)


@given(JUNK)
def test_junk_never_raises(value):
    assert isinstance(is_valid_national_id(value), bool)
    assert id_kind(value) in (None, CITIZEN, RESIDENT)
    assert isinstance(is_valid_saudi_iban(value), bool)
    assert isinstance(identifiers.normalize_iban(value), str)
