"""Automatic checks of the virtual enforcement court (docs/design.md §6).

Each rule is a small function of the *inputs snapshot* (plain JSON facts gathered from the
registries at the time of the step, see enforcement.audit.gather_inputs) and returns a
RuleResult. Rules never query: a stored decision can be replayed against today's rules.
Bump RULES_VERSION whenever a rule's meaning changes.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from najiz.casefile.rules import RuleResult, name_rules, result
from najiz.common.money import sar_text, to_sar

RULES_VERSION = "1"

# Instruments the Enforcement Law (Art. 9) makes directly enforceable.
EXECUTION_KINDS = frozenset(
    {"judgment", "arbitral_award", "notarised_document", "cheque", "promissory_note", "bill_of_exchange", "other_art9"}
)
NOT_APPLICABLE = _("Not checked: the instrument was not found.")

name_rules({
    "instrument_exists": _("The instrument is registered"),
    "instrument_valid": _("The instrument is in force"),
    "execution_instrument": _("An execution instrument (Art. 9)"),
    "instrument_due": _("The instrument has fallen due"),
    "creditor_matches": _("The applicant is the instrument's creditor"),
    "debtors_on_instrument": _("The debtors are named on the instrument"),
    "debtors_exist": _("The debtors are in the registries"),
    "amount_positive": _("The amount is above zero"),
    "amount_within_remaining": _("The amount is within what the instrument has left"),
    "no_open_request": _("No other open request on the instrument"),
    "iban_valid": _("A valid IBAN"),
    "iban_held_by_creditor": _("The account is the creditor's"),
    "circuit_city": _("The circuit of the debtor's city"),
    "period_lapsed": _("The payment period has lapsed"),
    "debt_outstanding": _("Something is still owed"),
    "step_failed": _("The automatic step could not be completed"),
    "order_art34": _("The execution order (Art. 34)"),
    "grace_within_maximum": _("The grace period is within the maximum"),
    "grace_ended": _("The grace period has ended"),
    "reactivated_by_creditor": _("Reactivated at the creditor's request"),
    "objection_for_the_judge": _("An objection is for the judge to decide"),
    "grace_request_for_the_judge": _("A request for a grace period is for the judge to decide"),
    "assets_are_the_debtors": _("The assets disclosed are the debtor's"),
    "limited_by_disclosure": _("The measures limited to the assets disclosed"),
    "plan_adds_up": _("The instalments add up to what is owed"),
    "plan_within_limits": _("The plan is within the number of instalments allowed"),
    "first_due_in_time": _("The first instalment falls due in time"),
    "creditor_accepted": _("The creditor accepted the plan"),
    "creditor_declined": _("The creditor declined the plan"),
    "instalment_overdue": _("An instalment is overdue"),
    "instalment_paid": _("An instalment was paid"),
    "plan_ended_by_creditor": _("The creditor ended the plan"),
})


def _instrument(inputs):
    return inputs.get("instrument")


def _party(party) -> tuple:
    """A party's identity for comparison: (kind, id), whatever else the snapshot says of it."""
    return (party["kind"], party["id"]) if party else None


def instrument_exists(inputs) -> RuleResult:
    if _instrument(inputs):
        return result("instrument_exists", True, _("The instrument is registered."))
    return result("instrument_exists", False, _("No instrument with this number is registered."))


