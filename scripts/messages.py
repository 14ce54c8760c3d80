"""Regenerate the Arabic catalogues: one per app (in the app's locale/) and one for the project
(templates/ and najiz/ outside the apps, in locale/), then compile them all."""

import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
APP_DIRS = [
    "najiz/accounts", "najiz/registries", "najiz/casefile", "najiz/common",
    "supervision", "linkage", "einstruments", "demo", "operations",
    "enforcement", "conveyance", "payments", "notifications",
]
DJANGO_ADMIN = [sys.executable, "-P", "-m", "django"]  # -P: an app's selectors.py must not shadow the stdlib module
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "najiz.settings", "PYTHONPATH": str(BASE)}


def run(args, cwd):
    subprocess.run(DJANGO_ADMIN + args, cwd=cwd, env=ENV, check=True)


def main():
    ignore = [f"--ignore={d}/*" for d in APP_DIRS] + [
        "--ignore=.venv/*",
        "--ignore=var/*",
        "--ignore=tests/*",
        "--ignore=static/vendor/*",
    ]
    (BASE / "locale").mkdir(exist_ok=True)
    run(["makemessages", "-l", "ar", "--no-obsolete", *ignore], BASE)
    for app in APP_DIRS:
        path = BASE / app
        (path / "locale").mkdir(exist_ok=True)
        run(["makemessages", "-l", "ar", "--no-obsolete"], path)
    run(["compilemessages", "--ignore=.venv", "--ignore=var"], BASE)


if __name__ == "__main__":
    main()
