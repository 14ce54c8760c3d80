"""The tax authority (هيئة الزكاة والضريبة والجمارك) and the housing registry, as far as a
conveyance meets them: the real-estate transaction tax (ضريبة التصرفات العقارية) on a disposal,
and the first-home certificate that exempts the first 1,000,000 SAR of a citizen's first home."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.common import clock
from najiz.common.money import ZERO, MoneyField

from .civil import Person


class TaxPayer(models.TextChoices):
    """Who pays the real-estate transaction tax: the seller unless agreed otherwise."""

    SELLER = "seller", pgettext_lazy("tax payer", "The seller")
    BUYER = "buyer", pgettext_lazy("tax payer", "The buyer")


class RealEstateTransaction(models.Model):
    """A disposal of real estate registered with the tax authority: the deed, the parties, the
    price, and the tax due on it. The tax paid is held in the ledger's `tax_authority:<number>`
    account (payments reads LEDGER_HOLDING_PREFIX), never with the price."""

    LEDGER_HOLDING_PREFIX = "tax_authority"

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("tax status", "Registered, tax due")
        PAID = "paid", pgettext_lazy("tax status", "Tax paid")
        REFUNDED = "refunded", pgettext_lazy("tax status", "Tax refunded")

    number = models.CharField(_("tax transaction number"), max_length=20, unique=True)
    ref = models.CharField(_("reference"), max_length=64, unique=True)
    deed_number = models.CharField(_("deed number"), max_length=20)
    seller_ids = models.JSONField(_("sellers"), default=list)
    buyer_ids = models.JSONField(_("buyers"), default=list)
    price = MoneyField(_("price"))
    rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    exempt_amount = MoneyField(_("exempt part of the price"), default=ZERO)
    certificate_number = models.CharField(_("first-home certificate"), max_length=20, blank=True)
    tax = MoneyField(_("tax"))
    payer = models.CharField(_("paid by"), max_length=10, choices=TaxPayer.choices, default=TaxPayer.SELLER)
    payer_id_number = models.CharField(_("payer's ID"), max_length=10)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    receipt_number = models.CharField(_("tax receipt number"), max_length=20, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=clock.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("real-estate transaction")
        verbose_name_plural = _("real-estate transactions")
        constraints = [
            models.CheckConstraint(condition=Q(tax__gte=0, exempt_amount__gte=0, price__gt=0),
                                   name="registries_tax_amounts_not_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | ~Q(receipt_number=""),
                                   name="registries_tax_paid_has_receipt"),
        ]

    def __str__(self):
        return self.number


class FirstHomeCertificate(models.Model):
    """The housing registry's certificate that a citizen is buying their first home: the state
    bears the tax on the first 1,000,000 SAR of the price. Used once (`used_ref`)."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="first_home_certificates",
                               verbose_name=_("holder"))
    valid_until = models.DateField(_("valid until"))
    used_ref = models.CharField(_("used for"), max_length=64, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("first-home certificate")
        verbose_name_plural = _("first-home certificates")

    def __str__(self):
        return self.number

    @property
    def in_force(self) -> bool:
        return not self.used_ref and self.valid_until >= clock.today()