def instrument_valid(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("instrument_valid", None, NOT_APPLICABLE)
    if instrument["status"] == "cancelled":
        return result("instrument_valid", False, _("The instrument has been cancelled."))
    if instrument["status"] == "executed":
        return result("instrument_valid", False, _("The instrument has already been executed."))
    if instrument["status"] != "valid":
        return result("instrument_valid", False, _("The instrument is not valid."))
    return result("instrument_valid", True, _("The instrument is valid."))


def execution_instrument(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("execution_instrument", None, NOT_APPLICABLE)
    if instrument["kind"] in EXECUTION_KINDS:
        return result("execution_instrument", True, _("The instrument is an execution instrument."))
    return result("execution_instrument", False, _("This kind of document is not an execution instrument."))


def creditor_matches(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("creditor_matches", None, NOT_APPLICABLE)
    if _party(inputs["request"]["creditor"]) == _party(instrument["creditor"]):
        return result("creditor_matches", True, _("The applicant is the instrument's creditor."))
    return result("creditor_matches", False, _("The applicant is not the creditor named in the instrument."))


def debtors_on_instrument(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("debtors_on_instrument", None, NOT_APPLICABLE)
    named = {_party(debtor) for debtor in inputs["request"]["debtors"]}
    if named and named <= {_party(debtor) for debtor in instrument["debtors"]}:
        return result("debtors_on_instrument", True, _("Every debtor named is a debtor on the instrument."))
    return result("debtors_on_instrument", False, _("A debtor named in the request is not a debtor on the instrument."))


def debtors_exist(inputs) -> RuleResult:
    missing = [debtor["id"] for debtor in inputs["request"]["debtors"] if not debtor.get("in_registry")]
    if inputs["request"]["debtors"] and not missing:
        return result("debtors_exist", True, _("Every debtor is found in the civil or commercial registry."))
    return result("debtors_exist", False, _("A debtor is not found in the civil or commercial registry."))


def amount_positive(inputs) -> RuleResult:
    if to_sar(inputs["request"]["amount"]) > 0:
        return result("amount_positive", True, _("The amount claimed is positive."))
    return result("amount_positive", False, _("The amount claimed must be greater than zero."))


def amount_within_remaining(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("amount_within_remaining", None, NOT_APPLICABLE)
    remaining = to_sar(instrument["amount"]) - to_sar(inputs["claimed_before"])
    if to_sar(inputs["request"]["amount"]) <= remaining:
        return result("amount_within_remaining", True, _("The amount is within what remains due on the instrument."))
    return result(
        "amount_within_remaining",
        False,
        _("The amount claimed exceeds what remains due on the instrument (%(remaining)s)."),
        remaining=sar_text(remaining),
    )


def no_open_request(inputs) -> RuleResult:
    if not inputs["other_open_requests"]:
        return result("no_open_request", True, _("No other open request exists on this instrument."))
    return result(
        "no_open_request",
        False,
        _("Another open enforcement request exists on this instrument (%(numbers)s)."),
        numbers=", ".join(inputs["other_open_requests"]),
    )


def instrument_due(inputs) -> RuleResult:
    instrument = _instrument(inputs)
    if not instrument:
        return result("instrument_due", None, NOT_APPLICABLE)
    due = instrument.get("due_date")
    if not due or date.fromisoformat(due) <= date.fromisoformat(inputs["today"]):
        return result("instrument_due", True, _("The debt is due."))
    return result("instrument_due", False, _("The debt is not due yet (due on %(due)s)."), due=due)


def iban_valid(inputs) -> RuleResult:
    if inputs["iban"]["valid"]:
        return result("iban_valid", True, _("The IBAN is a valid Saudi IBAN."))
    return result("iban_valid", False, _("The IBAN is not a valid Saudi IBAN."))


def iban_held_by_creditor(inputs) -> RuleResult:
    if not inputs["iban"]["valid"]:
        return result("iban_held_by_creditor", None, _("Not checked: the IBAN is not valid."))
    if _party(inputs["iban"]["holder"]) == _party(inputs["request"]["creditor"]):
        return result("iban_held_by_creditor", True, _("The IBAN is held by the creditor."))
    return result("iban_held_by_creditor", False, _("The IBAN is not held by the creditor."))


AUDIT_RULES = (
    instrument_exists,
    instrument_valid,
    execution_instrument,
    creditor_matches,
    debtors_on_instrument,
    debtors_exist,
    amount_positive,
    amount_within_remaining,
    no_open_request,
    instrument_due,
    iban_valid,
    iban_held_by_creditor,
)


def run_audit(inputs) -> list[RuleResult]:
    """Every audit rule, all run, in order."""
    return [rule(inputs) for rule in AUDIT_RULES]


# Reasons recorded by the referral and order steps.
REFERRAL_BY_CITY = _(
    "Referred to circuit %(circuit)s in the debtor's city, which has the fewest open requests (%(load)s)."
)
REFERRAL_FALLBACK = _(
    "No circuit sits in the debtor's city (%(city)s); referred to the capital's least-loaded circuit."
)
ORDER_ART34 = _("Execution order issued under Art. 34: pay within %(days)s days of notification.")
STEP_FAILED = _(
    "The automatic steps failed %(failures)s times on this request's data and stopped; "
    "a judge must look at it and have them run again."
)


# --- Art. 46: when the measures apply -----------------------------------------------------


def period_lapsed(inputs) -> RuleResult:
    if inputs["deadline"] and inputs["deadline"] <= inputs["now"]:
        return result("period_lapsed", True, _("The payment period after notification has lapsed."))
    return result("period_lapsed", False, _("The payment period has not lapsed yet."))


def debt_outstanding(inputs) -> RuleResult:
    if to_sar(inputs["outstanding"]) > 0:
        return result(
            "debt_outstanding",
            True,
            _("The debt is unpaid (%(amount)s outstanding)."),
            amount=sar_text(inputs["outstanding"]),
        )
    return result("debt_outstanding", False, _("Nothing is outstanding."))


def limited_by_disclosure(inputs) -> RuleResult:
    """Art. 46 presses a debtor who neither pays nor discloses enough (enforcement.disclosure)."""
    disclosure = inputs.get("disclosure")
    if not disclosure:
        return result("limited_by_disclosure", None, _("No disclosure of assets limits the measures."))
    if disclosure["covers"]:
        return result(
            "limited_by_disclosure",
            True,
            _("The assets the debtor disclosed (%(total)s) cover the debt: only they are seized."),
            total=sar_text(disclosure["total"]),
        )
    return result(
        "limited_by_disclosure",
        None,
        _("The assets the debtor disclosed no longer cover the debt (%(total)s): the measures apply in full."),
        total=sar_text(disclosure["total"]),
    )


MEASURE_RULES = (period_lapsed, debt_outstanding, limited_by_disclosure)


def run_measures(inputs) -> list[RuleResult]:
    return [rule(inputs) for rule in MEASURE_RULES]
