"""What a deed holds: for a deed issued by a conveyance the previous deed and the basis of the
transfer (the e-conveyance and its price); the four sides with their lengths; the area in figures
and in words; plan and plot; the owners with their shares as fractions; the issue date in Hijri
and Gregorian; the issuing office. On the deed PDF and on the deed's page."""

import re
import subprocess

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text_of(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True, timeout=60)
    return " ".join(BIDI.sub("", out.stdout.decode()).split())


def test_the_new_deed_names_the_old_one_and_the_basis_of_transfer(client, sale, conveyed):
    new = conveyed.new_deed
    assert new.previous == sale.deed
    assert new.transfer_ref == conveyed.number and new.transfer_price == conveyed.price
    assert new.north_boundary == sale.deed.north_boundary and new.issuing_office == sale.deed.issuing_office
    client.force_login(sale.buyer_user)
    client.cookies["najiz_language"] = "en"
    text = text_of(client.get(reverse("conveyance:deed_pdf", args=[new.number])).content)
    assert f"Previous deed {sale.deed.number}" in text
    assert conveyed.number in text and f"SAR {conveyed.price:,.2f}" in text
    assert "600.00 m²" in text and "six hundred square metres" in text
    assert "North" in text and "25.00 m" in text and "24.00 m" in text
    assert f"{sale.deed.plan_number}" in text and new.plot_number in text
    assert "1/1" in text
    assert "Jumada" in text or "AH" in text  # the Hijri date beside the Gregorian
    assert "2026" in text


def test_the_arabic_deed(client, sale):
    client.force_login(sale.seller_user)
    text = text_of(client.get(reverse("conveyance:deed_pdf", args=[sale.deed.number])).content)
    # Arabic comes out of pdftotext in visual order: look for the pieces, not the phrase.
    assert "600.00" in text and "ستمائة" in text, text
    assert "بالرياض" in text and "الحدود" in text, text


def test_the_deed_page_shows_the_property_and_the_basis(client, sale, conveyed):
    new = conveyed.new_deed
    page = client.get(reverse("verify:deed", args=[new.number])).content.decode()
    assert sale.deed.number in page and conveyed.number in page
    assert new.north_boundary in page and "25.00" in page and new.issuing_office in page
    assert "600.00 م²" in page
    assert sale.buyer.name_ar not in page  # still nothing private
