"""Write docs/states.md from the state machines of the code (`make docs`).

tests/casefile/test_states_doc.py renders it again and fails when the committed file differs."""

import os
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
DOCUMENT = BASE / "docs" / "states.md"

# What people see of an enforcement request other than its plain public status: the condition,
# as keyword arguments of public_status, and its words in English and Arabic.
ENFORCEMENT_CONDITIONS = [
    ({"collected": 1}, "once money is collected or certified paid", "بعد تحصيل مبلغ أو إثبات سداده"),
    ({"was_withdrawn": True}, "when the creditor withdrew it", "إذا سحبه طالب التنفيذ"),
]


def machines() -> list[dict]:
    """Each machine with its title, its module and how its public status reads (or None)."""
    from conveyance import states as conveyance
    from einstruments import states as einstruments
    from enforcement import states as enforcement

    return [
        {"title": "Enforcement request", "module": "enforcement/states.py", "machine": enforcement.MACHINE,
         "public": enforcement.public_status},
        {"title": "Conveyance", "module": "conveyance/states.py", "machine": conveyance.MACHINE, "public": None},
        {"title": "E-promissory note", "module": "einstruments/states.py", "machine": einstruments.MACHINE,
         "public": None},
    ]


def _in(language: str, text) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(text)


def diagram(machine) -> list[str]:
    states = list(machine.states)
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {states[0].value}"]
    for state in states:
        for target in states:
            if target in machine.moves.get(state, frozenset()):
                lines.append(f"    {state.value} --> {target.value}")
    for state in states:
        if state in machine.returns:
            lines.append(f"    note right of {state.value} : back to the state it was entered from")
    for state in states:
        if not machine.moves.get(state) and state not in machine.returns:
            lines.append(f"    {state.value} --> [*]")
    return [*lines, "```"]


def forced_moves(machine) -> list[str]:
    """The moves outside the table, one line per target."""
    states = list(machine.states)
    lines = []
    for target in states:
        sources = [s.value for s in states if target in machine.forced.get(s, frozenset())]
        if sources:
            lines.append(f"* {', '.join(f'`{s}`' for s in sources)} → `{target.value}`")
    return lines


def _public(public, state, language: str) -> str:
    plain = public(state)
    parts = [_in(language, plain.label)]
    for kwargs, english, arabic in ENFORCEMENT_CONDITIONS:
        other = public(state, **kwargs)
        if other != plain:
            parts.append(f"{_in(language, other.label)} {arabic if language == 'ar' else english}")
    return ("؛ " if language == "ar" else "; ").join(parts)


def table(machine, public) -> list[str]:
    head = ["State", "Status", "الحالة"]
    if public:
        head += ["Public status", "الحالة للأطراف"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for state in machine.states:
        row = [f"`{state.value}`", _in("en", state.label), _in("ar", state.label)]
        if public:
            row += [_public(public, state, "en"), _public(public, state, "ar")]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def render() -> str:
    lines = [
        "# State machines",
        "",
        "Drawn from the tables in the code by `make docs` (`scripts/states_doc.py`); do not edit by hand.",
        "`tests/casefile/test_states_doc.py` fails when this file and the tables disagree. Every move",
        "goes through the workflow kit (`najiz/casefile/workflow.py`), which checks it against the table.",
    ]
    for entry in machines():
        machine = entry["machine"]
        lines += ["", f"## {entry['title']}", "", f"`{entry['module']}`, `{machine.name}.*` events.", ""]
        lines += diagram(machine)
        forced = forced_moves(machine)
        if forced:
            lines += ["", "Moves outside the table, made only by the command that names them:", "", *forced]
        lines += ["", *table(machine, entry["public"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "najiz.settings")
    import django

    django.setup()
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT.relative_to(BASE)}")


if __name__ == "__main__":
    main()
