"""Stand-ins for the government registries the portal links to (docs/design.md §4).

civil (Person), commercial (Entity), instruments, banks, real estate (Deed, Encumbrance), powers
of attorney, inheritance (HeirsDeed), and the restriction registries (travel bans, stops on
issuing powers of attorney, bars on financial dealings, credit-bureau reports).

Other apps never touch these models directly: they go through `najiz.registries.services`.
A record that belongs to "a person or an entity" has two nullable foreign keys with a check
constraint that exactly one is set.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from najiz.common import clock
from najiz.common.identifiers import CITIZEN, id_kind, validate_national_id, validate_saudi_iban
from najiz.common.money import HALALA, ZERO, MoneyField

from .cities import City, city_label

SHARE = {"max_digits": 7, "decimal_places": 6}  # a fraction of the whole: 0 < share <= 1

validate_cr_number = RegexValidator(r"^\d{10}$", _("A commercial registration number is 10 digits."), code="invalid_cr")


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


def _name(ar: str, en: str) -> str:
    return (en or ar) if _english() else (ar or en)


def exactly_one(first: str, second: str) -> Q:
    return Q(**{f"{first}__isnull": False, f"{second}__isnull": True}) | Q(
        **{f"{first}__isnull": True, f"{second}__isnull": False}
    )


# --- civil registry -------------------------------------------------------------------------


class Nationality(models.TextChoices):
    SAUDI = "SA", _("Saudi")
    EGYPTIAN = "EG", _("Egyptian")
    JORDANIAN = "JO", _("Jordanian")
    YEMENI = "YE", _("Yemeni")
    SYRIAN = "SY", _("Syrian")
    SUDANESE = "SD", _("Sudanese")
    LEBANESE = "LB", _("Lebanese")
    PAKISTANI = "PK", _("Pakistani")
    INDIAN = "IN", _("Indian")
    BANGLADESHI = "BD", _("Bangladeshi")
    FILIPINO = "PH", _("Filipino")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Person(models.Model):
    """A natural person in the civil registry: a citizen (id starts 1) or a resident (iqama, starts 2)."""

    national_id = models.CharField(_("national ID / iqama"), max_length=10, unique=True, validators=[validate_national_id])
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, choices=Nationality.choices, default=Nationality.SAUDI)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_expiry = models.DateField(_("ID / iqama expiry"), null=True, blank=True)
    alive = models.BooleanField(_("alive"), default=True)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=30, choices=City.choices, default=City.RIYADH, db_index=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["national_id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=Q(alive=True, date_of_death__isnull=True) | Q(alive=False),
                name="registries_person_living_have_no_death_date",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.national_id})"

    @property
    def display_name(self) -> str:
        return _name(self.name_ar, self.name_en)

    @property
    def kind(self) -> str | None:
        """"citizen" or "resident", read from the first digit of the id."""
        return id_kind(self.national_id)

    @property
    def is_citizen(self) -> bool:
        return self.kind == CITIZEN

    @property
    def is_individual(self) -> bool:
        return True

    @property
    def is_deceased(self) -> bool:
        return not self.alive

    @property
    def id_in_force(self) -> bool:
        """The id (or iqama) has not expired; an id with no expiry on record counts as valid."""
        return self.id_expiry is None or self.id_expiry >= clock.today()

    @property
    def city_label(self) -> str:
        return city_label(self.city)


# --- commercial registry --------------------------------------------------------------------


class Entity(models.Model):
    """A company or establishment in the commercial registry."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("entity status", "Active")
        SUSPENDED = "suspended", pgettext_lazy("entity status", "Suspended")
        STRUCK_OFF = "struck_off", pgettext_lazy("entity status", "Struck off")

    cr_number = models.CharField(_("CR number"), max_length=10, unique=True, validators=[validate_cr_number])
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    city = models.CharField(_("city"), max_length=30, choices=City.choices, default=City.RIYADH, db_index=True)
    representatives = models.ManyToManyField(
        Person, through="Representation", related_name="represented_entities", verbose_name=_("representatives")
    )

    class Meta:
        ordering = ["cr_number"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def __str__(self):
        return f"{self.display_name} ({self.cr_number})"

    @property
    def display_name(self) -> str:
        return _name(self.name_ar, self.name_en)

    @property
    def is_individual(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def city_label(self) -> str:
        return city_label(self.city)


class Representation(models.Model):
    """A person registered as able to act for an entity."""

    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("representative role", "Owner")
        MANAGER = "manager", pgettext_lazy("representative role", "Manager")
        SIGNATORY = "signatory", pgettext_lazy("representative role", "Authorised signatory")
        PARTNER = "partner", pgettext_lazy("representative role", "Partner")

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="representations", verbose_name=_("entity"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="representations", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MANAGER)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [models.UniqueConstraint(fields=["entity", "person"], name="registries_one_representation_per_person")]

    def __str__(self):
        return f"{self.person} → {self.entity}"


class SubjectLink(models.Model):
    """A person or an entity, exactly one (the two-foreign-keys pattern)."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("person")
    )
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("entity")
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=exactly_one("person", "entity"), name="registries_%(class)s_one_subject"),
        ]

    @property
    def subject(self):
        return self.person or self.entity


# --- instruments ----------------------------------------------------------------------------


class Instrument(models.Model):
    """An execution instrument (السند التنفيذي, Enforcement Law Art. 9)."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", _("Court judgment")
        ARBITRAL_AWARD = "arbitral_award", _("Arbitral award")
        NOTARISED_DOCUMENT = "notarised_document", _("Notarised document")
        CHEQUE = "cheque", _("Cheque")
        PROMISSORY_NOTE = "promissory_note", _("Promissory note")
        BILL_OF_EXCHANGE = "bill_of_exchange", _("Bill of exchange")
        OTHER_ART9 = "other_art9", _("Other execution instrument (Art. 9)")
        # Registered papers that are not execution instruments: they need a judgment first.
        ORDINARY_CONTRACT = "ordinary_contract", _("Ordinary contract (not an execution instrument)")

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("instrument status", "Valid")
        CANCELLED = "cancelled", pgettext_lazy("instrument status", "Cancelled")
        EXECUTED = "executed", pgettext_lazy("instrument status", "Executed")

    number = models.CharField(_("instrument number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    creditor_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="instruments_as_creditor", verbose_name=_("creditor (person)")
    )
    creditor_entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="instruments_as_creditor", verbose_name=_("creditor (entity)")
    )
    amount = MoneyField(_("amount"), validators=[MinValueValidator(HALALA)])
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"), null=True, blank=True, help_text=_("Empty when due on issue."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("creditor_person", "creditor_entity"), name="registries_instrument_one_creditor"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="registries_instrument_amount_positive"),
        ]
        # numbers are looked up as typed, in any case (registries.instrument / instruments)
        indexes = [models.Index(Upper("number"), name="instrument_number_upper")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def creditor(self):
        return self.creditor_person or self.creditor_entity

    @property
    def debtors(self) -> list:
        """The debtors (persons and entities) in the order they were recorded."""
        return [row.subject for row in self.debtor_rows.all()]

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def is_due(self) -> bool:
        return (self.due_date or self.issue_date) <= clock.today()

    def has_creditor(self, subject) -> bool:
        return subject is not None and subject == self.creditor

    def has_debtor(self, subject) -> bool:
        return subject is not None and subject in self.debtors


class InstrumentDebtor(SubjectLink):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="debtor_rows", verbose_name=_("instrument"))

    class Meta(SubjectLink.Meta):
        ordering = ["id"]
        verbose_name = _("debtor on an instrument")
        verbose_name_plural = _("debtors on instruments")
        constraints = [
            *SubjectLink.Meta.constraints,
            models.UniqueConstraint(fields=["instrument", "person"], name="registries_debtor_person_once"),
            models.UniqueConstraint(fields=["instrument", "entity"], name="registries_debtor_entity_once"),
        ]

    def __str__(self):
        return str(self.subject)


# --- banks ----------------------------------------------------------------------------------


class Bank(models.Model):
    code = models.CharField(_("bank code"), max_length=2, unique=True, help_text=_("The two digits after the check digits of an IBAN."))
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bank")
        verbose_name_plural = _("banks")

    def __str__(self):
        return _name(self.name_ar, self.name_en)


class Account(models.Model):
    """A bank account. `frozen` is the part of `balance` held by freeze orders (AccountHold)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("account status", "Active")
        CLOSED = "closed", pgettext_lazy("account status", "Closed")

    iban = models.CharField(_("IBAN"), max_length=24, unique=True, validators=[validate_saudi_iban])
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("bank"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("holder (person)"))
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("holder (entity)"))
    is_court_trust = models.BooleanField(_("court trust account"), default=False)
    balance = MoneyField(_("balance"), default=ZERO)
    frozen = MoneyField(_("frozen"), default=ZERO)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)

    class Meta:
        ordering = ["iban"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(is_court_trust=False) & exactly_one("person", "entity"))
                | Q(is_court_trust=True, person__isnull=True, entity__isnull=True),
                name="registries_account_one_holder",
            ),
            models.UniqueConstraint(fields=["is_court_trust"], condition=Q(is_court_trust=True), name="registries_one_court_trust_account"),
            models.CheckConstraint(condition=Q(frozen__gte=0), name="registries_account_frozen_not_negative"),
            models.CheckConstraint(condition=Q(balance__gte=models.F("frozen")), name="registries_account_frozen_within_balance"),
        ]

    def __str__(self):
        return self.iban

    @property
    def holder(self):
        return self.person or self.entity

    @property
    def holder_name(self) -> str:
        if self.is_court_trust:
            return str(_("Enforcement court trust account"))
        return self.holder.display_name

    @property
    def available(self) -> Decimal:
        return self.balance - self.frozen

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ACTIVE


class AccountHold(models.Model):
    """What one freeze order (identified by its ref) holds on an account."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("freeze status", "Frozen")
        RELEASED = "released", pgettext_lazy("freeze status", "Released")
        SEIZED = "seized", pgettext_lazy("freeze status", "Seized")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="holds", verbose_name=_("account"))
    ref = models.CharField(_("reference"), max_length=64)
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        verbose_name = _("freeze")
        verbose_name_plural = _("freezes")
        constraints = [
            models.UniqueConstraint(fields=["account", "ref"], name="registries_one_hold_per_ref"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="registries_hold_not_negative"),
        ]

    def __str__(self):
        return f"{self.account} {self.ref}: {self.amount}"


