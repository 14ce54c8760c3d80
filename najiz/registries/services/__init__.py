"""The only way other apps reach the registries (docs/design.md §4), a module per registry.

Look-ups (`person`, `entity`, `instrument`, `account`, `deed`, `poa`, `heirs_deed`, ...) accept
any input and answer None for what is malformed or unknown. Commands take a `ref` (the case
number) and are idempotent on (operation, ref, target): the first call acts and records its
result in RegistryOperation; a repeat with the same ref and target does nothing and returns the
recorded result. Each command is one transaction; rows whose balances or state change are
locked (`select_for_update`), accounts always in IBAN order.

The commands a deadline sweep makes by the thousand (freeze, FreezePlan.write, seize_frozen(_many), transfer_many,
place_seizure(s), place_restrictions) make no savepoint inside a caller's transaction: one that
fails there fails the caller's transaction. A caller that goes on after such a failure wraps the
call in an atomic block of its own.

Because a ref can act once per operation and target, an operation undone (a ban lifted, a deed
released) and needed again for the same case is given a new ref, e.g. "EN-2025-000123/2".
"""

from ..cities import CAPITAL, City, city_label
from .banks import (
    COURT_TRUST_BANK,
    COURT_TRUST_IBAN,
    FreezePlan,
    Transfer,
    account,
    account_holder,
    accounts_by_iban,
    accounts_of,
    accounts_of_many,
    court_trust_account,
    credit,
    debit,
    freeze,
    frozen_by,
    seize_frozen,
    seize_frozen_many,
    transfer_many,
    trust_credits_at_end,
    unfreeze,
)
from .base import (
    BankError,
    DeedError,
    InsufficientFunds,
    RegistryError,
    UnknownSubject,
    subject_key,
)
from .civil import person
from .commercial import entities_represented_by, entity, representatives_of, represents
from .inheritance import heirs_deed, heirs_deeds_naming, heirs_deeds_of
from .instruments import (
    endorse_instrument,
    endorsement_chain,
    instrument,
    instrument_creditor,
    instrument_debtors,
    instrument_key,
    instruments,
    instruments_of_creditor,
    mark_instrument_executed,
    register_instrument,
)
from .powers_of_attorney import poa, poas_held_by
from .real_estate import (
    DeedSeizure,
    active_encumbrances,
    deed,
    deed_numbers_of,
    deed_numbers_of_many,
    deeds_of,
    lift_mortgage,
    lift_seizure,
    normalise_shares,
    place_mortgage,
    place_seizure,
    place_seizures,
    release_deed,
    suspend_deed,
    transfer,
)
from .restrictions import (
    Restriction,
    active_restrictions,
    ban_travel,
    bar_dealings,
    clear_default,
    lift_dealings_bar,
    lift_travel_ban,
    place_restrictions,
    report_default,
    resume_poa_issuing,
    stop_poa_issuing,
)
from .tax import (
    FIRST_HOME_EXEMPT,
    TaxError,
    first_home_certificate,
    record_tax_paid,
    refund_tax,
    register_transaction,
    tax_authority_account,
    tax_due,
    tax_transaction,
)

CAPITAL_CITY = CAPITAL

__all__ = [
    "CAPITAL",
    "CAPITAL_CITY",
    "COURT_TRUST_BANK",
    "COURT_TRUST_IBAN",
    "FIRST_HOME_EXEMPT",
    "BankError",
    "City",
    "DeedError",
    "DeedSeizure",
    "FreezePlan",
    "InsufficientFunds",
    "RegistryError",
    "Restriction",
    "TaxError",
    "Transfer",
    "UnknownSubject",
    "account",
    "account_holder",
    "accounts_by_iban",
    "accounts_of",
    "accounts_of_many",
    "active_encumbrances",
    "active_restrictions",
    "ban_travel",
    "bar_dealings",
    "city_label",
    "clear_default",
    "court_trust_account",
    "credit",
    "debit",
    "deed",
    "deed_numbers_of",
    "deed_numbers_of_many",
    "deeds_of",
    "endorse_instrument",
    "endorsement_chain",
    "entities_represented_by",
    "entity",
    "first_home_certificate",
    "freeze",
    "frozen_by",
    "heirs_deed",
    "heirs_deeds_naming",
    "heirs_deeds_of",
    "instrument",
    "instrument_creditor",
    "instrument_debtors",
    "instrument_key",
    "instruments",
    "instruments_of_creditor",
    "lift_dealings_bar",
    "lift_mortgage",
    "lift_seizure",
    "lift_travel_ban",
    "mark_instrument_executed",
    "normalise_shares",
    "person",
    "place_mortgage",
    "place_restrictions",
    "place_seizure",
    "place_seizures",
    "poa",
    "poas_held_by",
    "record_tax_paid",
    "refund_tax",
    "register_instrument",
    "register_transaction",
    "release_deed",
    "report_default",
    "representatives_of",
    "represents",
    "resume_poa_issuing",
    "seize_frozen",
    "seize_frozen_many",
    "stop_poa_issuing",
    "subject_key",
    "suspend_deed",
    "tax_authority_account",
    "tax_due",
    "tax_transaction",
    "transfer",
    "transfer_many",
    "trust_credits_at_end",
    "unfreeze",
]
