"""The real-estate registry: title deeds, their owners' shares, mortgages and seizures."""

from decimal import Decimal
from fractions import Fraction

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from najiz.common import clock
from najiz.common.models import ExactShare, share_constraint
from najiz.common.money import ZERO, MoneyField

from ..cities import City, city_label
from .base import _name
from .civil import Person


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
    is_updated = models.BooleanField(
        _("updated"), default=True, help_text=_("Recorded in the updated real-estate registry.")
    )
    property_type = models.CharField(
        _("property type"), max_length=12, choices=PropertyType.choices, default=PropertyType.LAND
    )
    city = models.CharField(_("city"), max_length=30, choices=City.choices, default=City.RIYADH, db_index=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    district_en = models.CharField(_("district (English)"), max_length=100, blank=True)
    plan_number = models.CharField(_("plan number"), max_length=30, blank=True)
    plot_number = models.CharField(_("plot number"), max_length=30, blank=True)
    area = models.DecimalField(
        _("area (m²)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    value_of_record = MoneyField(_("value of record"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspended_ref = models.CharField(_("suspended by"), max_length=64, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("replaced by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    tax_receipt_number = models.CharField(
        _("tax receipt number"), max_length=20, blank=True,
        help_text=_("The tax authority's receipt for the real-estate transaction tax of the sale that issued it."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    issuing_office = models.CharField(_("issuing office"), max_length=120, blank=True)
    # The four sides as a deed states them: the neighbour or street, and the length in metres.
    north_boundary = models.CharField(_("northern boundary"), max_length=200, blank=True)
    north_length = models.DecimalField(_("northern length (m)"), max_digits=14, decimal_places=2, null=True, blank=True)
    south_boundary = models.CharField(_("southern boundary"), max_length=200, blank=True)
    south_length = models.DecimalField(_("southern length (m)"), max_digits=14, decimal_places=2, null=True, blank=True)
    east_boundary = models.CharField(_("eastern boundary"), max_length=200, blank=True)
    east_length = models.DecimalField(_("eastern length (m)"), max_digits=14, decimal_places=2, null=True, blank=True)
    west_boundary = models.CharField(_("western boundary"), max_length=200, blank=True)
    west_length = models.DecimalField(_("western length (m)"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The basis of a deed issued by a transfer: the e-conveyance (or other operation) and its price.
    transfer_ref = models.CharField(_("basis of transfer"), max_length=64, blank=True)
    transfer_price = MoneyField(_("price of the transfer"), null=True, blank=True)

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

    def shares(self) -> list[tuple[Person, Fraction]]:
        return [(row.person, row.share) for row in self.owner_rows.all()]

    def share_of(self, person) -> Fraction:
        return sum(
            (row.share for row in self.owner_rows.all() if row.person_id == getattr(person, "pk", None)), Fraction(0)
        )

    @property
    def shares_total(self) -> Fraction:
        return sum((row.share for row in self.owner_rows.all()), Fraction(0))

    @property
    def city_label(self) -> str:
        return city_label(self.city)

    @property
    def district_label(self) -> str:
        """The district in the reader's language (the Arabic name when no English one is recorded)."""
        return _name(self.district, self.district_en)

    @property
    def previous(self):
        """The deed this one replaced (closed by the transfer that issued this one), or None."""
        return self.replaces.order_by("-closed_at").first()

    SIDES = ("north", "south", "east", "west")
    SIDE_LABELS = {"north": _("North"), "south": _("South"), "east": _("East"), "west": _("West")}

    def boundaries(self) -> list[tuple]:
        """[(side label, neighbour or street, length in metres)] of the sides recorded."""
        return [
            (self.SIDE_LABELS[side], getattr(self, f"{side}_boundary"), getattr(self, f"{side}_length"))
            for side in self.SIDES
            if getattr(self, f"{side}_boundary") or getattr(self, f"{side}_length") is not None
        ]


class DeedOwner(ExactShare):
    """An owner of a deed and their share, an exact fraction of the property ("1/3")."""

    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="owner_rows", verbose_name=_("deed"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deed_shares", verbose_name=_("owner"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("deed owner")
        verbose_name_plural = _("deed owners")
        constraints = [
            models.UniqueConstraint(fields=["deed", "person"], name="registries_owner_once_per_deed"),
            share_constraint("registries_owner_share_fraction"),
        ]

    def __str__(self):
        return f"{self.person} {self.share_label}"


class Encumbrance(models.Model):
    """A mortgage or a seizure registered on a deed."""

    class Kind(models.TextChoices):
        MORTGAGE = "mortgage", pgettext_lazy("encumbrance", "Mortgage")
        SEIZURE = "seizure", pgettext_lazy("encumbrance", "Seizure")

    deed = models.ForeignKey(Deed, on_delete=models.PROTECT, related_name="encumbrances", verbose_name=_("deed"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    by_whom = models.CharField(_("placed by"), max_length=200)
    by_whom_en = models.CharField(_("placed by (English)"), max_length=200, blank=True)
    ref = models.CharField(_("reference"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        verbose_name = _("encumbrance")
        verbose_name_plural = _("encumbrances")
        constraints = [
            models.UniqueConstraint(fields=["deed", "kind", "ref"], name="registries_encumbrance_once_per_ref")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.deed} ({self.ref})"

    @property
    def placed_by(self) -> str:
        """Who placed it, in the reader's language."""
        return _name(self.by_whom, self.by_whom_en)
