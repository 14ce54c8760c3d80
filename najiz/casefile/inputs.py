"""A decision's inputs snapshot as a reader sees it: each fact under its name, each value formatted.

The snapshot is plain JSON (codes, ISO dates, amounts as strings), kept as the rules saw it. The
judges' screens show it through `readable()`: keys named in the reader's language, amounts in
SAR, dates in Hijri and Gregorian, yes / no, and codes by their labels. Apps register the labels
of their own codes, `register(values={"kind": {...}})`, and a reader for keys that are codes
themselves, `register(key_readers={"loads": circuit_name})` (in AppConfig.ready, or a module it
imports).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, pgettext_lazy

from najiz.common import dates, money
from najiz.registries.cities import City
from najiz.registries.models import Deed, Encumbrance, Instrument, PoaScope


def _key(text):
    """A fact's name, in a context of its own: "Amount" here need not read as it does elsewhere."""
    return pgettext_lazy("decision input", text)


KEYS = {
    "accounts": _key("Accounts"),
    "agent": _key("Agent"),
    "alive": _key("Alive"),
    "amount": _key("Amount"),
    "answer": _key("Answer"),
    "available": _key("Available balance"),
    "bill": _key("Bill number"),
    "buyer": _key("Buyer"),
    "by": _key("By"),
    "capacity": _key("Capacity"),
    "channels": _key("Channels"),
    "claimed_before": _key("Claimed before on the instrument"),
    "consents": _key("Consents"),
    "conveyance": _key("Conveyance"),
    "creditor": _key("Creditor"),
    "days": _key("Days"),
    "deadline": _key("Deadline"),
    "debtor_city": _key("Debtor's city"),
    "debtors": _key("Debtors"),
    "disclosure": _key("Disclosure of assets"),
    "deceased": _key("Deceased"),
    "deceased_alive": _key("The deceased is alive"),
    "deed": _key("Deed"),
    "deeds": _key("Deeds"),
    "due_date": _key("Due date"),
    "encumbrances": _key("Encumbrances"),
    "ends_at": _key("Ends at"),
    "error": _key("Error"),
    "failures": _key("Failures"),
    "fallback_to_capital": _key("Referred to the capital"),
    "filer": _key("Filer"),
    "first_failed_at": _key("First failed at"),
    "found": _key("Found"),
    "grounds": _key("Grounds"),
    "heirs": _key("Heirs"),
    "heirs_deed": _key("Heirs deed"),
    "held": _key("Held by the court"),
    "holder": _key("Holder"),
    "iban": _key("IBAN"),
    "id": _key("Identity number"),
    "id_expiry": _key("Identity expiry"),
    "id_kind": _key("Identity type"),
    "in_registry": _key("In the registries"),
    "instrument": _key("Instrument"),
    "is_electronic": _key("Electronic deed"),
    "is_updated": _key("In the updated registry"),
    "kind": _key("Kind"),
    "last_failed_at": _key("Last failed at"),
    "loads": _key("Open requests by circuit"),
    "max_price": _key("Highest price allowed"),
    "message": _key("Message"),
    "motion": _key("Motion"),
    "now": _key("At"),
    "number": _key("Number"),
    "other_open_conveyances": _key("Other open conveyances on the deed"),
    "other_open_requests": _key("Other open requests on the instrument"),
    "outstanding": _key("Outstanding"),
    "owners": _key("Owners"),
    "period_days": _key("Payment period (days)"),
    "poa": _key("Power of attorney"),
    "price": _key("Price"),
    "principal": _key("Principal"),
    "ref": _key("Reference"),
    "reference": _key("Reference"),
    "request": _key("Request"),
    "revoked": _key("Revoked"),
    "role": _key("Role"),
    "scopes": _key("Scopes"),
    "sellers": _key("Sellers"),
    "share": _key("Share"),
    "statement": _key("Statement"),
    "status": _key("Status"),
    "step": _key("Step"),
    "suspended_ref": _key("Reserved by"),
    "today": _key("Date"),
    "valid": _key("Valid"),
    "valid_from": _key("Valid from"),
    "valid_to": _key("Valid to"),
    "value": _key("Value"),
}
AMOUNTS = frozenset({"amount", "available", "claimed_before", "held", "max_price", "outstanding", "price"})
DATES = frozenset({"deadline", "due_date", "ends_at", "first_failed_at", "id_expiry", "last_failed_at", "now", "today",
                   "valid_from", "valid_to"})
SHARES = frozenset({"share"})
VALUES: dict[str, dict] = {
    "kind": {
        "person": pgettext_lazy("party", "Person"), "entity": pgettext_lazy("party", "Entity"),
        "unknown": pgettext_lazy("party", "Not found"), **dict(Instrument.Kind.choices),
        **dict(Encumbrance.Kind.choices),
    },
    "status": {**dict(Instrument.Status.choices), **dict(Deed.Status.choices)},
    "id_kind": {"citizen": _key("Citizen"), "resident": _key("Resident")},
    "scopes": dict(PoaScope.choices),
    "debtor_city": dict(City.choices),
    "city": dict(City.choices),
}
_KEY_READERS: dict = {}


def register(*, values: dict | None = None, key_readers: dict | None = None) -> None:
    for key, labels in (values or {}).items():
        VALUES.setdefault(key, {}).update(labels)
    _KEY_READERS.update(key_readers or {})


@dataclass
class Fact:
    label: str
    value: str = ""
    facts: list = field(default_factory=list)  # the parts of a fact that holds several


def readable(inputs) -> list[Fact]:
    """The snapshot as facts, in the order it was recorded."""
    return _facts(inputs or {}, None)


def _facts(mapping: dict, parent: str | None) -> list[Fact]:
    reader = _KEY_READERS.get(parent)
    rows = []
    for key, value in mapping.items():
        label = reader(key) if reader else str(KEYS.get(key, key))
        rows.append(_fact(label, key, value))
    return rows


def _fact(label: str, key: str, value) -> Fact:
    if isinstance(value, dict):
        return Fact(label, facts=_facts(value, key)) if value else Fact(label, "—")
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return Fact(label, facts=[Fact(f"{n}", facts=_facts(item, key)) for n, item in enumerate(value, 1)])
        return Fact(label, _joined([_value(key, item) for item in value]) or "—")
    return Fact(label, _value(key, value))


def _joined(values) -> str:
    return ("، " if not _english() else ", ").join(values)


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(pgettext_lazy("decision input", "Yes") if value else pgettext_lazy("decision input", "No"))
    text = str(value)
    labels = VALUES.get(key)
    if labels and text in labels:
        return str(labels[text])
    if key in AMOUNTS:
        return _amount(text)
    if key in DATES:
        return _date(text)
    if key in SHARES:
        return _share(text)
    return text


def _amount(text: str) -> str:
    try:
        return money.format_sar(Decimal(text))
    except (InvalidOperation, TypeError, ValueError):
        return text


def _date(text: str) -> str:
    try:
        when = parse_datetime(text) if "T" in text else parse_date(text)
    except ValueError:
        when = None
    if when is None:
        return text
    timed = "T" in text
    return f"{dates.format_hijri(when, with_time=timed)} — {dates.format_gregorian(when, with_time=timed)}"


def _share(text: str) -> str:
    """A share as the fraction it is ("7/24"), through the money kernel's reading of shares."""
    try:
        return money.format_share(money.share_terms(text))
    except (InvalidOperation, TypeError, ValueError, ArithmeticError):
        return text
