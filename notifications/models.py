"""Notifications and their deliveries.

A Notification is one message to one person: its texts in Arabic and English are rendered when it
is created (from its kind, see notifications.kinds) and never change afterwards. A Delivery is that
notification on one channel (in-app, SMS, e-mail) — at most one per channel — with the address it
went to and the time it was delivered: the proof of electronic notification (an SMS to the
registered mobile, an e-mail, or the Najiz account each count). A delivered Delivery is final
(database trigger on PostgreSQL, model guard everywhere).
"""

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import get_language, gettext_lazy as _

from najiz.common import clock


class ProofIsFinal(Exception):
    """Raised when code tries to change or delete what proves a notification was sent."""


class Notification(models.Model):
    TEXT_FIELDS = (
        "recipient_id", "kind", "params", "language", "subject_ar", "subject_en", "body_ar", "body_en",
        "url", "case_type_id", "case_id", "created_at",
    )

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=80)
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The recipient's language when notified: SMS and e-mail go out in it.
    language = models.CharField(_("language"), max_length=5)
    subject_ar = models.CharField(_("subject (Arabic)"), max_length=255)
    subject_en = models.CharField(_("subject (English)"), max_length=255)
    body_ar = models.TextField(_("text (Arabic)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    url = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("Path of the page the notification is about.")
    )
    case_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    case = GenericForeignKey("case_type", "case_id")
    created_at = models.DateTimeField(_("sent at"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["case_type", "case_id"], name="notification_case_idx"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="notification_text_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "recipient", "kind", "params", "language", "subject_ar", "subject_en", "body_ar", "body_en",
                    "url", "case_type", "case_id", "created_at",
                ),
            ),
        ]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and any(self.__dict__.get(name) != value for name, value in loaded.items()):
            raise ProofIsFinal("A notification's text is fixed once sent; only its read time may change.")
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {name: instance.__dict__[name] for name in cls.TEXT_FIELDS if name in instance.__dict__}
        return instance

    def _in(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or "ar")[:2]
        return getattr(self, f"{field}_en" if language == "en" else f"{field}_ar")

    def subject_in(self, language: str) -> str:
        return self._in("subject", language)

    def body_in(self, language: str) -> str:
        return self._in("body", language)

    @property
    def subject(self) -> str:
        """The subject in the language on screen."""
        return self._in("subject")

    @property
    def body(self) -> str:
        return self._in("body")

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Delivery(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("Najiz account")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No address")

    OPEN = (Status.PENDING, Status.FAILED)
    PROOF_FIELDS = ("notification_id", "channel", "status", "address", "delivered_at", "provider_ref")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The registered mobile / e-mail when the notification was created: where it was (to be) sent.
    address = models.CharField(_("address"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    # When the next attempt is due (pending/failed); None once delivered, skipped or given up.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["notification_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(
                condition=models.Q(status="sent", delivered_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(delivered_at__isnull=True)),
                name="delivery_sent_iff_delivered_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="delivery_due_idx",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="delivery_proof_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__delivered_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.notification_id} · {self.channel} · {self.status}"

    def save(self, *args, **kwargs):
        if getattr(self, "_delivered_when_loaded", False):
            raise ProofIsFinal("A delivered notification is kept as it was delivered.")
        super().save(*args, **kwargs)
        self._delivered_when_loaded = self.delivered_at is not None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._delivered_when_loaded = instance.__dict__.get("delivered_at") is not None
        return instance

    def delete(self, *args, **kwargs):
        if self.delivered_at is not None:
            raise ProofIsFinal("A delivered notification is kept as proof.")
        return super().delete(*args, **kwargs)

    @property
    def gave_up(self) -> bool:
        from . import conf

        return self.status == self.Status.FAILED and self.attempts >= conf.max_attempts()
