"""PDF rendering: Arabic must come out shaped, in the right order, in the embedded Noto font.

Text extracted from an Arabic PDF comes out in visual order, so the checks are on words.
One known quirk of extractors (poppler's pdftotext included): a lam-alef ligature glyph maps to
"لا" in the PDF's ToUnicode table (logical order, which is right), but the extractor reverses
the characters of that glyph along with the visual run and prints "ال". The checks accept that
form and separately prove the ToUnicode mapping itself is right.
"""

import io
import itertools
import re
import shutil
import subprocess
import urllib.request
import zlib
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from fontTools.ttLib import TTFont

from najiz.common import pdf
from najiz.common.pdf import (
    content_disposition,
    local_path,
    pdf_response,
    qr_data_uri,
    qr_img,
    qr_modules,
    qr_png,
    qr_svg,
    render_pdf,
)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext, pdffonts)")

TEMPLATES_DIR = Path(__file__).parent / "templates"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SAMPLE = {
    "number": "EN-2024-000001",
    "amount": Decimal("1234.5"),
    "issued": "2024-03-11",
    "verify_url": "https://najiz.example/verify/deed/123",
    "note": "<script>alert(1)</script>",
}


@pytest.fixture
def pdf_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]


def poppler(tool: str, data: bytes, *args: str) -> str:
    result = subprocess.run([tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
                            input=data, capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def words_of(data: bytes) -> list[str]:
    return BIDI_CONTROLS.sub("", poppler("pdftotext", data)).split()


def extracted_forms(word: str) -> set[str]:
    """The word as written, and as extractors print it with the lam-alef ligature reversed."""
    return {word, word.replace("لا", "ال")}


def assert_phrase(words: list[str], phrase: str):
    """Every word of the phrase appears, next to each other, in reading or visual order."""
    expected = phrase.split()
    for word in expected:
        assert extracted_forms(word) & set(words), f"{word!r} not found in {words}"
    indexes = [next(i for i, w in enumerate(words) if w in extracted_forms(word)) for word in expected]
    steps = {b - a for a, b in itertools.pairwise(indexes)}
    assert steps <= {1} or steps <= {-1}, f"{phrase!r} is not in order in {words}"


def embedded_fonts(data: bytes) -> list[TTFont]:
    """The font programs embedded in the PDF (FontFile2 streams)."""
    fonts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            raw = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        if raw[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
            fonts.append(TTFont(io.BytesIO(raw)))
    return fonts


def to_unicode_entries(data: bytes) -> set[str]:
    entries = set()
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            raw = zlib.decompress(match.group(1)).decode("latin-1")
        except zlib.error:
            continue
        if "begincmap" in raw:
            for target in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", raw):
                entries.add(bytes.fromhex(target).decode("utf-16-be", "replace"))
    return entries


@pytest.fixture
def arabic_pdf(pdf_templates):
    return render_pdf("tests_common/sample.html", SAMPLE, lang="ar")


def test_arabic_words_are_shaped_and_in_order(arabic_pdf):
    assert arabic_pdf.startswith(b"%PDF-")
    words = words_of(arabic_pdf)
    assert_phrase(words, "طلب تنفيذ")
    assert_phrase(words, "المحكمة الافتراضية للتنفيذ")
    assert_phrase(words, "المملكة العربية السعودية")
    assert_phrase(words, "وزارة العدل")
    assert "ناجز" in words
    # Not reversed letter by letter, as an unshaped left-to-right rendering would give.
    for reversed_word in ("بلط", "ذيفنت", "ةمكحملا"):
        assert reversed_word not in words
    # Arabic letters are real letters, not presentation forms (U+FB50–U+FEFF) of an unshaped dump.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", " ".join(words))


def test_the_lam_alef_ligature_maps_back_to_lam_then_alef(arabic_pdf):
    assert "لا" in to_unicode_entries(arabic_pdf)


def test_amount_date_and_page_number_appear(arabic_pdf):
    words = words_of(arabic_pdf)
    # Around numbers inside Arabic runs pdftotext places the spaces loosely ("1رمضان"): check
    # the pieces, not the spacing.
    text = " ".join(words)
    for piece in ("1,234.50", "ر.س", "رمضان", "1445", "هـ", "مارس", "2024م", "المبلغ", "التاريخ"):
        assert piece in text, piece
    assert "صفحة" in words and "EN-2024-000001" in words


def test_the_vendored_noto_fonts_are_embedded(arabic_pdf):
    listing = poppler("pdffonts", arabic_pdf)
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    names = {row[0].split("+", 1)[-1]: row for row in rows}
    assert "Najiz-Arabic" in names and "Najiz-Arabic-Bold" in names
    for row in rows:
        assert row[-5] == "yes", f"font not embedded: {row}"  # emb column
    assert not any("DejaVu" in name for name in names), listing
    families = {font["name"].getDebugName(1) for font in embedded_fonts(arabic_pdf)}
    assert "Noto Sans Arabic" in families
    assert "Noto Sans" in families


def test_html_is_rtl_in_arabic_and_ltr_in_english(pdf_templates):
    with translation.override("ar"):
        html = render_to_string("tests_common/sample.html", SAMPLE)
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("en"):
        html = render_to_string("tests_common/sample.html", SAMPLE)
    assert '<html lang="en" dir="ltr">' in html
    assert "Kingdom of Saudi Arabia — Ministry of Justice — Najiz" in html


def test_english_pdf(pdf_templates):
    data = render_pdf("tests_common/sample.html", SAMPLE, lang="en")
    text = poppler("pdftotext", data)
    assert "Kingdom of Saudi Arabia — Ministry of Justice — Najiz" in text
    assert "SAR 1,234.50" in text
    assert "1 Ramadan 1445 AH — 11 March 2024" in text
    assert "Page 1 of 1" in text
    assert "<script>alert(1)</script>" in text  # escaped in the HTML, so printed as text
    assert translation.get_language() == "ar"  # the override ended with the render


def test_language_comes_from_the_request(pdf_templates):
    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = "en"
    data = render_pdf("tests_common/sample.html", SAMPLE, request=request)
    assert "Page 1 of 1" in poppler("pdftotext", data)


@pytest.mark.django_db
def test_a_document_sees_only_its_own_context_not_the_pages_context_processors(pdf_templates,
                                                                               django_assert_num_queries):
    from tests.factories.accounts import UserFactory

    request = RequestFactory().get("/")
    request.user, request.LANGUAGE_CODE = UserFactory(), "en"
    with django_assert_num_queries(0):  # acting_as would look up the person and their entities
        data = render_pdf("tests_common/sample.html", SAMPLE, request=request)
    assert "Page 1 of 1" in poppler("pdftotext", data)


def test_page_numbers_count_every_page(pdf_templates):
    data = render_pdf("tests_common/sample.html", {**SAMPLE, "filler": range(120)}, lang="en")
    info = poppler("pdfinfo", data)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    text = poppler("pdftotext", data)
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_title_metadata(arabic_pdf):
    assert "طلب تنفيذ" in poppler("pdfinfo", arabic_pdf)


def test_resources_are_local_only():
    font = (Path(settings.BASE_DIR) / "static/fonts/NotoSansArabic-Regular.ttf").resolve()
    assert local_path(font.as_uri()) == font
    assert local_path(f"{settings.SITE_URL}/static/fonts/NotoSans-Regular.ttf").name == "NotoSans-Regular.ttf"
    assert local_path("https://elsewhere.example/static/fonts/NotoSans-Regular.ttf").name == "NotoSans-Regular.ttf"
    assert local_path("file:///etc/passwd") is None
    assert local_path(f"{settings.SITE_URL}/static/../najiz/settings.py") is None
    assert local_path(f"{settings.SITE_URL}/static/%2e%2e/najiz/settings.py") is None
    assert local_path("https://elsewhere.example/secret.png") is None
    assert local_path("ftp://elsewhere.example/x") is None
    fetcher = pdf._tools()[2]
    with pytest.raises(ValueError):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    assert fetcher.fetch(qr_data_uri("x")).read().startswith(b"<svg")


def test_a_document_with_a_remote_image_still_renders_without_fetching_it(monkeypatch):
    calls = []
    original_open = urllib.request.OpenerDirector.open

    def spy(self, url, *args, **kwargs):
        calls.append(getattr(url, "full_url", url))
        return original_open(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    data = pdf.render_pdf_html('<html dir="rtl"><body><img src="http://10.0.0.1/x.png"><p>طلب تنفيذ</p></body></html>')
    assert data.startswith(b"%PDF-")
    assert not any("10.0.0.1" in str(call) for call in calls)
    assert all(str(call).startswith("file:") for call in calls)


def test_pdf_response_headers():
    response = pdf_response(b"%PDF-1.7 test", "EN-2024-000001.pdf")
    assert isinstance(response, HttpResponse)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="EN-2024-000001.pdf"'
    assert response["Content-Length"] == str(len(b"%PDF-1.7 test"))
    assert response.content == b"%PDF-1.7 test"
    download = pdf_response(b"%PDF", "report", inline=False)
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_content_disposition_is_safe_for_any_filename():
    arabic = content_disposition("أمر تنفيذ EN-1.pdf")
    assert arabic.startswith('inline; filename="EN-1.pdf"; filename*=UTF-8\'\'')
    assert unquote(arabic.split("''", 1)[1]) == "أمر تنفيذ EN-1.pdf"
    only_arabic = content_disposition("صك", inline=False)
    assert only_arabic.startswith('attachment; filename="document.pdf"; filename*=UTF-8\'\'')
    assert unquote(only_arabic.split("''", 1)[1]) == "صك.pdf"
    nasty = content_disposition('a"b\r\nSet-Cookie: x=1;/../c\\d.pdf')
    assert "\r" not in nasty and "\n" not in nasty
    ascii_part = nasty.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in ascii_part and "/" not in ascii_part and "\\" not in ascii_part and ";" not in ascii_part
    assert content_disposition("") == 'inline; filename="document.pdf"'


def test_qr_codes():
    svg = qr_svg("https://najiz.example/verify/deed/123")
    assert svg.startswith("<svg") and "viewBox" in svg and "<?xml" not in svg
    assert qr_data_uri("x").startswith("data:image/svg+xml;base64,")
    assert qr_svg("a") != qr_svg("b")


def test_the_qr_path_draws_exactly_the_dark_modules():
    import re

    from najiz.common.pdf import qr_modules

    url = "https://najiz.example/verify/order/EO-2026-000001?code=ABCD1234"
    rows = qr_modules(url)
    drawn = set()
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", qr_svg(url)):
        drawn |= {(int(x) + i, int(y)) for i in range(int(width))}
    assert drawn == {(x, y) for y, row in enumerate(rows) for x, dark in enumerate(row) if dark}
    assert f'viewBox="0 0 {len(rows)} {len(rows)}"' in qr_svg(url)


def test_a_render_pauses_the_collector_and_gives_it_back_as_it_was(monkeypatch):
    """The collector is off during the render (its young garbage is collected right after it) and
    comes back as it was, also when the render fails."""
    import gc

    from najiz.common import pdf

    seen = []

    def write_pdf(self, **_options):
        seen.append(gc.isenabled())
        raise RuntimeError("broken document")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", write_pdf)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        pdf.render_pdf_html("<p>x</p>", sign=False)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError):
            pdf.render_pdf_html("<p>x</p>", sign=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_pdf_qr_code_is_a_png_of_exactly_its_modules():
    from PIL import Image

    url = "https://najiz.example/verify/order/EO-2026-000001?code=ABCD-1234"
    image = Image.open(io.BytesIO(qr_png(url)))
    rows = qr_modules(url)
    assert image.size == (len(rows), len(rows))
    assert [[image.getpixel((x, y)) == 0 for x in range(len(rows))] for y in range(len(rows))] == rows
    markup = qr_img(url)
    assert markup.startswith('<img class="pdf-qr__code" alt="" src="data:image/png;base64,') and url not in markup


def test_documents_of_any_length_subset_their_fonts_without_new_c_types():
    """Font subsetting hands cffi arrays as long as a document's glyph set; each new sized type
    would be parsed again (milliseconds a font). Documents of other lengths add no C type, and
    their text still comes out whole."""
    from weasyprint.text.ffi import ffi

    def sized_types():
        return {key for key in ffi._parsed_types if isinstance(key, str) and re.search(r"\[\d+\]", key)}

    pdf.render_pdf_html('<html lang="ar" dir="rtl"><body><p>أمر تنفيذ</p></body></html>', sign=False)
    before = sized_types()
    for text in ("وزارة العدل المملكة العربية السعودية", "Execution order EO-2026-000417 of 12,000.00"):
        data = pdf.render_pdf_html(f'<html lang="ar" dir="rtl"><body><p>{text}</p></body></html>', sign=False)
        assert_phrase(words_of(data), text)
    assert sized_types() == before
