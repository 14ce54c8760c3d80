"""Every audit rule that can fail before a request is filed, as a case the pre-check must flag: on
the web form (tests/enforcement/test_precheck_blockers.py) and through the API
(tests/linkage/test_check.py). Each case changes the world or the filing and names the rules
that fail, the field the first speaks of, and its words (English).

A world is what both suites build: `instrument` (the creditor's, due, 8000.00), `debtor`,
`someone_elses_iban`, `claim_first(amount)` (a request on the instrument filed and audited),
`switch_creditor()` (the instrument's creditor becomes another party the filer may still see:
the entity a person represents, or the representative of an entity).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from najiz.common import clock
from tests.factories import registries as factories


@dataclass(frozen=True)
class Blocker:
    id: str
    failing: frozenset  # every rule that fails
    field: str
    words: str
    make: Callable  # world -> the filing's fields that change


def _instrument(**fields):
    def make(world):
        for name, value in fields.items():
            setattr(world.instrument, name, value)
        world.instrument.save()
        return {}

    return make


def _due_later(world):
    world.instrument.due_date = clock.today() + timedelta(days=10)
    world.instrument.save()
    return {}


def _switch_creditor(world):
    world.switch_creditor()
    return {}


def _claimed_first(world):
    world.claim_first("5000.00")
    return {"amount": "3000.00"}


BLOCKERS = [
    Blocker("unknown instrument", frozenset({"instrument_exists"}), "instrument_number",
            "No instrument with this number is registered.", lambda world: {"instrument_number": "NOPE-404"}),
    Blocker("cancelled instrument", frozenset({"instrument_valid"}), "instrument_number",
            "The instrument has been cancelled.", _instrument(status="cancelled")),
    Blocker("executed instrument", frozenset({"instrument_valid"}), "instrument_number",
            "The instrument has already been executed.", _instrument(status="executed")),
    Blocker("not an execution instrument", frozenset({"execution_instrument"}), "instrument_number",
            "This kind of document is not an execution instrument.", _instrument(kind="ordinary_contract")),
    Blocker("filer not the creditor named", frozenset({"creditor_matches"}), "instrument_number",
            "The applicant is not the creditor named in the instrument.", _switch_creditor),
    Blocker("another open request", frozenset({"no_open_request"}), "instrument_number",
            "Another open enforcement request exists on this instrument", _claimed_first),
    Blocker("not due yet", frozenset({"instrument_due"}), "instrument_number", "The debt is not due yet", _due_later),
    Blocker("debtor not on the instrument", frozenset({"debtors_on_instrument"}), "debtor_ids",
            "A debtor named in the request is not a debtor on the instrument.",
            lambda world: {"debtor_ids": [factories.PersonFactory().national_id]}),
    Blocker("debtor in no registry", frozenset({"debtors_on_instrument", "debtors_exist"}), "debtor_ids",
            "A debtor is not found in the civil or commercial registry.",
            lambda world: {"debtor_ids": [factories.PersonFactory.build().national_id]}),
    Blocker("amount zero", frozenset({"amount_positive"}), "amount", "The amount claimed must be greater than zero.",
            lambda world: {"amount": "0.00"}),
    Blocker("amount above the instrument", frozenset({"amount_within_remaining"}), "amount",
            "The amount claimed exceeds what remains due on the instrument (SAR 8,000.00).",
            lambda world: {"amount": "9000.00"}),
    Blocker("iban checksum wrong", frozenset({"iban_valid"}), "iban", "The IBAN is not a valid Saudi IBAN.",
            lambda world: {"iban": "SA0000000000000000000000"}),
    Blocker("iban held by someone else", frozenset({"iban_held_by_creditor"}), "iban",
            "The IBAN is not held by the creditor.", lambda world: {"iban": world.someone_elses_iban}),
]

CASES = [pytest.param(blocker, id=blocker.id) for blocker in BLOCKERS]

