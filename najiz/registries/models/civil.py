"""The civil registry: persons, citizens and residents."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.identifiers import CITIZEN, id_kind, validate_national_id

from ..cities import City, city_label
from .base import _name


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

    national_id = models.CharField(
        _("national ID / iqama"), max_length=10, unique=True, validators=[validate_national_id]
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    nationality = models.CharField(
        _("nationality"), max_length=2, choices=Nationality.choices, default=Nationality.SAUDI
    )
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
