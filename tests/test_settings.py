"""The settings modes of docs/design.md §3, each checked in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "NAJIZ_TESTING", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production", "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "x" * 20,
    "ALLOWED_HOSTS": "najiz.example", "GATEWAY_SECRET": "gateway-secret",
}


def test_production_mode_passes_check_deploy(signing_key):
    run = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
        PDF_SIGNING_KEY_FILE=str(signing_key[0]), PDF_SIGNING_KEY_PASSWORD="test-signing-password",
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_production_mode_refuses_to_start_without_a_signing_key(signing_key):
    run = _manage("check", "--deploy", **PRODUCTION)
    assert run.returncode != 0 and "najiz.E007" in run.stderr
    run = _manage("check", "--deploy", **PRODUCTION, PDF_SIGNING_KEY_FILE=str(signing_key[0]),
                  PDF_SIGNING_KEY_PASSWORD="not-the-password")
    assert run.returncode != 0 and "najiz.E008" in run.stderr


def test_production_mode_refuses_to_start_without_a_secret_key():
    run = _manage("check", DJANGO_ENV="production")
    assert run.returncode != 0
    assert "SECRET_KEY" in run.stderr


def test_default_mode_is_sqlite_with_in_process_tasks():
    code = (
        "import django, os; django.setup(); from django.conf import settings; from najiz.celery import app;"
        "print(settings.DATABASES['default']['ENGINE'], app.conf.task_always_eager)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "NAJIZ_TESTING"}}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env={**clean, "DJANGO_SETTINGS_MODULE": "najiz.settings"},
        capture_output=True, text=True, timeout=60,
    )
    assert run.stdout.split() == ["django.db.backends.sqlite3", "True"], run.stderr


def test_with_services_configured_tasks_go_to_the_broker():
    code = (
        "import django; django.setup(); from django.conf import settings; from najiz.celery import app;"
        "print(settings.DATABASES['default']['ENGINE'], app.conf.task_always_eager, app.conf.broker_url)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"NAJIZ_TESTING"}}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "najiz.settings", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/najiz",
             "REDIS_URL": "redis://127.0.0.1:6379/3"},
        capture_output=True, text=True, timeout=60,
    )
    assert run.stdout.split() == ["django.db.backends.postgresql", "False", "redis://127.0.0.1:6379/3"], run.stderr


def test_make_run_serves_on_the_port_and_host_given_and_links_follow(tmp_path):
    # A stand-in python logs what `make run` asks of it; the recipe itself is the real one.
    log = tmp_path / "log"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "$* SITE_URL=$SITE_URL" >> {log}\n')
    fake.chmod(0o755)
    (tmp_path / "venv").mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    subprocess.run(
        ["make", "run", f"VENV={tmp_path / 'venv'}", f"PY={fake}", "UV=/bin/true", "PORT=8123", "HOST=0.0.0.0"],
        cwd=BASE, env=clean, capture_output=True, text=True, timeout=60, start_new_session=True,
    )
    lines = log.read_text().splitlines()
    assert "manage.py runserver 0.0.0.0:8123 SITE_URL=http://0.0.0.0:8123" in lines
    assert "manage.py seed_demo SITE_URL=http://0.0.0.0:8123" in lines


def test_development_allows_the_host_of_site_url():
    code = "import django; django.setup(); from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    clean = {k: v for k, v in os.environ.items() if k not in {"ALLOWED_HOSTS", "DJANGO_ENV"}}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "najiz.settings", "SITE_URL": "http://192.168.1.7:8123"},
        capture_output=True, text=True, timeout=60,
    )
    assert "192.168.1.7" in run.stdout, run.stderr
