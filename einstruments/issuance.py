"""The facts a note's issue is checked on (rules.ISSUE_RULES), as a plain snapshot. The issue
service and the pre-check while the form is typed both gather them here, from the same look-ups,
so the advice on the form and the refusal at issue cannot disagree."""

import re

from najiz.common import clock
from najiz.common.identifiers import is_valid_national_id, normalize_digits
from najiz.registries import services as registries

CR_RE = re.compile(r"^\d{10}$")


def clean_number(value) -> str:
    try:
        return normalize_digits(str(value or "")).strip()[:20]
    except Exception:
        return ""


def find_party(value, *, entities=True):
    """A living registry person (by national id / iqama) or an entity (by CR number), or None."""
    text = clean_number(value)
    if is_valid_national_id(text):
        found = registries.person(text)
        if found is not None and found.alive:
            return found
        return None
    if entities and CR_RE.fullmatch(text):
        return registries.entity(text)
    return None


def party(subject) -> dict | None:
    """{"kind", "id"} of a registry person or entity (None stays None)."""
    if subject is None:
        return None
    if getattr(subject, "cr_number", None):
        return {"kind": "entity", "id": subject.cr_number}
    return {"kind": "person", "id": subject.national_id}


def facts(*, debtor, creditor, amount, due_date, guarantor=None, guarantor_named=False) -> dict:
    """`guarantor_named`: a guarantor's id was given, whether or not the registry knows it."""
    return {
        "debtor": party(debtor),
        "creditor": party(creditor),
        "guarantor": party(guarantor),
        "guarantor_named": guarantor_named or guarantor is not None,
        "amount": None if amount is None else str(amount),
        "due_date": due_date.isoformat() if due_date else None,
        "today": clock.today().isoformat(),
    }
