"""Stand-ins for the government registries the portal links to (docs/design.md §4), a module each.

civil (Person), commercial (Entity), instruments, banks, real estate (Deed, Encumbrance), powers
of attorney, inheritance (HeirsDeed), the tax authority and the housing registry (tax), and the
restriction registries (travel bans, stops on issuing powers of attorney, bars on financial
dealings, credit-bureau reports); `operations` holds the registries' own log and counters.

Other apps never touch these models directly: they go through `najiz.registries.services`.
A record that belongs to "a person or an entity" has two nullable foreign keys with a check
constraint that exactly one is set (`exactly_one`), read as one attribute (`Party`); other apps'
models use these two for their own parties.
"""

from .banks import Account, AccountHold, AccountMovement, Bank
from .base import ZERO, Party, exactly_one
from .civil import Gender, Nationality, Person
from .commercial import Entity, Representation, SubjectLink, validate_cr_number
from .inheritance import HeirsDeed, HeirShare
from .instruments import Instrument, InstrumentDebtor, InstrumentEndorsement
from .operations import NumberSequence, RegistryOperation
from .powers_of_attorney import PoaScope, PowerOfAttorney
from .real_estate import Deed, DeedOwner, Encumbrance, PropertyType
from .restrictions import (
    CreditReport,
    DealingBan,
    PoaIssuingStop,
    Restriction,
    TravelBan,
)
from .tax import FirstHomeCertificate, RealEstateTransaction, TaxPayer

__all__ = [
    "ZERO",
    "Account",
    "AccountHold",
    "AccountMovement",
    "Bank",
    "CreditReport",
    "DealingBan",
    "Deed",
    "DeedOwner",
    "Encumbrance",
    "Entity",
    "FirstHomeCertificate",
    "Gender",
    "HeirShare",
    "HeirsDeed",
    "Instrument",
    "InstrumentDebtor",
    "InstrumentEndorsement",
    "Nationality",
    "NumberSequence",
    "Party",
    "Person",
    "PoaIssuingStop",
    "PoaScope",
    "PowerOfAttorney",
    "PropertyType",
    "RealEstateTransaction",
    "RegistryOperation",
    "Representation",
    "Restriction",
    "SubjectLink",
    "TaxPayer",
    "TravelBan",
    "exactly_one",
    "validate_cr_number",
]
