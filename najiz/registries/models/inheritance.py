"""Deeds of inheritance limitation and the heirs' shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from najiz.common.models import ExactShare, share_constraint

from .civil import Person


class HeirsDeed(models.Model):
    """A deed of inheritance limitation (صك حصر الورثة)."""

    number = models.CharField(_("heirs deed number"), max_length=20, unique=True)
    deceased = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="heirs_deeds", verbose_name=_("deceased")
    )
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


class HeirShare(ExactShare):
    """An heir and their share of the estate, as the heirs deed counts it: سهام out of a common
    total (3/24, 7/24, 14/24), kept as written."""

    class Relation(models.TextChoices):
        WIFE = "wife", _("Wife")
        HUSBAND = "husband", _("Husband")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        BROTHER = "brother", _("Brother")
        SISTER = "sister", _("Sister")

    heirs_deed = models.ForeignKey(
        HeirsDeed, on_delete=models.CASCADE, related_name="shares", verbose_name=_("heirs deed")
    )
    heir = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="inheritances", verbose_name=_("heir"))
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("heir's share")
        verbose_name_plural = _("heirs' shares")
        constraints = [
            models.UniqueConstraint(fields=["heirs_deed", "heir"], name="registries_heir_once_per_deed"),
            share_constraint("registries_heir_share_fraction"),
        ]

    def __str__(self):
        return f"{self.heir} {self.share_label}"
