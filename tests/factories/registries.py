"""factory_boy factories for every registry record (tests and ad-hoc demos).

Numbers are drawn from ranges the demo data (najiz.registries.demo) never uses, so factories and
`seed_demo` can share a database: persons 15xxxxxxxx, residents 25xxxxxxxx, CRs 70xxxxxxxx,
accounts 9xxxxxxxxxxxxxxxxx, deeds 7xxxxxxxxxxx.

    DeedFactory(owners=[(alice, Decimal("0.5")), (bob, Decimal("0.5"))])
    InstrumentFactory(creditor_person=alice, debtors=[bob, some_entity])
    HeirsDeedFactory(heirs=[(son, Decimal("0.5")), (daughter, Decimal("0.5"))])
"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import factory
from factory.django import DjangoModelFactory

from najiz.common import clock
from najiz.common.identifiers import make_saudi_iban, with_check_digit
from najiz.registries import models

FIRST_NAMES = [
    ("محمد", "Mohammed"), ("عبدالله", "Abdullah"), ("فهد", "Fahd"), ("سلطان", "Sultan"), ("خالد", "Khalid"),
    ("نورة", "Noura"), ("سارة", "Sarah"), ("ريم", "Reem"), ("هيفاء", "Haifa"), ("لطيفة", "Latifa"),
]
FAMILY_NAMES = [
    ("القحطاني", "Al-Qahtani"), ("العتيبي", "Al-Otaibi"), ("الشهري", "Al-Shehri"), ("الدوسري", "Al-Dosari"),
    ("الغامدي", "Al-Ghamdi"), ("الحربي", "Al-Harbi"), ("الزهراني", "Al-Zahrani"), ("المطيري", "Al-Mutairi"),
]


def _name(n: int, lang: int) -> str:
    first = FIRST_NAMES[n % len(FIRST_NAMES)][lang]
    family = FAMILY_NAMES[(n // len(FIRST_NAMES)) % len(FAMILY_NAMES)][lang]
    return f"{first} {family}"


class PersonFactory(DjangoModelFactory):
    """A living Saudi citizen with a valid national id (starts 1) in force."""

    class Meta:
        model = models.Person
        django_get_or_create = ("national_id",)

    national_id = factory.Sequence(lambda n: with_check_digit(f"15{n:07d}"))
    name_ar = factory.Sequence(lambda n: _name(n, 0))
    name_en = factory.Sequence(lambda n: _name(n, 1))
    nationality = models.Nationality.SAUDI
    birth_date = date(1985, 4, 12)
    id_expiry = factory.LazyFunction(lambda: clock.today() + timedelta(days=5 * 365))
    city = "riyadh"
    phone = factory.Sequence(lambda n: f"05{n % 100_000_000:08d}")
    email = factory.Sequence(lambda n: f"person{n}@example.sa")

    class Params:
        deceased = factory.Trait(
            alive=False, date_of_death=factory.LazyFunction(lambda: clock.today() - timedelta(days=200))
        )


class ResidentFactory(PersonFactory):
    """A resident with a valid iqama (starts 2) in force."""

    national_id = factory.Sequence(lambda n: with_check_digit(f"25{n:07d}"))
    nationality = models.Nationality.EGYPTIAN
    id_expiry = factory.LazyFunction(lambda: clock.today() + timedelta(days=365))


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = models.Entity
        skip_postgeneration_save = True
        django_get_or_create = ("cr_number",)

    cr_number = factory.Sequence(lambda n: f"70{n:08d}")
    name_ar = factory.Sequence(lambda n: f"شركة الاختبار رقم {n}")
    name_en = factory.Sequence(lambda n: f"Test Company No. {n}")
    status = models.Entity.Status.ACTIVE
    city = "riyadh"

    @factory.post_generation
    def representatives(self, create, extracted, **kwargs):
        """EntityFactory(representatives=[person, ...]) registers them as managers."""
        if create and extracted:
            for who in extracted:
                RepresentationFactory(entity=self, person=who)


class RepresentationFactory(DjangoModelFactory):
    class Meta:
        model = models.Representation

    entity = factory.SubFactory(EntityFactory)
    person = factory.SubFactory(PersonFactory)
    role = models.Representation.Role.MANAGER


class InstrumentFactory(DjangoModelFactory):
    """A valid, due instrument; one new person as debtor unless `debtors=[...]` is given."""

    class Meta:
        model = models.Instrument
        skip_postgeneration_save = True
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"T-{n:08d}")
    kind = models.Instrument.Kind.PROMISSORY_NOTE
    issuer = "كتابة العدل الأولى بالرياض"
    issuer_en = "First Notary Public in Riyadh"
    creditor_person = factory.SubFactory(PersonFactory)
    creditor_entity = None
    amount = Decimal("10000.00")
    issue_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=120))
    due_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=30))
    status = models.Instrument.Status.VALID

    @factory.post_generation
    def debtors(self, create, extracted, **kwargs):
        if not create:
            return
        for subject in PersonFactory.create_batch(1) if extracted is None else extracted:
            InstrumentDebtorFactory(instrument=self, **_subject(subject))


def _subject(subject) -> dict:
    if isinstance(subject, models.Entity):
        return {"person": None, "entity": subject}
    return {"person": subject, "entity": None}


class InstrumentDebtorFactory(DjangoModelFactory):
    class Meta:
        model = models.InstrumentDebtor

    instrument = factory.SubFactory(InstrumentFactory, debtors=[])
    person = factory.SubFactory(PersonFactory)
    entity = None


class BankFactory(DjangoModelFactory):
    class Meta:
        model = models.Bank
        django_get_or_create = ("code",)

    code = "80"
    name_ar = "مصرف الراجحي"
    name_en = "Al Rajhi Bank"


class AccountFactory(DjangoModelFactory):
    """An open account of a new person; `AccountFactory(entity=e, person=None)` for an entity."""

    class Meta:
        model = models.Account
        django_get_or_create = ("iban",)

    bank = factory.SubFactory(BankFactory)
    iban = factory.Sequence(lambda n: make_saudi_iban("80", f"9{n:017d}"))
    person = factory.SubFactory(PersonFactory)
    entity = None
    balance = Decimal("50000.00")
    frozen = Decimal("0.00")


class EntityAccountFactory(AccountFactory):
    person = None
    entity = factory.SubFactory(EntityFactory)


class DeedFactory(DjangoModelFactory):
    """An active electronic, updated deed owned whole by a new person unless `owners=` is given.

    `owners` takes persons (equal shares) or (person, share) pairs; a share is exact: "1/3",
    Fraction(1, 3), Decimal("0.5"), never a float.
    """

    class Meta:
        model = models.Deed
        skip_postgeneration_save = True
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"7{n:011d}")
    is_electronic = True
    is_updated = True
    property_type = models.PropertyType.VILLA
    city = "riyadh"
    district = "حي النرجس"
    district_en = "Al Narjis"
    plan_number = "3212"
    plot_number = factory.Sequence(lambda n: str(100 + n))
    area = Decimal("600.00")
    value_of_record = Decimal("1500000.00")
    status = models.Deed.Status.ACTIVE
    issuing_office = "كتابة العدل الأولى بالرياض"
    north_boundary = "شارع عرض 20 م"
    north_length = Decimal("25.00")
    south_boundary = factory.Sequence(lambda n: f"قطعة رقم {99 + n}")
    south_length = Decimal("25.00")
    east_boundary = "ممر مشاة عرض 6 م"
    east_length = Decimal("24.00")
    west_boundary = factory.Sequence(lambda n: f"قطعة رقم {101 + n}")
    west_length = Decimal("24.00")

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if not create or extracted == []:
            return
        from najiz.registries.services import normalise_shares

        if extracted is None:
            extracted = [PersonFactory()]
        pairs = [item if isinstance(item, tuple) else (item, Fraction(1, len(extracted))) for item in extracted]
        for who, terms in normalise_shares(pairs):
            models.DeedOwner.objects.create(deed=self, person=who, share=terms)


class DeedOwnerFactory(DjangoModelFactory):
    class Meta:
        model = models.DeedOwner

    deed = factory.SubFactory(DeedFactory, owners=[])
    person = factory.SubFactory(PersonFactory)
    share = "1/1"


class EncumbranceFactory(DjangoModelFactory):
    class Meta:
        model = models.Encumbrance

    deed = factory.SubFactory(DeedFactory)
    kind = models.Encumbrance.Kind.MORTGAGE
    by_whom = "مصرف الراجحي"
    by_whom_en = "Al Rajhi Bank"
    ref = factory.Sequence(lambda n: f"MTG-{n:06d}")
    active = True


class PowerOfAttorneyFactory(DjangoModelFactory):
    """An in-force power of attorney naming transfer_ownership unless `scopes=` says otherwise."""

    class Meta:
        model = models.PowerOfAttorney
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"8{n:08d}")
    principal = factory.SubFactory(PersonFactory)
    agent = factory.SubFactory(PersonFactory)
    scopes = factory.LazyFunction(lambda: [models.PoaScope.TRANSFER_OWNERSHIP.value, models.PoaScope.SELL.value])
    valid_from = factory.LazyFunction(lambda: clock.today() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: clock.today() + timedelta(days=335))
    revoked = False


class HeirsDeedFactory(DjangoModelFactory):
    """An heirs deed of a deceased person; two new heirs with halves unless `heirs=` is given:
    persons (equal shares) or (person, share) pairs, shares as the deed counts them ("7/24")."""

    class Meta:
        model = models.HeirsDeed
        skip_postgeneration_save = True
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"6{n:08d}")
    deceased = factory.SubFactory(PersonFactory, deceased=True)
    court = "المحكمة العامة بالرياض"
    issued_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=100))

    @factory.post_generation
    def heirs(self, create, extracted, **kwargs):
        if not create or extracted == []:
            return
        from najiz.registries.services import normalise_shares

        if extracted is None:
            extracted = PersonFactory.create_batch(2)
        pairs = [item if isinstance(item, tuple) else (item, f"1/{len(extracted)}") for item in extracted]
        for who, terms in normalise_shares(pairs):
            models.HeirShare.objects.create(heirs_deed=self, heir=who, share=terms)


class HeirShareFactory(DjangoModelFactory):
    class Meta:
        model = models.HeirShare

    heirs_deed = factory.SubFactory(HeirsDeedFactory, heirs=[])
    heir = factory.SubFactory(PersonFactory)
    relation = models.HeirShare.Relation.SON
    share = "1/1"


class _RestrictionFactory(DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    entity = None
    ref = factory.Sequence(lambda n: f"EN-2025-{n:06d}")
    active = True


class TravelBanFactory(_RestrictionFactory):
    class Meta:
        model = models.TravelBan


class PoaIssuingStopFactory(_RestrictionFactory):
    class Meta:
        model = models.PoaIssuingStop


class DealingBanFactory(_RestrictionFactory):
    class Meta:
        model = models.DealingBan


class CreditReportFactory(_RestrictionFactory):
    class Meta:
        model = models.CreditReport

    amount = Decimal("10000.00")


class FirstHomeCertificateFactory(DjangoModelFactory):
    """The housing registry's first-home certificate, in force for a year."""

    class Meta:
        model = models.FirstHomeCertificate
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"FH{n:08d}")
    person = factory.SubFactory(PersonFactory)
    valid_until = factory.LazyFunction(lambda: clock.today() + timedelta(days=365))
