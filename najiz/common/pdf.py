"""PDF documents (execution orders, invoices, reports, deeds) rendered with WeasyPrint and signed.

    pdf = render_pdf("enforcement/pdf/order.html", {"order": order}, lang="ar",
                     document=documents.stamp("order", order.number, state))
    return pdf_response(pdf, f"{order.number}.pdf")

Every document leaves here with the portal's PAdES signature (najiz.common.signing), which any PDF
reader shows and the verification page checks; `document` (a najiz.common.documents stamp) is
written into its metadata, under the signature, so an uploaded copy says what it is.

Templates extend `common/pdf/base.html` (A4, ministry header, page numbers, RTL for Arabic) and
see only the context they are given: the request picks the language, no context processor runs.
The vendored Noto Sans (Latin) and Noto Sans Arabic fonts are embedded through @font-face rules
pointing at static/fonts, so Arabic is shaped the same on every machine whatever fonts it has.

Resources are read from disk only: `/static/…` and `/media/…` URLs map to files, `data:` URIs
are allowed, anything else (other hosts, other files) is refused, so a document can never make
the server fetch a URL.

WeasyPrint holds on to memory over many renders: heavy PDF work belongs in Celery workers run
with `--max-tasks-per-child`. The font set-up is cached per thread (it is costly to build and
not meant to be shared between threads); nothing else is kept between calls.

A process's first document pays WeasyPrint's start-up (its imports, fontconfig, Pango, the font
faces: over a second) and compiles its templates. `warm_on_start()` pays it when a process
starts instead (warm_up compiles every <app>/pdf/*.html template and renders a page with the fonts,
filters, QR code and signature): gunicorn's
post_worker_init (gunicorn.conf.py), Celery's worker_process_init (najiz/celery.py) and
runserver (CommonConfig.ready), with PDF_WARM_ON_START on (the default outside the tests).
"""

import atexit
import base64
import contextlib
import datetime
import gc
import io
import logging
import re
import threading
import time
import unicodedata
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join

from . import signing

logger = logging.getLogger(__name__)

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FACES = [
    # (family, file, weight)
    ("Najiz Latin", "NotoSans-Regular.ttf", "normal"),
    ("Najiz Latin", "NotoSans-Bold.ttf", "bold"),
    ("Najiz Arabic", "NotoSansArabic-Regular.ttf", "normal"),
    ("Najiz Arabic", "NotoSansArabic-Bold.ttf", "bold"),
]
# Latin first: its digits and punctuation; Arabic letters fall through to Noto Sans Arabic.
FONT_STACK = '"Najiz Latin", "Najiz Arabic"'
# Every document's styles (page, header, footer, tables), parsed once per thread with the fonts.
DOCUMENT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"

_local = threading.local()


@atexit.register
def _drop_thread_tools():
    """Free the main thread's font set-up before the interpreter tears modules down."""
    _local.__dict__.pop("tools", None)


def font_face_css() -> str:
    """The @font-face rules of the vendored fonts, as file:// URLs."""
    rules = [
        f'@font-face {{ font-family: "{family}"; src: url("{(FONT_DIR / name).as_uri()}") format("truetype"); '
        f"font-weight: {weight}; font-style: normal; }}"
        for family, name, weight in FONT_FACES
    ]
    rules.append(f"html {{ font-family: {FONT_STACK}; }}")
    rules.append(f"@page {{ font-family: {FONT_STACK}; }}")
    return "\n".join(rules)


def _allowed_file_roots() -> list[Path]:
    roots = [FONT_DIR, Path(settings.BASE_DIR) / "static"]
    roots += [Path(str(directory)) for directory in getattr(settings, "STATICFILES_DIRS", [])]
    for name in ("STATIC_ROOT", "MEDIA_ROOT"):
        if getattr(settings, name, None):
            roots.append(Path(str(getattr(settings, name))))
    return [root.resolve() for root in roots]