class AccountMovement(models.Model):
    """A line of an account's statement: money in (positive) or out (negative)."""

    class Kind(models.TextChoices):
        CREDIT = "credit", pgettext_lazy("account movement", "Credit")
        DEBIT = "debit", pgettext_lazy("account movement", "Debit")
        SEIZURE = "seizure", _("Seized to the court trust account")
        SEIZED_IN = "seized_in", _("Seized funds received")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="movements", verbose_name=_("account"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    balance_after = MoneyField(_("balance after"))
    ref = models.CharField(_("reference"), max_length=64)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("account movement")
        verbose_name_plural = _("account movements")

    def __str__(self):
        return f"{self.account} {self.amount:+}"


# --- real estate ----------------------------------------------------------------------------


class PropertyType(models.TextChoices):
    LAND = "land", _("Land")
    VILLA = "villa", _("Villa")
    APARTMENT = "apartment", _("Apartment")
    BUILDING = "building", _("Residential building")
    COMMERCIAL = "commercial", _("Commercial property")
    FARM = "farm", _("Farm")


class Deed(models.Model):
    """A title deed (صك) in the real-estate registry."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("deed status", "Active")
        SUSPENDED = "suspended", pgettext_lazy("deed status", "Suspended")  # locked by an open conveyance
        CLOSED = "closed", pgettext_lazy("deed status", "Closed")

    number = models.CharField(_("deed number"), max_length=20, unique=True)
    is_electronic = models.BooleanField(_("electronic deed"), default=True)
    is_updated = models.BooleanField(_("updated"), default=True, help_text=_("Recorded in the updated real-estate registry."))
    property_type = models.CharField(_("property type"), max_length=12, choices=PropertyType.choices, default=PropertyType.LAND)
    city = models.CharField(_("city"), max_length=30, choices=City.choices, default=City.RIYADH, db_index=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    plan_number = models.CharField(_("plan number"), max_length=30, blank=True)
    plot_number = models.CharField(_("plot number"), max_length=30, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    value_of_record = MoneyField(_("value of record"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspended_ref = models.CharField(_("suspended by"), max_length=64, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("replaced by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("deed")
        verbose_name_plural = _("deeds")
        constraints = [
            models.CheckConstraint(condition=Q(area__gt=0), name="registries_deed_area_positive"),
            models.CheckConstraint(
                condition=~Q(status="suspended") | ~Q(suspended_ref=""), name="registries_deed_suspension_has_ref"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def owners(self) -> list[Person]:
        return [row.person for row in self.owner_rows.all()]

    def shares(self) -> list[tuple[Person, Decimal]]:
        return [(row.person, row.share) for row in self.owner_rows.all()]

    def share_of(self, person) -> Decimal:
        return sum((row.share for row in self.owner_rows.all() if row.person_id == getattr(person, "pk", None)), Decimal(0))

    @property
    def shares_total(self) -> Decimal:
        return sum((row.share for row in self.owner_rows.all()), Decimal(0))

    @property
    def city_label(self) -> str:
        return city_label(self.city)


class DeedOwner(models.Model):
    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="owner_rows", verbose_name=_("deed"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deed_shares", verbose_name=_("owner"))
    share = models.DecimalField(_("share"), **SHARE, help_text=_("Fraction of the property, e.g. 0.5 for half."))

    class Meta:
        ordering = ["id"]
        verbose_name = _("deed owner")
        verbose_name_plural = _("deed owners")
        constraints = [
            models.UniqueConstraint(fields=["deed", "person"], name="registries_owner_once_per_deed"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1), name="registries_owner_share_fraction"),
        ]

    def __str__(self):
        return f"{self.person} {self.share}"


class Encumbrance(models.Model):
    """A mortgage or a seizure registered on a deed."""

    class Kind(models.TextChoices):
        MORTGAGE = "mortgage", pgettext_lazy("encumbrance", "Mortgage")
        SEIZURE = "seizure", pgettext_lazy("encumbrance", "Seizure")

    deed = models.ForeignKey(Deed, on_delete=models.PROTECT, related_name="encumbrances", verbose_name=_("deed"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    by_whom = models.CharField(_("placed by"), max_length=200)
    ref = models.CharField(_("reference"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        verbose_name = _("encumbrance")
        verbose_name_plural = _("encumbrances")
        constraints = [models.UniqueConstraint(fields=["deed", "kind", "ref"], name="registries_encumbrance_once_per_ref")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.deed} ({self.ref})"


# --- powers of attorney ---------------------------------------------------------------------


class PoaScope(models.TextChoices):
    TRANSFER_OWNERSHIP = "transfer_ownership", _("Transfer of ownership (conveyance)")
    SELL = "sell", _("Sell")
    BUY = "buy", _("Buy")
    RECEIVE_PAYMENT = "receive_payment", _("Receive payment")
    LITIGATION = "litigation", _("Litigation")
    ENFORCEMENT = "enforcement", _("Enforcement requests")
    BANKING = "banking", _("Banking")


class PowerOfAttorney(models.Model):
    """A notarised power of attorney (وكالة); scopes are codes from PoaScope."""

    number = models.CharField(_("power of attorney number"), max_length=20, unique=True)
    principal = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="powers_given", verbose_name=_("principal"))
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="powers_held", verbose_name=_("agent"))
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("power of attorney")
        verbose_name_plural = _("powers of attorney")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="registries_poa_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.number

    def names(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def in_force(self) -> bool:
        today = clock.today()
        return not self.revoked and self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(PoaScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes or []]


# --- inheritance ----------------------------------------------------------------------------


class HeirsDeed(models.Model):
    """A deed of inheritance limitation (صك حصر الورثة)."""

    number = models.CharField(_("heirs deed number"), max_length=20, unique=True)
    deceased = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="heirs_deeds", verbose_name=_("deceased"))
    court = models.CharField(_("issuing court"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("heirs deed")
        verbose_name_plural = _("heirs deeds")

    def __str__(self):
        return self.number

    @property
    def heirs(self) -> list[Person]:
        return [row.heir for row in self.shares.all()]


class HeirShare(models.Model):
    class Relation(models.TextChoices):
        WIFE = "wife", _("Wife")
        HUSBAND = "husband", _("Husband")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        BROTHER = "brother", _("Brother")
        SISTER = "sister", _("Sister")

    heirs_deed = models.ForeignKey(HeirsDeed, on_delete=models.CASCADE, related_name="shares", verbose_name=_("heirs deed"))
    heir = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="inheritances", verbose_name=_("heir"))
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, blank=True)
    share = models.DecimalField(_("share"), **SHARE)

    class Meta:
        ordering = ["id"]
        verbose_name = _("heir's share")
        verbose_name_plural = _("heirs' shares")
        constraints = [
            models.UniqueConstraint(fields=["heirs_deed", "heir"], name="registries_heir_once_per_deed"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1), name="registries_heir_share_fraction"),
        ]

    def __str__(self):
        return f"{self.heir} {self.share}"


# --- restrictions (passports, POA issuing, financial dealings, credit bureau) -----------------


class Restriction(SubjectLink):
    ref = models.CharField(_("reference"), max_length=64)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta(SubjectLink.Meta):
        abstract = True
        ordering = ["placed_at", "id"]
        constraints = [
            *SubjectLink.Meta.constraints,
            models.UniqueConstraint(fields=["person", "ref"], name="registries_%(class)s_person_once_per_ref"),
            models.UniqueConstraint(fields=["entity", "ref"], name="registries_%(class)s_entity_once_per_ref"),
        ]

    def __str__(self):
        return f"{self.subject} ({self.ref})"


class TravelBan(Restriction):
    class Meta(Restriction.Meta):
        verbose_name = _("travel ban")
        verbose_name_plural = _("travel bans")


class PoaIssuingStop(Restriction):
    class Meta(Restriction.Meta):
        verbose_name = _("stop on issuing powers of attorney")
        verbose_name_plural = _("stops on issuing powers of attorney")


class DealingBan(Restriction):
    class Meta(Restriction.Meta):
        verbose_name = _("bar on financial dealings")
        verbose_name_plural = _("bars on financial dealings")


class CreditReport(Restriction):
    amount = MoneyField(_("amount"), default=ZERO)

    class Meta(Restriction.Meta):
        verbose_name = _("credit bureau report")
        verbose_name_plural = _("credit bureau reports")


# --- operation log --------------------------------------------------------------------------


class RegistryOperation(models.Model):
    """One registry operation per (operation, ref, target): replays return the stored result."""

    operation = models.CharField(_("operation"), max_length=40)
    ref = models.CharField(_("reference"), max_length=64)
    target = models.CharField(_("target"), max_length=80)
    result = models.JSONField(_("result"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("registry operation")
        verbose_name_plural = _("registry operations")
        constraints = [models.UniqueConstraint(fields=["operation", "ref", "target"], name="registries_operation_once")]

    def __str__(self):
        return f"{self.operation} {self.ref} {self.target}"


class NumberSequence(models.Model):
    """A counter for numbers a registry issues (new deed numbers), incremented under a row lock."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    last = models.PositiveBigIntegerField(_("last issued"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.name}: {self.last}"


class InstrumentEndorsement(models.Model):
    """One link of an instrument's endorsement chain (تظهير): who held it, who it passed to, when."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("instrument"))
    from_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from (person)"))
    from_entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from (entity)"))
    to_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to (person)"))
    to_entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to (entity)"))
    ref = models.CharField(_("reference"), max_length=64)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("instrument endorsement")
        verbose_name_plural = _("instrument endorsements")
        constraints = [
            models.CheckConstraint(condition=exactly_one("from_person", "from_entity"), name="registries_endorsement_one_from"),
            models.CheckConstraint(condition=exactly_one("to_person", "to_entity"), name="registries_endorsement_one_to"),
        ]

    def __str__(self):
        return f"{self.instrument.number}: {self.from_party} → {self.to_party}"

    @property
    def from_party(self):
        return self.from_person or self.from_entity

    @property
    def to_party(self):
        return self.to_person or self.to_entity
