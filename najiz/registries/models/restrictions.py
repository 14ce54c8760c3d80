"""The restriction registries: passports, issuing powers of attorney, financial dealings, credit bureau."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.money import ZERO, MoneyField

from .commercial import SubjectLink


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
