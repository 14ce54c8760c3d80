"""Each audit rule on its own: a clean snapshot passes everything; one fault fails one rule."""

import copy

import pytest

from enforcement import rules

CREDITOR = {"kind": "person", "id": "1000000008"}
DEBTOR = {"kind": "person", "id": "1000000016"}


def clean_inputs():
    return {
        "request": {"amount": "5000.00", "creditor": CREDITOR, "debtors": [{**DEBTOR, "in_registry": True}]},
        "instrument": {
            "number": "INS-1", "kind": "cheque", "status": "valid", "amount": "8000.00", "due_date": "2026-01-01",
            "creditor": CREDITOR, "debtors": [DEBTOR],
        },
        "claimed_before": "0.00",
        "other_open_requests": [],
        "today": "2026-11-26",
        "iban": {"valid": True, "holder": CREDITOR},
    }


def failed_ids(inputs):
    return [r.id for r in rules.run_audit(inputs) if r.passed is False]


def test_clean_request_passes_every_rule():
    results = rules.run_audit(clean_inputs())
    assert [r.passed for r in results] == [True] * len(rules.AUDIT_RULES)


def _with(path, value):
    inputs = clean_inputs()
    target = inputs
    *parents, last = path
    for key in parents:
        target = target[key]
    target[last] = value
    return inputs


CASES = {
    "instrument_valid/cancelled": (("instrument", "status"), "cancelled", "instrument_valid"),
    "instrument_valid/executed": (("instrument", "status"), "executed", "instrument_valid"),
    "execution_instrument": (("instrument", "kind"), "ordinary_contract", "execution_instrument"),
    "creditor_matches": (("instrument", "creditor"), {"kind": "person", "id": "1000000024"}, "creditor_matches"),
    "debtors_on_instrument": (
        ("instrument", "debtors"),
        [{"kind": "person", "id": "1000000032"}],
        "debtors_on_instrument",
    ),
    "debtors_exist": (("request", "debtors"), [{**DEBTOR, "in_registry": False}], "debtors_exist"),
    "amount_positive": (("request", "amount"), "0.00", "amount_positive"),
    "amount_within_remaining": (("claimed_before",), "4000.00", "amount_within_remaining"),
    "no_open_request": (("other_open_requests",), ["EN-2026-000001"], "no_open_request"),
    "instrument_due": (("instrument", "due_date"), "2027-01-01", "instrument_due"),
    "iban_held_by_creditor": (("iban", "holder"), {"kind": "person", "id": "1000000024"}, "iban_held_by_creditor"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_one_fault_fails_exactly_its_rule(case):
    path, value, rule_id = CASES[case]
    assert failed_ids(_with(path, value)) == [rule_id]


def test_invalid_iban_fails_only_the_iban_rule_and_skips_the_holder_check():
    results = {r.id: r.passed for r in rules.run_audit(_with(("iban",), {"valid": False, "holder": None}))}
    assert [k for k, v in results.items() if v is False] == ["iban_valid"]
    assert results["iban_held_by_creditor"] is None


def test_missing_instrument_fails_once_and_marks_dependent_rules_not_applicable():
    results = {r.id: r.passed for r in rules.run_audit(_with(("instrument",), None))}
    assert [k for k, v in results.items() if v is False] == ["instrument_exists"]
    assert results["creditor_matches"] is None and results["amount_within_remaining"] is None


def test_messages_are_recorded_in_both_languages():
    result = rules.amount_within_remaining(_with(("claimed_before",), "4000.00"))
    assert "SAR 4,000.00" in result.message_en and "4,000.00 ر.س" in result.message_ar
    assert result.message_en.startswith("The amount claimed exceeds")
    assert result.message_ar != result.message_en


def test_rules_never_change_their_inputs():
    inputs = clean_inputs()
    before = copy.deepcopy(inputs)
    rules.run_audit(inputs)
    assert inputs == before
