"""One formatter for the numbers people read: areas, shares and amounts, the same on pages, in
PDFs, on timelines and in notices, in both languages."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from najiz.casefile import messages
from najiz.common import formats
from notifications import kinds


def test_areas_with_a_point_and_the_unit():
    assert formats.area(Decimal("625"), "ar") == "625.00 م²"
    assert formats.area(Decimal("1234.5"), "en") == "1,234.50 m²"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1.000000"), "1/1"), (Decimal("0.500000"), "1/2"), (Decimal("0.333333"), "1/3"),
    (Decimal("0.125000"), "1/8"), (Decimal("0.041667"), "1/24"), (Decimal("0.666667"), "2/3"),
    (Fraction(5, 7), "5/7"), ("0.25", "1/4"),
])
def test_shares_as_fractions(value, text):
    assert formats.share(value) == text


def test_amounts_in_timeline_texts_in_both_languages():
    for lang, expected in (("ar", "40,000.00 ر.س"), ("en", "SAR 40,000.00")):
        with translation.override(lang):
            text = messages.render("enforcement.collected", {"amount": "40000.00", "source": "invoice"})
        assert expected in text, text
        assert "ريال" not in text and "40000.00" not in text


def test_amounts_in_notices_in_both_languages():
    params = {"number": "CV-2026-000001", "deed": "700000000001", "price": "850,000.00", "hours": 72}
    subject, body = kinds.render("conveyance.offer", params, "ar")
    assert "850,000.00 ر.س" in subject + body and "ريال" not in body
    subject, body = kinds.render("conveyance.offer", params, "en")
    assert "SAR 850,000.00" in subject + body


def test_names_and_numbers_are_left_alone():
    assert formats.message_params({"to": "Fahd", "number": "EN-2026-000001", "deed": "700000000001"}) == {
        "to": "Fahd", "number": "EN-2026-000001", "deed": "700000000001",
    }


def test_an_instalment_plans_notice_writes_each_amount_once_with_its_currency():
    params = {"number": "EN-2026-000001", "count": 4, "instalment": "24000.00", "amount": "96000.00",
              "first_due": "2026-12-09"}
    for kind in ("enforcement.plan_proposed", "enforcement.plan_accepted"):
        _subject, body = kinds.render(kind, params, "ar")
        assert "24,000.00 ر.س" in body and "ريال" not in body and "24000.00" not in body, body
        _subject, body = kinds.render(kind, params, "en")
        assert "SAR 24,000.00" in body and "SAR 24,000.00 SAR" not in body, body


def test_amounts_in_the_reasons_of_automatic_decisions_in_both_languages():
    from enforcement import rules
    from enforcement.disclosure import disclosure_covers

    reasons = [rules.debt_outstanding({"outstanding": "12500.50"}),
               disclosure_covers({"total": "30000", "outstanding": "12500.50"})]
    for reason in reasons:
        assert "12,500.50 ر.س" in reason.message_ar and "ريال" not in reason.message_ar, reason
        assert "SAR 12,500.50" in reason.message_en and "12500.50" not in reason.message_en, reason
    assert "30,000.00 ر.س" in reasons[1].message_ar and "SAR 30,000.00" in reasons[1].message_en


def test_the_tax_notice_writes_the_tax_once_with_its_currency():
    params = {"number": "CV-2026-000001", "deed": "700000000001", "price": "850000.00", "tax": "42500.00",
              "bill": "1234567890"}
    _subject, body = kinds.render("conveyance.pay_tax", params, "ar")
    assert "42,500.00 ر.س" in body and "ريال" not in body, body
    _subject, body = kinds.render("conveyance.pay_tax", params, "en")
    assert "SAR 42,500.00" in body and "42,500.00 SAR" not in body, body
