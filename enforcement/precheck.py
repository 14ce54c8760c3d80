"""The pre-check of a filing while it is typed: the automatic audit's own rules (rules.run_audit)
on the audit's own facts (audit.AuditFacts) for the request as typed so far, before anything is
filed. It advises; the audit after submission still decides, since a registry can change between.

Nothing here tells the filer more than the form does: an instrument that is not theirs is
treated as not registered, so its status, debtors and other requests never show.
"""


from django.core.exceptions import ValidationError

from najiz.casefile.rules import Check
from najiz.common.identifiers import normalize_digits, normalize_iban
from najiz.common.money import ZERO, typed_amount_or_zero
from najiz.registries import services as registries

from . import rules, validators
from .audit import AuditFacts
from .states import Status

# The form field each audit rule speaks of.
FIELD_OF_RULE = {
    "instrument_exists": "instrument_number",
    "instrument_valid": "instrument_number",
    "execution_instrument": "instrument_number",
    "creditor_matches": "instrument_number",
    "no_open_request": "instrument_number",
    "instrument_due": "instrument_number",
    "debtors_on_instrument": "debtor_ids",
    "debtors_exist": "debtor_ids",
    "amount_positive": "amount",
    "amount_within_remaining": "amount",
    "iban_valid": "iban",
    "iban_held_by_creditor": "iban",
}
FIELDS = ("instrument_number", "debtor_ids", "amount", "iban")


class _Debtor:
    def __init__(self, id_number):
        self.id_number = id_number
        self.party = registries.person(id_number) or registries.entity(id_number)


class _Debtors(list):
    def all(self):
        return self


class Draft:
    """A request as typed, shaped as the audit reads an EnforcementRequest (never saved). `pk` is
    the saved draft's, so the audit's facts do not count it as an earlier request."""

    number = None
    status = Status.DRAFT
    withdrawn = False

    def __init__(self, *, creditor, instrument_number, debtor_ids, amount, iban, pk=None):
        self.pk, self.creditor = pk, creditor
        self.instrument_number, self.creditor_iban, self.amount_claimed = instrument_number, iban, amount
        self.debtors = _Debtors(_Debtor(value) for value in debtor_ids)


def draft_from(values: dict, *, creditor, pk=None) -> Draft:
    """A Draft from what was typed (any junk: what no registry number can be is dropped)."""
    text = {name: validators.printable(values.get(name) or "")[:200] for name in ("instrument_number", "iban")}
    debtors = values.get("debtor_ids") or ""
    if not isinstance(debtors, str):
        debtors = " ".join(str(value) for value in debtors)
    ids = [value for value in validators.split_ids(validators.printable(debtors)[:200]) if len(value) <= 10]
    return Draft(
        creditor=creditor, pk=pk,
        instrument_number=normalize_digits(text["instrument_number"].strip())[:30],
        debtor_ids=ids[:validators.MAX_DEBTORS],
        amount=typed_amount_or_zero(values.get("amount")),
        iban=normalize_iban(text["iban"])[:34],
    )


def _visible(draft: Draft, *, person) -> bool:
    try:
        validators.instrument(draft.instrument_number, creditor=draft.creditor, person=person)
    except ValidationError:
        return False
    return True


def run(values: dict, *, person, acting_entity, pk=None) -> list[Check]:
    """Every audit rule on the typed values, each with the field it speaks of. An instrument the
    filer may not see reads as not registered."""
    creditor = acting_entity or person
    if creditor is None:
        return []
    draft = draft_from(values, creditor=creditor, pk=pk)
    inputs = AuditFacts([draft]).inputs_for(draft)
    if inputs["instrument"] is not None and not _visible(draft, person=person):
        inputs = {**inputs, "instrument": None, "claimed_before": str(ZERO), "other_open_requests": []}
    return [Check(rule, FIELD_OF_RULE.get(rule.id, "")) for rule in rules.run_audit(inputs)]


def blockers(checks, typed=FIELDS) -> list[Check]:
    """The failing checks on the fields already typed (an empty field is the form's to ask for)."""
    return [check for check in checks if check.blocks and check.field in typed]


def by_field(checks) -> dict[str, list[str]]:
    out = {name: [] for name in FIELDS}
    for check in checks:
        out.setdefault(check.field, []).append(check.message)
    return out
