"""The pre-check of a conveyance while it is typed: the eligibility rules (rules.run_eligibility) on
the facts eligibility.gather_inputs gathers, for the conveyance as typed so far, before anything is
filed. It advises; the eligibility check after filing still decides.

Nothing here tells the seller more than the form does: a deed, heirs deed or power of attorney the
form would not describe to them is treated as not registered.
"""

from types import SimpleNamespace

from najiz.casefile.rules import Check
from najiz.common.identifiers import normalize_digits
from najiz.common.money import typed_amount_or_zero
from najiz.registries import services as registries

from . import rules
from .eligibility import gather_inputs
from .services import seller_side
from .states import Capacity, Kind

FIELD_OF_RULE = {
    "deed_exists": "deed_number",
    "deed_electronic": "deed_number",
    "deed_updated": "deed_number",
    "deed_active": "deed_number",
    "no_mortgage": "deed_number",
    "no_seizure": "deed_number",
    "price_positive": "price",
    "price_within_limit": "price",
    "filer_id_valid": "deed_number",
    "filer_entitled": "deed_number",
    "heirs_deed_valid": "heirs_deed_number",
    "poa_in_force": "poa_number",
    "poa_names_transfer": "poa_number",
    "sellers_valid": "deed_number",
    "sellers_hold_accounts": "deed_number",
    "buyer_individual": "buyer_id",
    "buyer_id_valid": "buyer_id",
    "buyer_alive": "buyer_id",
    "buyer_has_account": "buyer_id",
    "buyer_not_seller": "buyer_id",
    "no_other_open_conveyance": "deed_number",
}
FIELDS = ("deed_number", "heirs_deed_number", "poa_number", "buyer_id", "price")
_NO_DEED = SimpleNamespace(number="", pk=None)


class _Consents(list):
    def select_related(self, *fields):
        return self

    def order_by(self, *fields):
        return self


class Draft:
    """A conveyance as typed, shaped as eligibility.gather_inputs reads a Conveyance (never saved)."""

    number = None
    pk = None

    def __init__(self, *, capacity, deed, filer, buyer_id_number, heirs_deed, poa_number, price, share_only=False):
        self.capacity = capacity
        self.kind = Kind.HEIRS if capacity == Capacity.HEIR else Kind.SALE
        self.deed = deed or _NO_DEED
        self.deed_id = self.deed.pk
        self.filer = filer
        self.buyer_id_number = buyer_id_number
        self.buyer = registries.person(buyer_id_number)
        self.buyer_entity = None if self.buyer else registries.entity(buyer_id_number)
        self.buyer_id = self.buyer.pk if self.buyer else None
        self.buyer_entity_id = self.buyer_entity.pk if self.buyer_entity else None
        self.heirs_deed_number = heirs_deed.number if heirs_deed is not None else ""
        self.poa_number = poa_number
        self.price = price
        self.share_only = share_only
        sellers = seller_side(deed, heirs_deed) if deed is not None else []
        if share_only:  # an owner selling their share alone: only they give anything up
            sellers = [row for row in sellers if filer is not None and row[0].pk == filer.pk]
        self.consents = _Consents(
            SimpleNamespace(person=person, role=role, share=share) for person, role, share in sellers
        )


def _number(value, length) -> str:
    text = normalize_digits(str(value or "")).strip()
    return text[:length] if text.isprintable() else ""


def run(form) -> list[Check]:
    """Every eligibility rule on what the bound, validated ConveyanceForm `form` holds. The deed,
    heirs deed and power of attorney count only as the form found them for the seller."""
    if form.person is None or form.acting_entity is not None:
        return []
    capacity = form.data.get("capacity")
    capacity = capacity if capacity in Capacity.values else Capacity.OWNER
    poa_number = _number(form.data.get("poa_number"), 20) if capacity == Capacity.AGENT else ""
    draft = Draft(
        capacity=capacity, deed=form.deed, filer=form.person, buyer_id_number=_number(form.data.get("buyer_id"), 10),
        heirs_deed=form.heirs_deed if capacity == Capacity.HEIR else None,
        poa_number=poa_number, price=typed_amount_or_zero(form.data.get("price")),
        share_only=capacity == Capacity.OWNER and bool(form.cleaned_data.get("share_only")),
    )
    inputs = gather_inputs(draft)
    if capacity == Capacity.AGENT and form.poa is None:
        inputs["poa"] = {"number": poa_number, "found": False} if poa_number else None
    if capacity == Capacity.HEIR and form.heirs_deed is None:
        number = _number(form.data.get("heirs_deed_number"), 20)
        inputs["heirs_deed"] = {"number": number, "found": False} if number else None
    return [Check(rule, FIELD_OF_RULE.get(rule.id, "")) for rule in rules.run_eligibility(inputs)]


# Blockers that filing refuses outright: with one of them, confirming would file nothing, so the
# filing's own refusal is shown instead.
REFUSED_AT_FILING = frozenset({"no_other_open_conveyance"})


def needs_confirmation(blockers) -> bool:
    return bool(blockers) and not any(check.rule.id in REFUSED_AT_FILING for check in blockers)


def typed(form) -> list[str]:
    return [name for name in FIELDS if str(form.data.get(name) or "").strip()]


def blockers(checks, typed_fields=FIELDS) -> list[Check]:
    return [check for check in checks if check.blocks and check.field in typed_fields]


def by_field(checks) -> dict[str, list[str]]:
    out = {name: [] for name in FIELDS}
    for check in checks:
        out.setdefault(check.field, []).append(check.message)
    return out
