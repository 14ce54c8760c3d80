"""The case file: the timeline (Event) and the automatic decisions (Decision) of every case.

A case is any model instance (an enforcement request, a conveyance, ...) referred to through a
generic relation. Events are never changed or deleted (database trigger on PostgreSQL, model
guard everywhere); a Decision's facts are fixed once recorded, only its review may change.
"""

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.money import MoneyField


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete a row the case file keeps forever."""


class Actor(models.TextChoices):
    SYSTEM = "system", _("System")
    PERSON = "person", _("Person")
    JUDGE = "judge", _("Judge")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRIDDEN = "overridden", _("Overridden")


class Decision(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    step = models.CharField(_("step"), max_length=50)
    inputs = models.JSONField(_("inputs as seen"), default=dict)
    rules = models.JSONField(_("rule trace"), default=list)  # [{id, passed (true/false/null), message_ar, message_en}]
    rules_version = models.CharField(_("rules version"), max_length=20)
    outcome = models.CharField(_("outcome"), max_length=50)
    amount = MoneyField(_("amount"), null=True, blank=True)
    circuit = models.ForeignKey(
        "enforcement.Circuit", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    at = models.DateTimeField(_("at"), default=clock.now, db_index=True)
    review_state = models.CharField(
        _("review"), max_length=12, choices=ReviewState.choices, default=ReviewState.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    FACT_FIELDS = ("case_type_id", "case_id", "step", "inputs", "rules", "rules_version", "outcome", "amount", "at")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "at"])]
        triggers = [
            pgtrigger.Protect(name="decision_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="decision_facts_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "case_type", "case_id", "step", "inputs", "rules", "rules_version", "outcome", "amount", "at"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.step}: {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(*self.FACT_FIELDS).first()
            if stored and any(stored[name] != getattr(self, name) for name in self.FACT_FIELDS):
                raise ImmutableRowError("A decision's facts cannot change; only its review can.")
        super().save(*args, **kwargs)

    @property
    def passed(self) -> bool:
        return not self.failed_rules()

    def failed_rules(self) -> list[dict]:
        from .rules import failed

        return failed(self.rules)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Decisions are kept forever.")


class Event(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.CharField(_("actor"), max_length=10, choices=Actor.choices, default=Actor.SYSTEM)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    public = models.BooleanField(default=True, help_text=_("Shown to the parties on their timeline."))
    at = models.DateTimeField(_("at"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "at"])]
        triggers = [pgtrigger.Protect(name="event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return self.kind

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk).exists():
            raise ImmutableRowError("Events are append-only.")
        super().save(*args, **kwargs)

    @property
    def message(self) -> str:
        from .messages import render

        return render(self.kind, self.params)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Events are append-only.")


class CaseNumber(models.Model):
    """The last number issued per (prefix, year): EN-2026-000001, CV-2026-000001, ..."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="case_number_per_prefix_year")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"
