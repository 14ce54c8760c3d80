from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given, strategies as st

from najiz.common import dates
from najiz.common.dates import (
    HIJRI_MONTHS,
    HijriRangeError,
    format_gregorian,
    format_hijri,
    from_hijri,
    iso,
    local_date,
    to_hijri,
)

RAMADAN_1445 = date(2024, 3, 11)  # 1 Ramadan 1445 (Umm al-Qura)


def test_known_pair_both_ways():
    assert to_hijri(RAMADAN_1445) == (1445, 9, 1)
    assert from_hijri(1445, 9, 1) == RAMADAN_1445
    assert to_hijri(date(2024, 3, 10)) == (1445, 8, 29)


def test_format_hijri():
    assert format_hijri(RAMADAN_1445, "ar") == "1 رمضان 1445 هـ"
    assert format_hijri(RAMADAN_1445, "en") == "1 Ramadan 1445 AH"
    day = from_hijri(1448, 6, 15)
    assert format_hijri(day, "ar") == "15 جمادى الآخرة 1448 هـ"
    assert format_hijri(day, "en") == "15 Jumada al-Akhirah 1448 AH"


def test_format_hijri_follows_the_active_language():
    assert format_hijri(RAMADAN_1445) == "1 رمضان 1445 هـ"
    with translation.override("en"):
        assert format_hijri(RAMADAN_1445) == "1 Ramadan 1445 AH"


def test_arabic_month_names():
    expected = [
        "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
        "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
    ]
    with translation.override("ar"):
        assert [str(HIJRI_MONTHS[month]) for month in range(1, 13)] == expected
    for month, name in enumerate(expected, start=1):
        assert format_hijri(from_hijri(1446, month, 1), "ar") == f"1 {name} 1446 هـ"


def test_format_gregorian():
    assert format_gregorian(RAMADAN_1445, "ar") == "11 مارس 2024م"
    assert format_gregorian(RAMADAN_1445, "en") == "11 March 2024"
    assert format_gregorian(None) == "" and format_hijri(None) == ""


def test_datetimes_are_shown_in_riyadh_time():
    # 21:30 UTC on 10 March is 00:30 on 11 March in Riyadh (UTC+3).
    late = datetime(2024, 3, 10, 21, 30, tzinfo=UTC)
    assert local_date(late) == RAMADAN_1445
    assert to_hijri(late) == (1445, 9, 1)
    assert format_gregorian(late, "en") == "11 March 2024"
    assert format_gregorian(late, "en", with_time=True) == "11 March 2024, 00:30"
    assert format_gregorian(late, "ar", with_time=True) == "11 مارس 2024م، الساعة 00:30"
    assert format_hijri(late, "ar", with_time=True) == "1 رمضان 1445 هـ، الساعة 00:30"
    earlier = late - timedelta(hours=1)  # 23:30 on 10 March in Riyadh
    assert to_hijri(earlier) == (1445, 8, 29)


def test_naive_datetimes_are_taken_as_riyadh_time():
    assert local_date(datetime(2024, 3, 11, 0, 30)) == RAMADAN_1445
    assert iso(datetime(2024, 3, 11, 0, 30)) == "2024-03-11T00:30:00+03:00"


def test_iso():
    assert iso(RAMADAN_1445) == "2024-03-11"
    assert iso(datetime(2024, 3, 10, 21, 30, tzinfo=UTC)) == "2024-03-11T00:30:00+03:00"


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(1924, 7, 31), date(2077, 11, 17), date(2200, 5, 5)])
def test_out_of_range_falls_back_to_gregorian(day):
    with pytest.raises(HijriRangeError):
        to_hijri(day)
    with pytest.raises(ValueError):  # HijriRangeError is a ValueError
        format_hijri(day, "ar", fallback=False)
    assert format_hijri(day, "ar") == format_gregorian(day, "ar")
    assert format_hijri(day, "en") == format_gregorian(day, "en")


def test_range_edges():
    assert to_hijri(date(1924, 8, 1)) == (1343, 1, 1)
    assert to_hijri(date(2077, 11, 16))[0] == 1500
    with pytest.raises(HijriRangeError):
        from_hijri(1501, 1, 1)
    with pytest.raises(HijriRangeError):
        from_hijri(1445, 13, 1)


def test_wrong_types_are_refused():
    with pytest.raises(TypeError):
        local_date("2024-03-11")


@given(st.dates(min_value=date(1924, 8, 1), max_value=date(2077, 11, 16)))
def test_round_trip(day):
    assert dates.from_hijri(*to_hijri(day)) == day
