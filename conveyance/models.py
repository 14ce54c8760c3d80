"""Electronic conveyance (الإفراغ العقاري الإلكتروني): one deed, or one owner's share of it, sold
by its owners (or the heirs of a deceased owner, or an agent) to one buyer or several buyers with
exact shares, paid in full into the conveyance's escrow, with the real-estate transaction tax paid
to the tax authority before the transfer."""

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.models import ExactShare, share_constraint
from najiz.common.money import ZERO, MoneyField

from .states import OPEN, Answer, BuyersPay, Capacity, Kind, PaymentMethod, Status, TaxPayer


class Conveyance(models.Model):
    number = models.CharField(_("conveyance number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SALE)
    capacity = models.CharField(_("filed as"), max_length=10, choices=Capacity.choices, default=Capacity.OWNER)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conveyances_filed")
    filer = models.ForeignKey("registries.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("filer"))
    deed = models.ForeignKey(
        "registries.Deed", on_delete=models.PROTECT, related_name="conveyances", verbose_name=_("deed")
    )
    heirs_deed_number = models.CharField(_("heirs deed number"), max_length=20, blank=True)
    poa_number = models.CharField(_("power of attorney number"), max_length=20, blank=True)
    # A co-owner selling their own share alone: the other owners keep theirs on the new deed.
    share_only = models.BooleanField(_("sells only the filer's share"), default=False)
    # The first buyer named; every buyer, this one included, is a row of `buyers` with their share.
    buyer_id_number = models.CharField(_("buyer ID"), max_length=10)
    buyer = models.ForeignKey("registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    buyer_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conveyances_bought"
    )
    # The buyers' answer as a whole: accepted once every buyer accepted (by Nafath), at that time.
    buyer_answer = models.CharField(_("buyer's answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    buyer_answered_at = models.DateTimeField(null=True, blank=True)
    buyer_iban = models.CharField(_("buyer's IBAN"), max_length=34, blank=True)
    buyer_approved_at = models.DateTimeField(_("buyer approved by Nafath at"), null=True, blank=True)
    buyers_pay = models.CharField(_("the price is paid by"), max_length=10, choices=BuyersPay.choices,
                                  default=BuyersPay.EACH)
    price = MoneyField(_("price"))
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.MADA
    )
    invoice = models.ForeignKey("payments.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tax_payer = models.CharField(_("transaction tax paid by"), max_length=10, choices=TaxPayer.choices,
                                 default=TaxPayer.SELLER)
    tax_number = models.CharField(_("tax transaction number"), max_length=20, blank=True)
    tax_amount = MoneyField(_("real-estate transaction tax"), default=ZERO)
    tax_exempt_amount = MoneyField(_("part of the price exempt from the tax"), default=ZERO)
    tax_invoice = models.ForeignKey(
        "payments.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_receipt_number = models.CharField(_("tax receipt number"), max_length=20, blank=True)
    new_deed = models.ForeignKey("registries.Deed", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deed_suspended = models.BooleanField(default=False)
    offer_expires_at = models.DateTimeField(_("answer by"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conveyance")
        verbose_name_plural = _("conveyances")
        constraints = [
            models.UniqueConstraint(
                fields=["deed"], condition=Q(status__in=sorted(OPEN)), name="conveyance_one_open_per_deed"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="conveyance_price_not_negative"),
            models.CheckConstraint(condition=Q(tax_amount__gte=0, tax_exempt_amount__gte=0),
                                   name="conveyance_tax_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["buyer_id_number", "status"]),
        ]

    def __str__(self):
        return self.number or str(_("Draft conveyance"))

    def get_absolute_url(self):
        return reverse("conveyance:detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def tax_registered(self) -> bool:
        return bool(self.tax_number)

    @property
    def tax_paid(self) -> bool:
        """The tax is settled: a receipt was issued (nothing due, or its invoice paid)."""
        return bool(self.tax_receipt_number)

    @property
    def buyer_party(self):
        return self.buyer or self.buyer_entity


class Consent(ExactShare):
    """A seller-side party (an owner, or an heir of a deceased owner) and their answer.

    `share` is the exact fraction of the whole deed this party gives up (an heir's is the deceased
    owner's share times the heir's: 1/2 × 7/24 = 7/48): it decides their part of the price.
    The filer's own consent (or their principal's, given by the agent) is recorded at filing.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        HEIR = "heir", _("Heir")

    conveyance = models.ForeignKey(Conveyance, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey("registries.Person", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conveyance_consents"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    iban = models.CharField(_("IBAN for the proceeds"), max_length=34, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    through_agent = models.BooleanField(default=False)
    # A consent counts only once confirmed by a Nafath request naming the sale (not a sign-in).
    challenge_token = models.CharField(max_length=64, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved by Nafath at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["conveyance", "person"], name="conveyance_consent_once_per_person"),
            share_constraint("conveyance_consent_share_fraction"),
        ]

    def __str__(self):
        return f"{self.person} {self.answer}"

    @property
    def proceeds_share(self) -> Fraction:
        return self.share


class Buyer(ExactShare):
    """A buyer and the exact share of the property they buy (spouses buying together: 1/2 each).

    Each buyer accepts only by a confirmed Nafath request naming the purchase. `invoice` is the
    bill for their part of the price (split by shares) when each buyer pays their own part; when
    the first buyer pays the whole price, only that buyer has one (the conveyance's `invoice`).
    """

    conveyance = models.ForeignKey(Conveyance, on_delete=models.CASCADE, related_name="buyers")
    person = models.ForeignKey("registries.Person", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conveyance_purchases"
    )
    iban = models.CharField(_("buyer's IBAN"), max_length=34, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    challenge_token = models.CharField(max_length=64, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved by Nafath at"), null=True, blank=True)
    invoice = models.ForeignKey("payments.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")
        constraints = [
            models.UniqueConstraint(fields=["conveyance", "person"], name="conveyance_buyer_once_per_person"),
            share_constraint("conveyance_buyer_share_fraction"),
        ]

    def __str__(self):
        return f"{self.person} {self.share_label}"
