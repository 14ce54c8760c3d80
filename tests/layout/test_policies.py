"""Project-wide front-end rules: no external URL, no inline script, assets vendored and served,
Arabic catalogue complete."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation.template import templatize

BASE = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "var", "node_modules", ".git", "tests", "test-artifacts"}
PROJECT_TEMPLATES = BASE / "templates"
PROJECT_CATALOGUE = BASE / "locale" / "ar" / "LC_MESSAGES" / "django.po"
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

EXTERNAL_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9][\w.-]*\.[A-Za-z]{2,}[^\s"'<>)]*""")
PROTOCOL_RELATIVE = re.compile(
    r"""(?:src|href|action|srcset|data|poster|formaction)\s*=\s*["']?\s*//|url\(\s*["']?\s*//|@import\s+["']//""", re.I
)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
INLINE_HANDLER = re.compile(r"""\s(?:on[a-z]+|hx-on[:\-][\w:\-]*|data-hx-on[:\-][\w:\-]*)\s*=""", re.I)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)


def _walk(root: Path, suffixes):
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(BASE)
        if rel.parts and rel.parts[0] in SKIP_DIRS:
            continue
        if any(part in {"vendor", "node_modules", "__pycache__"} for part in rel.parts):
            continue
        if path.is_file() and path.suffix in suffixes:
            yield path


def all_templates():
    """Every HTML template of the project: templates/ and each app's templates/."""
    seen = []
    for path in _walk(BASE, {".html", ".txt", ".xml", ".svg"}):
        rel = path.relative_to(BASE)
        if "templates" in rel.parts:
            seen.append(path)
    return seen


def all_static():
    return [p for p in _walk(BASE, {".css", ".js", ".svg"}) if "static" in p.relative_to(BASE).parts]


def external_urls(text):
    found = []
    for match in EXTERNAL_URL.finditer(text):
        url = match.group(0)
        if not url.startswith(("http://", "https://")):
            continue  # a bare "//host.tld" is caught by PROTOCOL_RELATIVE where it matters
        if url.rstrip("/") in ALLOWED_URLS:
            continue
        found.append(url)
    found += [m.group(0) for m in PROTOCOL_RELATIVE.finditer(text)]
    return found


def test_the_scans_see_the_project_files():
    names = {p.relative_to(BASE).as_posix() for p in all_templates()}
    assert "templates/base.html" in names
    assert "templates/components/field.html" in names
    statics = {p.relative_to(BASE).as_posix() for p in all_static()}
    assert "static/css/najiz.css" in statics
    assert "static/js/najiz.js" in statics
    assert not any("/vendor/" in name for name in statics)


def test_the_url_scan_catches_what_it_should():
    assert external_urls('<script src="https://cdn.example.com/x.js"></script>')
    assert external_urls('<link href="//fonts.example.com/a.css">')
    assert external_urls("body { background: url(//cdn.example.com/a.png) }")
    assert not external_urls('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert not external_urls("// a comment in JavaScript\nvar a = 1; // another")


@pytest.mark.parametrize("kind", ["templates", "static"])
def test_no_external_url(kind):
    files = all_templates() if kind == "templates" else all_static()
    offenders = {}
    for path in files:
        urls = external_urls(path.read_text(encoding="utf-8"))
        if urls:
            offenders[path.relative_to(BASE).as_posix()] = urls
    assert not offenders, f"external URLs (vendor the asset under static/ instead): {offenders}"


def test_no_inline_script_or_event_handler_in_templates():
    offenders = {}
    for path in all_templates():
        text = path.read_text(encoding="utf-8")
        problems = [m.group(0) for m in INLINE_SCRIPT.finditer(text)]
        for tag in TAG.findall(text):
            if INLINE_HANDLER.search(tag) or re.search(r"""=\s*["']\s*javascript:""", tag, re.I):
                problems.append(tag[:120])
        is_pdf = "pdf" in path.relative_to(BASE).parts  # WeasyPrint documents, never served as pages
        if re.search(r"<style\b", text, re.I) and path.suffix == ".html" and not is_pdf:
            problems.append("<style> block")
        if problems:
            offenders[path.relative_to(BASE).as_posix()] = problems
    assert not offenders, f"inline scripts / handlers (move them to static/js/): {offenders}"


def test_no_inline_style_attribute_in_project_templates():
    offenders = [
        p.relative_to(BASE).as_posix()
        for p in _walk(PROJECT_TEMPLATES, {".html"})
        if re.search(r"<[a-zA-Z][^<>]*\sstyle\s*=", p.read_text(encoding="utf-8"))
    ]
    assert not offenders


@pytest.mark.parametrize(
    "asset",
    [
        "css/najiz.css",
        "js/najiz.js",
        "vendor/htmx/htmx-2.0.9.min.js",
        "img/najiz-emblem.svg",
        "img/pattern.svg",
        "fonts/NotoSansArabic-Regular.ttf",
        "fonts/NotoSansArabic-Bold.ttf",
        "fonts/NotoSans-Regular.ttf",
        "fonts/NotoSans-Bold.ttf",
    ],
)
def test_static_asset_is_found(asset):
    assert finders.find(asset), asset


def test_stylesheet_references_only_existing_files():
    css = (BASE / "static" / "css" / "najiz.css").read_text(encoding="utf-8")
    refs = re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css)
    assert refs
    for ref in refs:
        assert (BASE / "static" / "css" / ref).resolve().is_file(), ref
    for family in ('"Noto Sans Arabic"', '"Noto Sans"'):
        assert f"font-family: {family};" in css


@pytest.mark.django_db
def test_static_files_are_served(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    html = client.get("/").content.decode()
    assets = re.findall(r"""(?:href|src)="(/static/[^"]+)\"""", html)
    assert "/static/css/najiz.css" in assets
    for asset in set(assets):
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()


STRING = r"""u?('(?:[^'\\]|\\.)*')"""


def _template_msgids(path: Path):
    """(context, msgid) of every {% translate %} / {% blocktranslate %} in a template."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for literal in re.findall(rf"\bgettext\({STRING}\)", source):
        yield None, ast.literal_eval(literal)
    for context, literal in re.findall(rf"\bpgettext\({STRING},\s*{STRING}\)", source):
        yield ast.literal_eval(context), ast.literal_eval(literal)


def test_project_catalogue_covers_every_template_string():
    catalogue = polib.pofile(str(PROJECT_CATALOGUE))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    missing = {}
    for path in _walk(PROJECT_TEMPLATES, {".html", ".txt"}):
        lost = [key for key in _template_msgids(path) if key not in known]
        if lost:
            missing[path.relative_to(BASE).as_posix()] = lost
    assert not missing, f"run makemessages for the project catalogue: {missing}"


def test_project_catalogue_is_fully_translated_and_compiled():
    catalogue = polib.pofile(str(PROJECT_CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    compiled = polib.mofile(str(PROJECT_CATALOGUE.with_suffix(".mo")))
    compiled_ids = {entry.msgid for entry in compiled}
    assert {entry.msgid for entry in catalogue.translated_entries()} <= compiled_ids, "run compilemessages"
    with translation.override("ar"):
        assert translation.gettext("Please correct the following") == "يرجى تصحيح ما يلي"
        assert translation.gettext("My deeds") == "صكوكي"
        assert translation.pgettext("pagination", "Next") == "التالية"


def test_template_string_extraction_sees_contexts():
    found = set(_template_msgids(PROJECT_TEMPLATES / "components" / "pagination.html"))
    assert ("pagination", "Next") in found
    assert (None, "Page %(number)s of %(total)s") in found