def local_path(url: str) -> Path | None:
    """The file a document resource URL stands for, or None when it is not a local resource."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    try:
        if parts.scheme == "file":
            candidate = Path(url2pathname(parts.path)).resolve()
            if any(candidate.is_relative_to(root) for root in _allowed_file_roots()):
                return candidate if candidate.is_file() else None
            return None
        if parts.scheme in ("http", "https"):
            static_prefix = urlsplit(settings.STATIC_URL).path
            media_prefix = urlsplit(settings.MEDIA_URL).path if settings.MEDIA_URL else None
            if static_prefix and path.startswith(static_prefix):
                relative = path[len(static_prefix):]
                found = finders.find(relative)
                if not found and settings.STATIC_ROOT:
                    found = safe_join(str(settings.STATIC_ROOT), relative)
                return Path(found) if found and Path(found).is_file() else None
            if media_prefix and path.startswith(media_prefix):
                found = Path(safe_join(str(settings.MEDIA_ROOT), path[len(media_prefix):]))
                return found if found.is_file() else None
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves data: URIs and local static/media/font files; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path(url)
            if path is None:
                raise ValueError(f"resource not allowed in a PDF: {url}")
            return super().fetch(path.as_uri(), headers)

    return LocalOnlyFetcher


_SIZED_ARRAY = re.compile(r"(\w+)\[\d+\]")


class _OpenArrayFFI:
    """WeasyPrint's cffi handle for its font subsetting, with `new("T[n]", items)` made as
    `new("T[]", items)`: the same array, but cffi parses each distinct type string with pycparser
    (about 5 ms) and WeasyPrint names a new length, the document's glyph count, for nearly every
    font of every document. The open type is parsed once per process."""

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        match = _SIZED_ARRAY.fullmatch(cdecl) if init is not None else None
        if match:
            return self._ffi.new(f"{match.group(1)}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


def _open_font_arrays() -> None:
    from weasyprint.pdf import fonts

    if not isinstance(fonts.ffi, _OpenArrayFFI):
        fonts.ffi = _OpenArrayFFI(fonts.ffi)


def _tools():
    """(font configuration, stylesheet, URL fetcher) for this thread, built once. The stylesheet
    (the fonts' @font-face rules and static/css/pdf.css) is parsed and its selectors compiled
    here, not in every render; it is a user stylesheet, so a template's own <style> wins over it."""
    tools = getattr(_local, "tools", None)
    if tools is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _open_font_arrays()
        fetcher = _fetcher_class()()
        font_config = FontConfiguration()
        css = font_face_css() + "\n" + DOCUMENT_CSS.read_text(encoding="utf-8")
        stylesheet = CSS(string=css, font_config=font_config, url_fetcher=fetcher)
        tools = _local.tools = (font_config, stylesheet, fetcher)
    return tools


@contextlib.contextmanager
def _young_garbage_only():
    """A render makes hundreds of thousands of short-lived layout boxes. Left to itself, the
    collector then runs a full pass over the whole process's heap about every tenth document
    (over 100 ms in a web worker, more than the render). Paused during the render, the boxes are
    collected right after it from the young generations alone, which costs a few milliseconds."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)
        if enabled:
            gc.enable()


def render_pdf_html(html: str, *, base_url: str | None = None, sign: bool = True) -> bytes:
    """Turn an HTML document into PDF bytes with the portal's fonts, signed unless `sign` is off.
    `<meta name="najiz-document">` goes into the PDF's metadata (custom_metadata)."""
    from weasyprint import HTML

    font_config, stylesheet, fetcher = _tools()
    with _young_garbage_only():
        document = HTML(string=html, base_url=base_url or settings.SITE_URL, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[stylesheet], font_config=font_config, custom_metadata=True)
        return signing.sign(pdf) if sign else pdf


def render_pdf(
    template_name: str, context: dict | None = None, *, request=None, lang: str | None = None,
    document: str = "",
) -> bytes:
    """Render a template (usually extending common/pdf/base.html) to signed PDF bytes.

    `lang` ("ar" or "en") picks the document language; without it the request's language,
    else the active one. Arabic documents are right-to-left. `document` is the stamp
    (documents.stamp) an uploaded copy is recognised by.

    The template sees only `context`: the request gives the language, not the context
    processors (a page's acting_as, messages, clock bar: queries no document prints).
    """
    if lang is None and request is not None:
        lang = getattr(request, "LANGUAGE_CODE", None)
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(lang):
        context = {
            **(context or {}),
            "pdf_lang": translation.get_language(),
            "pdf_rtl": translation.get_language_bidi(),
            "pdf_document": document,
        }
        html = render_to_string(template_name, context)
    return render_pdf_html(html)


WARM_UP_TEMPLATE = "common/pdf/warm_up.html"
# Made-up values for the warm-up's amount and date filters (never a customer's).
WARM_UP_CONTEXT = {"amount": Decimal("1234.50"), "moment": datetime.datetime(2024, 3, 11, 9, 30, tzinfo=datetime.UTC),
                   "day": datetime.date(2024, 3, 11)}


def document_templates() -> list[str]:
    """The names of every document template: `<app>/pdf/*.html` in each template directory."""
    from django.template import engines
    from django.template.utils import get_app_template_dirs

    directories = [Path(str(d)) for d in engines["django"].engine.dirs] + list(get_app_template_dirs("templates"))
    return sorted({
        path.relative_to(directory).as_posix()
        for directory in directories for path in Path(directory).glob("*/pdf/*.html")
    })


def warm_up() -> bytes:
    """Compile every document template (kept by the cached template loader), then render a
    one-page document with the portal's fonts (both scripts, both weights), base stylesheet,
    filters (amount, both calendars, QR code) and signature, in this thread; the process's later
    documents start warm."""
    from django.template.loader import get_template

    for name in document_templates():
        get_template(name)
    return render_pdf(WARM_UP_TEMPLATE, WARM_UP_CONTEXT, lang="ar")


def warm_on_start() -> bool:
    """warm_up() if PDF_WARM_ON_START is on; a failure is logged, never raised (a process that
    cannot warm up still serves, its first document is only slower)."""
    if not getattr(settings, "PDF_WARM_ON_START", False):
        return False
    started = time.perf_counter()
    try:
        warm_up()
    except Exception:
        logger.warning("PDF warm-up failed; the first document will be slow", exc_info=True)
        return False
    logger.info("PDF warm-up done in %.2f s", time.perf_counter() - started)
    return True


def runserver_serving(argv, environ) -> bool:
    """True in the process of `manage.py runserver` that serves requests (the autoreloader's
    child, or the only process with --noreload); false for every other command."""
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\"*:<>?|;]+')


def _safe_filename(filename: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", str(filename or "")).strip(" ._") or "document"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def content_disposition(filename: str, *, inline: bool = True) -> str:
    """An RFC 6266 Content-Disposition value: an ASCII `filename` plus a UTF-8 `filename*`."""
    name = _safe_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]+", "_", ascii_name)
    stem = ascii_name[: -len(".pdf")].strip(" ._")
    ascii_name = f"{stem or 'document'}.pdf"
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HttpResponse carrying a PDF, shown in the browser (inline) or downloaded."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(pdf_bytes))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def qr_modules(data: str, *, border: int = 2) -> list[list[bool]]:
    """The QR code of `data` (error correction M) as rows of modules, dark True, border included."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(data: str, *, border: int = 2) -> str:
    """An inline <svg> QR code of `data` (e.g. a verification URL), for HTML or PDF templates: one
    path, a rectangle per horizontal run of dark modules. (A square per module, as qrcode's own
    SVG writes it, is three times the path, and parsing it was a tenth of a PDF's render.)"""
    rows = qr_modules(data, border=border)
    size, runs = len(rows), []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
    return (f'<svg width="{size}mm" height="{size}mm" version="1.1" viewBox="0 0 {size} {size}" '
            f'xmlns="http://www.w3.org/2000/svg"><path d="{"".join(runs)}" fill="#000000" stroke="none"/></svg>')


def qr_png(data: str, *, border: int = 2) -> bytes:
    """The QR code of `data` as a 1-bit PNG, one pixel per module, for PDFs. WeasyPrint places an
    image at once, where an <svg> is parsed and drawn path by path (a fifth of an order's render);
    the image is shown without smoothing (image-rendering: pixelated), so its modules stay sharp."""
    from PIL import Image

    rows = qr_modules(data, border=border)
    image = Image.new("1", (len(rows), len(rows)), 1)
    image.putdata([0 if dark else 1 for row in rows for dark in row])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def qr_img(data: str, **options) -> str:
    """An <img> of the QR code of `data` as a PNG data: URI (only base64 in the markup)."""
    encoded = base64.b64encode(qr_png(data, **options)).decode("ascii")
    return f'<img class="pdf-qr__code" alt="" src="data:image/png;base64,{encoded}">'


def qr_data_uri(data: str, **options) -> str:
    """The same QR code as a data: URI, for <img src="…">."""
    encoded = base64.b64encode(qr_svg(data, **options).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"

