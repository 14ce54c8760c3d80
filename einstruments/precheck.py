"""The pre-check of a note while the issue form is typed: the issue rules (rules.run_issue) on the
facts einstruments.issuance gathers, from the same look-ups the issue service is given. Every
failing rule is a hard refusal: the note is not issued until it is fixed.

Nothing here tells the debtor more than the form does: a number the registries do not know, or a
deceased person's, reads as not found, and a person or entity found is shown by name only.
"""

from dataclasses import dataclass

from django import forms

from najiz.casefile.rules import Check
from najiz.common.money import typed_amount_or_zero

from . import issuance, rules

FIELD_OF_RULE = {
    "issuer_found": "",
    "creditor_found": "creditor_id",
    "creditor_not_debtor": "creditor_id",
    "guarantor_found": "guarantor_id",
    "guarantor_not_debtor": "guarantor_id",
    "guarantor_not_creditor": "guarantor_id",
    "amount_positive": "amount",
    "due_date_not_past": "due_date",
}
FIELDS = ("creditor_id", "amount", "due_date", "guarantor_id")


@dataclass
class Outcome:
    checks: list
    creditor: object = None
    guarantor: object = None


def _date(value):
    try:
        return forms.DateField().to_python(str(value or "").strip()[:40])
    except (forms.ValidationError, ValueError, OverflowError):
        return None


def run(values, *, debtor) -> Outcome:
    """Every issue rule on the typed values, and the creditor and guarantor the look-ups found."""
    creditor = issuance.find_party(values.get("creditor_id"))
    guarantor_typed = issuance.clean_number(values.get("guarantor_id"))
    guarantor = issuance.find_party(guarantor_typed, entities=False) if guarantor_typed else None
    facts = issuance.facts(
        debtor=debtor, creditor=creditor, guarantor=guarantor, guarantor_named=bool(guarantor_typed),
        amount=typed_amount_or_zero(values.get("amount")), due_date=_date(values.get("due_date")),
    )
    checks = [Check(rule, FIELD_OF_RULE.get(rule.id, "")) for rule in rules.run_issue(facts)]
    return Outcome(checks, creditor, guarantor)


def typed(values) -> list[str]:
    return [""] + [name for name in FIELDS if str(values.get(name) or "").strip()]


def blockers(checks, typed_fields=("", *FIELDS)) -> list[Check]:
    """The failing checks on the fields already typed (an empty field is the form's to ask for)."""
    return [check for check in checks if check.blocks and check.field in typed_fields]


def by_field(checks) -> dict[str, list[str]]:
    out = {name: [] for name in FIELDS}
    for check in checks:
        out.setdefault(check.field or "note", []).append(check.message)
    return out
