"""Supervision and the business linkage reach the case apps through their services, selectors
and validators, never their models or their HTML forms (docs/architecture.md, the layer rule)."""

import ast
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
CASE_APPS = {"enforcement", "conveyance", "einstruments"}
INTERNALS = {"models", "forms"}


def internals_imported(source: str) -> set[str]:
    """The case apps whose models or forms the module imports, anywhere in it (in functions too)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            app, _dot, rest = module.partition(".")
            if app in CASE_APPS and rest.partition(".")[0] in INTERNALS:
                found.add(app)
    return found


def test_the_scan_finds_every_way_of_importing_models_or_forms():
    assert internals_imported("from enforcement.models import Circuit") == {"enforcement"}
    assert internals_imported("def f():\n    import conveyance.models as m") == {"conveyance"}
    assert internals_imported("from einstruments import models") == {"einstruments"}
    assert internals_imported("def f():\n    from enforcement.forms import FilingForm") == {"enforcement"}
    assert (
        internals_imported(
            "from enforcement import selectors\nfrom enforcement.states import Status\nfrom .models import X"
        )
        == set()
    )


@pytest.mark.parametrize("app", ["supervision", "linkage"])
def test_no_module_imports_a_case_apps_models_or_forms(app):
    offenders = {
        str(path.relative_to(BASE)): sorted(apps)
        for path in sorted((BASE / app).rglob("*.py"))
        if "migrations" not in path.parts and (apps := internals_imported(path.read_text(encoding="utf-8")) - {app})
    }
    assert offenders == {}
