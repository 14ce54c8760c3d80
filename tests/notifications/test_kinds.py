"""Every app registers its notification kinds one way: from its AppConfig.ready() (notifications/kinds.py)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from notifications import kinds

BASE = Path(__file__).resolve().parent.parent.parent


def _kinds_of_the_apps() -> set[str]:
    import conveyance.alerts  # noqa: F401
    import einstruments.alerts  # noqa: F401
    import enforcement.alerts  # noqa: F401

    return {kind for kind in kinds.known_kinds() if not kind.startswith("tests.")}


def test_every_kind_is_registered_once_django_is_set_up():
    # A fresh process that only sets Django up: no view, service or task has been imported yet.
    code = "import django; django.setup(); from notifications import kinds; print(*sorted(kinds.known_kinds()))"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env={**os.environ, "DJANGO_SETTINGS_MODULE": "najiz.settings"},
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    expected = _kinds_of_the_apps()
    assert {"enforcement.order_issued", "conveyance.completed", "einstruments.acceptance_needed"} <= expected
    assert set(run.stdout.split()) == expected


def _registers_on_import(path: Path) -> bool:
    """A call of kinds.register outside any function: run when the module is imported."""
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for node in ast.walk(statement):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "kinds"):
                return True
    return False


def test_no_module_registers_kinds_when_imported():
    apps = [path.parent for path in BASE.glob("*/apps.py")] + [path.parent for path in BASE.glob("najiz/*/apps.py")]
    offenders = [
        str(path.relative_to(BASE)) for app in apps for path in app.rglob("*.py") if _registers_on_import(path)
    ]
    assert offenders == []
