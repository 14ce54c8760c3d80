"""docs/states.md is the state machines of the code, drawn by scripts/states_doc.py (make docs)."""

from scripts.states_doc import DOCUMENT, machines, render


def test_the_states_document_is_the_one_the_tables_draw():
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "docs/states.md differs from the tables: run make docs"


def test_every_move_of_every_table_is_drawn():
    drawn = render().splitlines()
    for entry in machines():
        machine = entry["machine"]
        for state, targets in machine.moves.items():
            for target in targets:
                assert f"    {state} --> {target}" in drawn, (machine.name, state, target)
    assert "    rejected --> accepted" in drawn  # a judge reverses a rejection
