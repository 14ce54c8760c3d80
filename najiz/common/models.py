"""The one table of the helpers: how far the demo clock has moved the portal's time."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


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
