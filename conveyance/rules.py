"""Eligibility rules of the electronic conveyance (docs/design.md §7; شروط الإفراغ العقاري).

Each rule is a small function of the inputs snapshot (conveyance.eligibility.gather_inputs) and
returns a RuleResult; all are run and all are recorded. Rules never query. They run when the
seller files and again inside the transfer transaction after the buyer pays.
Bump RULES_VERSION whenever a rule's meaning changes.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from najiz.casefile.rules import RuleResult, name_rules, result
from najiz.common.money import sar_text, to_sar

RULES_VERSION = "2"  # 2: every buyer of several is checked, not only the first
NO_DEED = _("Not checked: the deed was not found.")
NOT_A_PERSON = _("Not checked: the buyer is not an individual in the civil registry.")

name_rules({
    "deed_exists": _("The deed is registered"),
    "deed_electronic": _("An electronic deed"),
    "deed_updated": _("The deed is in the updated registry"),
    "deed_active": _("The deed is in force"),
    "deed_suspended": _("The deed is reserved for the conveyance"),
    "no_mortgage": _("No mortgage on the property"),
    "no_seizure": _("No seizure on the property"),
    "filer_id_valid": _("The seller's identity is in force"),
    "filer_entitled": _("The seller may sell the deed"),
    "poa_in_force": _("The power of attorney is in force"),
    "poa_names_transfer": _("The power of attorney names transfer of ownership"),
    "heirs_deed_valid": _("The heirs deed is valid"),
    "sellers_valid": _("The sellers' identities are in force"),
    "sellers_hold_accounts": _("The sellers hold bank accounts"),
    "buyer_id_valid": _("The buyer's identity is in force"),
    "buyer_individual": _("The buyer is an individual"),
    "buyer_alive": _("The buyer is alive"),
    "buyer_not_seller": _("The buyer is not a seller"),
    "buyer_has_account": _("The buyer holds a bank account"),
    "price_positive": _("The price is above zero"),
    "price_within_limit": _("The price is within the limit"),
    "all_consented": _("Every co-owner and heir consented"),
    "paid_in_full": _("The price is paid in full"),
    "no_other_open_conveyance": _("No other open conveyance on the deed"),
})


def _deed(inputs):
    return inputs.get("deed")


def id_valid(person: dict | None, today: str) -> bool:
    """A citizen's national id, or a resident's iqama that has not expired."""
    if not person or person.get("kind") != "person":
        return False
    if person.get("id_kind") == "citizen":
        return True
    if person.get("id_kind") == "resident":
        expiry = person.get("id_expiry")
        return expiry is None or date.fromisoformat(expiry) >= date.fromisoformat(today)
    return False


def _owner_ids(inputs) -> set:
    deed = _deed(inputs)
    return {row["id"] for row in deed["owners"]} if deed else set()


# --- the deed -------------------------------------------------------------------------------


def deed_exists(inputs) -> RuleResult:
    if _deed(inputs):
        return result("deed_exists", True, _("The deed is registered in the real-estate registry."))
    return result("deed_exists", False, _("No deed with this number is registered."))


def deed_electronic(inputs) -> RuleResult:
    deed = _deed(inputs)
    if not deed:
        return result("deed_electronic", None, NO_DEED)
    if deed["is_electronic"]:
        return result("deed_electronic", True, _("The deed is electronic."))
    return result(
        "deed_electronic", False, _("The deed is a paper deed: electronic conveyance needs an electronic deed.")
    )


def deed_updated(inputs) -> RuleResult:
    deed = _deed(inputs)
    if not deed:
        return result("deed_updated", None, NO_DEED)
    if deed["is_updated"]:
        return result("deed_updated", True, _("The deed is updated in the real-estate registry."))
    return result(
        "deed_updated", False, _("The deed is not updated: it must be updated before an electronic conveyance.")
    )


def deed_active(inputs) -> RuleResult:
    deed = _deed(inputs)
    if not deed:
        return result("deed_active", None, NO_DEED)
    own = inputs["conveyance"].get("number")
    if deed["status"] == "active" or (deed["status"] == "suspended" and own and deed["suspended_ref"] == own):
        return result("deed_active", True, _("The deed is active."))
    if deed["status"] == "closed":
        return result("deed_active", False, _("The deed is closed: it has been replaced by a newer deed."))
    return result("deed_active", False, _("The deed is suspended by another transaction."))


def _encumbrance_rule(rule_id, kind, inputs, ok_message, fail_message) -> RuleResult:
    deed = _deed(inputs)
    if not deed:
        return result(rule_id, None, NO_DEED)
    found = [e for e in deed["encumbrances"] if e["kind"] == kind]
    if not found:
        return result(rule_id, True, ok_message)
    return result(rule_id, False, fail_message, refs=", ".join(e["ref"] for e in found))


def no_mortgage(inputs) -> RuleResult:
    return _encumbrance_rule(
        "no_mortgage", "mortgage", inputs, _("The property is free of mortgages."),
        _("The property is mortgaged (%(refs)s)."),
    )


def no_seizure(inputs) -> RuleResult:
    return _encumbrance_rule(
        "no_seizure", "seizure", inputs, _("The property is free of seizures."),
        _("The property is under a seizure (%(refs)s)."),
    )


# --- the price ------------------------------------------------------------------------------


def price_positive(inputs) -> RuleResult:
    if to_sar(inputs["conveyance"]["price"]) > 0:
        return result("price_positive", True, _("The price is more than zero."))
    return result("price_positive", False, _("The price must be more than zero."))


def price_within_limit(inputs) -> RuleResult:
    limit = to_sar(inputs["conveyance"]["max_price"])
    if to_sar(inputs["conveyance"]["price"]) <= limit:
        return result("price_within_limit", True, _("The price is within the limit of electronic conveyance."))
    return result(
        "price_within_limit", False,
        _("The price exceeds %(limit)s, the limit of electronic conveyance."), limit=sar_text(limit),
    )


# --- who sells ------------------------------------------------------------------------------


def filer_id_valid(inputs) -> RuleResult:
    if id_valid(inputs["filer"], inputs["today"]):
        return result("filer_id_valid", True, _("The filer's national ID or iqama is valid."))
    return result("filer_id_valid", False, _("The filer's iqama has expired or the ID is not valid."))


def filer_entitled(inputs) -> RuleResult:
    capacity = inputs["conveyance"]["capacity"]
    filer = inputs["filer"]["id"] if inputs["filer"] else None
    if not _deed(inputs):
        return result("filer_entitled", None, NO_DEED)
    if capacity == "owner":
        if filer in _owner_ids(inputs):
            return result("filer_entitled", True, _("The filer is an owner of the deed."))
        return result("filer_entitled", False, _("The filer is not an owner of this deed."))
    if capacity == "heir":
        heirs = inputs.get("heirs_deed") or {}
        if heirs.get("found") and filer in {h["id"] for h in heirs["heirs"]}:
            return result("filer_entitled", True, _("The filer is an heir on the heirs deed."))
        return result("filer_entitled", False, _("The filer is not an heir on this heirs deed."))
    poa = inputs.get("poa") or {}
    if not poa.get("found"):
        return result("filer_entitled", False, _("No power of attorney with this number is registered."))
    if poa["agent"] != filer:
        return result("filer_entitled", False, _("The filer is not the agent named in the power of attorney."))
    if poa["principal"] not in _owner_ids(inputs):
        return result(
            "filer_entitled", False, _("The principal of the power of attorney is not an owner of this deed.")
        )
    return result("filer_entitled", True, _("The filer is the agent of an owner of the deed."))


def heirs_deed_valid(inputs) -> RuleResult:
    if inputs["conveyance"]["capacity"] != "heir":
        return result("heirs_deed_valid", None, _("Not applicable: the filer is not selling as an heir."))
    heirs = inputs.get("heirs_deed") or {}
    if not heirs.get("found"):
        return result("heirs_deed_valid", False, _("No heirs deed with this number is registered."))
    if heirs["deceased_alive"] or heirs["deceased"] not in _owner_ids(inputs):
        return result("heirs_deed_valid", False, _("The heirs deed is not for a deceased owner of this deed."))
    return result("heirs_deed_valid", True, _("The heirs deed is for a deceased owner of this deed."))


NOT_AGENT = _("Not applicable: the filer is not acting under a power of attorney.")
POA_MISSING = _("Not checked: the power of attorney was not found.")


def _poa(inputs):
    """(poa facts, None) when a POA rule applies; (None, message) when it does not."""
    if inputs["conveyance"]["capacity"] != "agent":
        return None, NOT_AGENT
    poa = inputs.get("poa") or {}
    if not poa.get("found"):
        return None, POA_MISSING
    return poa, None


def poa_in_force(inputs) -> RuleResult:
    poa, skipped = _poa(inputs)
    if skipped:
        return result("poa_in_force", None, skipped)
    today = date.fromisoformat(inputs["today"])
    if poa["revoked"]:
        return result("poa_in_force", False, _("The power of attorney has been revoked."))
    if date.fromisoformat(poa["valid_from"]) > today or (
        poa["valid_to"] and date.fromisoformat(poa["valid_to"]) < today
    ):
        return result("poa_in_force", False, _("The power of attorney is not in force (expired or not yet valid)."))
    return result("poa_in_force", True, _("The power of attorney is in force."))


def poa_names_transfer(inputs) -> RuleResult:
    poa, skipped = _poa(inputs)
    if skipped:
        return result("poa_names_transfer", None, skipped)
    if "transfer_ownership" in poa["scopes"]:
        return result("poa_names_transfer", True, _("The power of attorney names the transfer of ownership."))
    return result(
        "poa_names_transfer", False, _("The power of attorney does not name the transfer of ownership explicitly.")
    )


def sellers_valid(inputs) -> RuleResult:
    sellers = inputs["sellers"]
    if sellers and all(s["alive"] and id_valid(s, inputs["today"]) for s in sellers):
        return result("sellers_valid", True, _("Every seller is living and has a valid national ID or iqama."))
    return result("sellers_valid", False, _("A seller is deceased or has an expired iqama."))


def sellers_hold_accounts(inputs) -> RuleResult:
    sellers = inputs["sellers"]
    if sellers and all(s["accounts"] for s in sellers):
        return result("sellers_hold_accounts", True, _("Every seller holds a bank account for the proceeds."))
    return result("sellers_hold_accounts", False, _("A seller holds no bank account to receive the proceeds."))


# --- who buys -------------------------------------------------------------------------------


def _buyer(inputs) -> dict:
    return inputs["buyer"] or {"kind": "unknown"}


def _buyers(inputs) -> list[dict]:
    """The first buyer and, when several buy together, the others (snapshots before version 2
    name the first alone)."""
    return [_buyer(inputs), *inputs.get("other_buyers", [])]


def buyer_individual(inputs) -> RuleResult:
    kind = _buyer(inputs)["kind"]
    if kind == "person":
        return result("buyer_individual", True, _("The buyer is an individual."))
    if kind == "entity":
        return result(
            "buyer_individual",
            False,
            _("The buyer is a legal person (company or establishment): electronic conveyance is for individuals only."),
        )
    return result("buyer_individual", False, _("The buyer is not found in the civil registry."))


def buyer_id_valid(inputs) -> RuleResult:
    buyer = _buyer(inputs)
    if buyer["kind"] != "person":
        return result("buyer_id_valid", None, NOT_A_PERSON)
    if all(id_valid(b, inputs["today"]) for b in _buyers(inputs)):
        return result("buyer_id_valid", True, _("The buyer's national ID or iqama is valid."))
    return result("buyer_id_valid", False, _("The buyer's iqama has expired."))


def buyer_alive(inputs) -> RuleResult:
    buyer = _buyer(inputs)
    if buyer["kind"] != "person":
        return result("buyer_alive", None, NOT_A_PERSON)
    if all(b.get("alive") for b in _buyers(inputs)):
        return result("buyer_alive", True, _("The buyer is living."))
    return result("buyer_alive", False, _("The buyer is recorded as deceased."))


def buyer_has_account(inputs) -> RuleResult:
    buyer = _buyer(inputs)
    if buyer["kind"] != "person":
        return result("buyer_has_account", None, NOT_A_PERSON)
    if all(b.get("accounts") for b in _buyers(inputs)):
        return result("buyer_has_account", True, _("The buyer holds a bank account."))
    return result("buyer_has_account", False, _("The buyer holds no bank account in their name."))


def buyer_not_seller(inputs) -> RuleResult:
    buyers = [b.get("id") for b in _buyers(inputs)]
    sellers = {s["id"] for s in inputs["sellers"]} | ({inputs["filer"]["id"]} if inputs["filer"] else set())
    if all(buyers) and not sellers.intersection(buyers):
        return result("buyer_not_seller", True, _("The buyer is not one of the sellers."))
    return result("buyer_not_seller", False, _("The buyer cannot be one of the sellers."))


# --- the transaction ------------------------------------------------------------------------


def no_other_open_conveyance(inputs) -> RuleResult:
    others = inputs["other_open_conveyances"]
    if inputs["conveyance"].get("deeds", 1) == 1 and not others:
        return result(
            "no_other_open_conveyance", True, _("One deed in this conveyance and no other open conveyance on it.")
        )
    return result(
        "no_other_open_conveyance", False, _("Another conveyance is open on this deed (%(numbers)s)."),
        numbers=", ".join(others),
    )


ELIGIBILITY_RULES = (
    deed_exists,
    deed_electronic,
    deed_updated,
    deed_active,
    no_mortgage,
    no_seizure,
    price_positive,
    price_within_limit,
    filer_id_valid,
    filer_entitled,
    heirs_deed_valid,
    poa_in_force,
    poa_names_transfer,
    sellers_valid,
    sellers_hold_accounts,
    buyer_individual,
    buyer_id_valid,
    buyer_alive,
    buyer_has_account,
    buyer_not_seller,
    no_other_open_conveyance,
)


def run_eligibility(inputs) -> list[RuleResult]:
    """Every eligibility rule, all run, in order."""
    return [rule(inputs) for rule in ELIGIBILITY_RULES]


def failed_ids(results) -> list[str]:
    return [r.id for r in results if r.passed is False]


# Reasons recorded by the other steps.
CONSENT_REFUSED = _("The co-owner or heir with ID %(id)s refused to consent to the conveyance.")
CONSENTS_COMPLETE = _("Every owner and heir consented.")
PAYMENT_RECEIVED = _("The buyer paid the full price of %(amount)s into the conveyance's escrow.")
