"""The banks: accounts, the holds freeze orders place on them, and their statements."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.common import clock
from najiz.common.identifiers import validate_saudi_iban
from najiz.common.money import ZERO, MoneyField

from .base import _name, exactly_one
from .civil import Person
from .commercial import Entity


class Bank(models.Model):
    code = models.CharField(
        _("bank code"), max_length=2, unique=True, help_text=_("The two digits after the check digits of an IBAN.")
    )
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
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("holder (person)"),
    )
    entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("holder (entity)"),
    )
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
            models.UniqueConstraint(
                fields=["is_court_trust"], condition=Q(is_court_trust=True), name="registries_one_court_trust_account"
            ),
            models.CheckConstraint(condition=Q(frozen__gte=0), name="registries_account_frozen_not_negative"),
            models.CheckConstraint(
                condition=Q(balance__gte=models.F("frozen")), name="registries_account_frozen_within_balance"
            ),
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
