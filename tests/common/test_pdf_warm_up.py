"""WeasyPrint is warmed when a web or worker process starts (najiz.common.pdf.warm_up): the
warm-up renders, each kind of process calls it, and the tests and other commands never pay it.
How fast the first real document is then belongs in `make bench`, not here."""

import logging
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from celery.signals import worker_process_init

from najiz.common import pdf

BASE = Path(__file__).resolve().parents[2]


@pytest.fixture
def calls(monkeypatch):
    """Replace warm_up with a recorder."""
    made = []
    monkeypatch.setattr(pdf, "warm_up", lambda: made.append("warm") or b"%PDF-")
    return made


def test_the_warm_up_renders_a_document_with_the_portals_fonts(monkeypatch):
    monkeypatch.delattr(pdf._local, "tools", raising=False)
    document = pdf.warm_up()
    assert document.startswith(b"%PDF-")
    assert getattr(pdf._local, "tools", None) is not None  # this thread's font set-up is built
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", "-"], input=document, capture_output=True, check=True).stdout.decode()
        names = {line.split()[0].split("+", 1)[-1] for line in fonts.splitlines()[2:] if line.strip()}
        assert names == {
            "Najiz-Latin",
            "Najiz-Latin-Bold",
            "Najiz-Arabic",
            "Najiz-Arabic-Bold",
        }  # every face, no fallback


def test_the_warm_up_compiles_every_document_template(monkeypatch):
    from django.template import engines
    from django.template.loaders import cached, filesystem

    engine = engines["django"].engine
    assert isinstance(engine.template_loaders[0], cached.Loader)
    engine.template_loaders[0].reset()
    pdf.warm_up()
    names = pdf.document_templates()
    assert {"enforcement/pdf/order.html", "enforcement/pdf/_circuit.html", "payments/pdf/invoice.html",
            "conveyance/pdf/deed.html", "common/pdf/_verification_line.html"} <= set(names)

    def refuse(loader, origin):
        raise AssertionError(f"{origin.template_name} read again after the warm-up")

    monkeypatch.setattr(filesystem.Loader, "get_contents", refuse)  # app_directories' too
    for name in names:
        engine.get_template(name)


def test_warm_on_start_follows_the_setting(settings, calls):
    settings.PDF_WARM_ON_START = False
    assert pdf.warm_on_start() is False and calls == []
    settings.PDF_WARM_ON_START = True
    assert pdf.warm_on_start() is True and calls == ["warm"]


def test_the_tests_do_not_warm_up_by_default():
    from django.conf import settings

    assert settings.PDF_WARM_ON_START is False  # NAJIZ_TESTING: no test pays the warm-up


def test_a_failed_warm_up_is_logged_not_raised(settings, monkeypatch, caplog):
    settings.PDF_WARM_ON_START = True

    def broken():
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "warm_up", broken)
    with caplog.at_level(logging.WARNING, logger="najiz.common.pdf"):
        assert pdf.warm_on_start() is False
    assert "PDF warm-up failed" in caplog.text


def test_every_celery_worker_process_warms_up(settings, calls):
    import najiz.celery  # noqa: F401  (connects the worker's signal handlers)

    settings.PDF_WARM_ON_START = True
    worker_process_init.send(sender=None)
    assert calls == ["warm"]


def test_every_gunicorn_worker_warms_up(settings, calls):
    settings.PDF_WARM_ON_START = True
    hooks = runpy.run_path(str(BASE / "gunicorn.conf.py"))
    hooks["post_worker_init"](worker=None)
    assert calls == ["warm"]


@pytest.mark.parametrize("argv, environ, serving", [
    (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),  # the autoreloader's child serves
    (["manage.py", "runserver"], {}, False),  # the autoreloader's parent only watches files
    (["manage.py", "runserver", "--noreload"], {}, True),
    (["manage.py", "migrate"], {"RUN_MAIN": "true"}, False),
    (["manage.py", "run_sweeps"], {}, False),
    (["pytest"], {}, False),
    ([], {}, False),
])
def test_runserver_warms_up_only_in_its_serving_process(argv, environ, serving):
    assert pdf.runserver_serving(argv, environ) is serving


def test_runserver_warms_up_in_the_background_when_ready(settings, calls, monkeypatch):
    from django.apps import apps

    settings.PDF_WARM_ON_START = True
    monkeypatch.setattr("sys.argv", ["manage.py", "runserver"])
    monkeypatch.setenv("RUN_MAIN", "true")
    started = []
    monkeypatch.setattr("threading.Thread.start", lambda thread: started.append(thread) or thread.run())
    apps.get_app_config("common")._warm_pdf_for_runserver()
    assert [thread.name for thread in started] == ["pdf-warm-up"] and calls == ["warm"]
    settings.PDF_WARM_ON_START = False
    apps.get_app_config("common")._warm_pdf_for_runserver()
    assert len(started) == 1
