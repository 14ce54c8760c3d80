"""Notarised powers of attorney and what they allow."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from najiz.common import clock

from .civil import Person


class PoaScope(models.TextChoices):
    TRANSFER_OWNERSHIP = "transfer_ownership", _("Transfer of ownership (conveyance)")
    SELL = "sell", _("Sell")
    BUY = "buy", _("Buy")
    RECEIVE_PAYMENT = "receive_payment", _("Receive payment")
    LITIGATION = "litigation", _("Litigation")
    ENFORCEMENT = "enforcement", _("Enforcement requests")
    BANKING = "banking", _("Banking")


class PowerOfAttorney(models.Model):
    """A notarised power of attorney (وكالة); scopes are codes from PoaScope."""

    number = models.CharField(_("power of attorney number"), max_length=20, unique=True)
    principal = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="powers_given", verbose_name=_("principal")
    )
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="powers_held", verbose_name=_("agent"))
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("power of attorney")
        verbose_name_plural = _("powers of attorney")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="registries_poa_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.number

    def names(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def in_force(self) -> bool:
        today = clock.today()
        return not self.revoked and self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(PoaScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes or []]
