"""The QR code never lies over text: on every page of every document, in both languages, no
character's box meets the QR code's box (pdfplumber reads both from the rendered PDF)."""

import io

import pdfplumber
import pytest

from .conftest import KINDS

pytestmark = pytest.mark.django_db
WITH_QR = {"deed", "order", "report", "invoice", "receipt", "note"}


def qr_box(page):
    """The QR code is a square 1-bit image, one pixel per module (pdf.qr_png): its box."""
    codes = [image for image in page.images
             if image["srcsize"][0] == image["srcsize"][1] and 21 <= image["srcsize"][0] <= 185]
    if not codes:
        return None
    assert len(codes) == 1, codes
    code = codes[0]
    assert code["stream"].attrs.get("Interpolate") is False  # drawn sharp, never smoothed
    return code["x0"], code["top"], code["x1"], code["bottom"]


def overlaps(box, char) -> bool:
    x0, top, x1, bottom = box
    return char["x0"] < x1 and char["x1"] > x0 and char["top"] < bottom and char["bottom"] > top


def test_the_qr_code_never_covers_text(fetch):
    for kind in KINDS:
        for lang in ("ar", "en"):
            with pdfplumber.open(io.BytesIO(fetch(kind, lang))) as document:
                boxes = []
                for number, page in enumerate(document.pages, start=1):
                    box = qr_box(page)
                    if box is None:
                        continue
                    boxes.append(box)
                    covered = "".join(c["text"] for c in page.chars if c["text"].strip() and overlaps(box, c))
                    assert not covered, f"{kind} ({lang}) page {number}: the QR code covers {covered!r}"
            assert len(boxes) == (1 if kind in WITH_QR else 0), (kind, lang, boxes)
