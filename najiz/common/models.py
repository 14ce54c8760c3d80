"""Abstract models other apps build on, and the one table of the helpers: how far the demo clock
has moved the portal's time."""

from datetime import timedelta
from fractions import Fraction

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .money import format_share, share_terms


class ExactShare(models.Model):
    """A share of a property kept exactly: integer numerator and denominator, never a rounded
    decimal. `share` reads it as a Fraction and takes anything `share_terms` reads ("7/24",
    Fraction(1, 3), Decimal("0.5"), (3, 24)); text and (numerator, denominator) pairs keep the
    terms as written, so an heirs deed's 3/24 stays 3/24."""

    share_numerator = models.PositiveBigIntegerField(_("share numerator"))
    share_denominator = models.PositiveBigIntegerField(_("share denominator"))

    class Meta:
        abstract = True

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)

    @share.setter
    def share(self, value):
        self.share_numerator, self.share_denominator = share_terms(value)

    @property
    def share_label(self) -> str:
        return format_share((self.share_numerator, self.share_denominator))


def share_constraint(name: str) -> models.CheckConstraint:
    """0 < numerator <= denominator: more than nothing, at most the whole."""
    return models.CheckConstraint(
        condition=Q(share_numerator__gt=0, share_numerator__lte=F("share_denominator")), name=name
    )


class DemoClock(models.Model):
    """One row (pk 1) when the demo clock has been moved (DEMO_CLOCK, development only); read by
    najiz.common.clock, so the portal's time stays moved across restarts."""

    offset = models.DurationField(_("offset"), default=timedelta(0))
    moved_at = models.DateTimeField(_("moved at"), auto_now=True)

    class Meta:
        verbose_name = _("demo clock")
        verbose_name_plural = _("demo clock")

    def __str__(self):
        return f"+{self.offset}"
