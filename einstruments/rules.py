"""What may be done to a note, as small named checks.

Issuing a note: each rule a function of the facts einstruments.issuance gathers (never a query),
returning a RuleResult; the issue service refuses on the first that fails, and the pre-check runs
them all while the form is typed. Every rule is a hard refusal: an e-note is the debtor's own
promise, with no judge to review it, so nothing is issued while one fails.

A note already issued: each check returns None when allowed, or the reason (translatable) it is
refused. Services run them under the note's row lock.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from najiz.casefile.rules import RuleResult, failed, result
from najiz.common import clock
from najiz.common.money import to_sar

from .states import Status

# --- issuing a note -------------------------------------------------------------------------


def _same(a, b) -> bool:
    return a is not None and b is not None and (a["kind"], a["id"]) == (b["kind"], b["id"])


def issuer_found(facts) -> RuleResult:
    if facts["debtor"]:
        return result("issuer_found", True, _("The debtor is found in the registries."))
    return result("issuer_found", False, _("You are not found in the civil registry."))


def creditor_found(facts) -> RuleResult:
    if facts["creditor"]:
        return result("creditor_found", True, _("The creditor is found in the registries."))
    return result("creditor_found", False, _("No person or entity with this number is found in the registries."))


def creditor_not_debtor(facts) -> RuleResult:
    if not facts["creditor"] or not facts["debtor"]:
        return result("creditor_not_debtor", None, _("Not checked: the creditor was not found."))
    if _same(facts["creditor"], facts["debtor"]):
        return result("creditor_not_debtor", False, _("You cannot issue a note to yourself."))
    return result("creditor_not_debtor", True, _("The creditor is someone other than the debtor."))


def guarantor_found(facts) -> RuleResult:
    if not facts["guarantor_named"]:
        return result("guarantor_found", None, _("No guarantor is named."))
    if facts["guarantor"]:
        return result("guarantor_found", True, _("The guarantor is found in the civil registry."))
    return result("guarantor_found", False, _("No person with this ID is found in the civil registry."))


def guarantor_not_debtor(facts) -> RuleResult:
    if not facts["guarantor"]:
        return result("guarantor_not_debtor", None, _("No guarantor is named."))
    if _same(facts["guarantor"], facts["debtor"]):
        return result("guarantor_not_debtor", False, _("The debtor cannot guarantee their own note."))
    return result("guarantor_not_debtor", True, _("The guarantor is someone other than the debtor."))


def guarantor_not_creditor(facts) -> RuleResult:
    if not facts["guarantor"]:
        return result("guarantor_not_creditor", None, _("No guarantor is named."))
    if _same(facts["guarantor"], facts["creditor"]):
        return result("guarantor_not_creditor", False, _("The guarantor must be someone other than the creditor."))
    return result("guarantor_not_creditor", True, _("The guarantor is someone other than the creditor."))


def amount_positive(facts) -> RuleResult:
    if facts["amount"] is not None and to_sar(facts["amount"]) > 0:
        return result("amount_positive", True, _("The amount is more than zero."))
    return result("amount_positive", False, _("The amount must be more than zero."))


def due_date_not_past(facts) -> RuleResult:
    if not facts["due_date"]:
        return result("due_date_not_past", None, _("Not checked: no due date is given."))
    if date.fromisoformat(facts["due_date"]) < date.fromisoformat(facts["today"]):
        return result("due_date_not_past", False, _("The due date cannot be in the past."))
    return result("due_date_not_past", True, _("The due date is not in the past."))


ISSUE_RULES = (
    issuer_found,
    creditor_found,
    creditor_not_debtor,
    guarantor_found,
    guarantor_not_debtor,
    guarantor_not_creditor,
    amount_positive,
    due_date_not_past,
)


def run_issue(facts) -> list[RuleResult]:
    """Every issue rule, all run, in order."""
    return [rule(facts) for rule in ISSUE_RULES]


def issue_refusal(facts) -> RuleResult | None:
    """The first issue rule that fails, or None when the note may be issued."""
    failing = failed(run_issue(facts))
    return failing[0] if failing else None


# --- a note already issued ------------------------------------------------------------------


def can_confirm(note):
    if note.status != Status.AWAITING_CONFIRMATION:
        return _("This note no longer waits for the debtor's confirmation.")
    return None


def can_answer(note):
    if note.status != Status.AWAITING_ACCEPTANCE:
        return _("This note does not wait for acceptance.")
    return None


def can_cancel(note):
    if note.status not in (Status.AWAITING_CONFIRMATION, Status.AWAITING_ACCEPTANCE):
        return _("Only a note not yet registered can be cancelled.")
    return None


def is_active(note):
    if note.status == Status.UNDER_ENFORCEMENT:
        return _("The note is under enforcement: it is settled only through the enforcement request.")
    if note.status != Status.ACTIVE:
        return _("The note is not active.")
    return None


def can_pay(note):
    return is_active(note)


def can_certify_paid(note):
    return is_active(note)


def can_endorse(note, new_holder=None):
    refusal = is_active(note)
    if refusal:
        return refusal
    if note.endorsements.filter(state="pending").exists():
        return _("An endorsement of this note is already waiting for the new holder.")
    if new_holder is not None:
        if new_holder == note.holder:
            return _("The note is already held by this person.")
        if new_holder == note.debtor:
            return _("A note cannot be endorsed to its debtor.")
    return None


def past_due(note):
    if clock.today() <= note.due_date:
        return _("The note is not past its due date yet.")
    return None


def can_enforce(note):
    return is_active(note) or past_due(note)
