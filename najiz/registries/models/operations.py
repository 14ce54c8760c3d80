"""The registries' own records: the operation log that makes commands idempotent, number counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from najiz.common import clock


class RegistryOperation(models.Model):
    """One registry operation per (operation, ref, target): replays return the stored result."""

    operation = models.CharField(_("operation"), max_length=40)
    ref = models.CharField(_("reference"), max_length=64)
    target = models.CharField(_("target"), max_length=80)
    result = models.JSONField(_("result"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("registry operation")
        verbose_name_plural = _("registry operations")
        constraints = [models.UniqueConstraint(fields=["operation", "ref", "target"], name="registries_operation_once")]

    def __str__(self):
        return f"{self.operation} {self.ref} {self.target}"


class NumberSequence(models.Model):
    """A counter for numbers a registry issues (new deed numbers), incremented under a row lock."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    last = models.PositiveBigIntegerField(_("last issued"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.name}: {self.last}"
