"""The instruments registry: execution instruments, their debtors and their endorsement chains."""


from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.common import clock
from najiz.common.money import HALALA, MoneyField

from .base import Party, _name, exactly_one
from .civil import Person
from .commercial import Entity, SubjectLink


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
    issuer_en = models.CharField(_("issued by (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    creditor_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments_as_creditor",
        verbose_name=_("creditor (person)"),
    )
    creditor_entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments_as_creditor",
        verbose_name=_("creditor (entity)"),
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
    def issuer_label(self) -> str:
        """Who issued it, in the reader's language (the Arabic when no English is recorded)."""
        return _name(self.issuer, self.issuer_en)

    creditor = Party("creditor")

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
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="debtor_rows", verbose_name=_("instrument")
    )

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


class InstrumentEndorsement(models.Model):
    """One link of an instrument's endorsement chain (تظهير): who held it, who it passed to, when."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("instrument")
    )
    from_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from (person)")
    )
    from_entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from (entity)")
    )
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to (person)")
    )
    to_entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to (entity)")
    )
    ref = models.CharField(_("reference"), max_length=64)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("instrument endorsement")
        verbose_name_plural = _("instrument endorsements")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("from_person", "from_entity"), name="registries_endorsement_one_from"
            ),
            models.CheckConstraint(
                condition=exactly_one("to_person", "to_entity"), name="registries_endorsement_one_to"
            ),
        ]

    def __str__(self):
        return f"{self.instrument.number}: {self.from_party} → {self.to_party}"

    from_party, to_party = Party("from"), Party("to")
