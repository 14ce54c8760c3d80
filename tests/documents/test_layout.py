"""The QR code never lies over text: on every page of every document, in both languages, no
character's box meets the QR code's box (pdfplumber reads both from the rendered PDF)."""

import io

import pdfplumber
import pytest

from .conftest import KINDS

pytestmark = pytest.mark.django_db
WITH_QR = {"deed", "order", "report", "invoice", "receipt", "note"}


def qr_box(page):
    """The QR code is drawn as its runs of dark modules, rectangles one module high (about 2 pt;
    the tables' borders are thinner and their cells taller): their bounding box."""
    modules = [r for r in page.rects if 1.5 < r["height"] < 4 and r["width"] >= r["height"] - 0.5]
    if len(modules) < 30:
        return None
    return (min(r["x0"] for r in modules), min(r["top"] for r in modules),
            max(r["x1"] for r in modules), max(r["bottom"] for r in modules))


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
