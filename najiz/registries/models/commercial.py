"""The commercial registry: entities and the persons who represent them."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from ..cities import City, city_label
from .base import _name, exactly_one
from .civil import Person

validate_cr_number = RegexValidator(r"^\d{10}$", _("A commercial registration number is 10 digits."), code="invalid_cr")


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

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="representations", verbose_name=_("entity")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="representations", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MANAGER)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [
            models.UniqueConstraint(fields=["entity", "person"], name="registries_one_representation_per_person")
        ]

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
