"""Electronic linkage with businesses' internal systems: API tokens of an entity, idempotent
filing keys, and outgoing webhooks (endpoints, the events queued for them, and every attempt)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from najiz.common import clock


class ApiToken(models.Model):
    """A secret an entity's system presents as `Authorization: Bearer <token>`.

    Only a SHA-256 digest of the secret is kept; the secret itself is shown once, when created.
    The token acts as its entity; requests it files are filed by the representative who made it.
    """

    entity = models.ForeignKey(
        "registries.Entity", on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("token prefix"), max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=120)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """The request an `Idempotency-Key` filed, per entity (or per person filing for themselves)."""

    scope = models.CharField(max_length=40)  # "entity:<cr>" or "user:<id>"
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    request = models.ForeignKey("enforcement.EnforcementRequest", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once_per_scope")]

    def __str__(self):
        return f"{self.scope} {self.key}"


class WebhookEndpoint(models.Model):
    """A URL of the entity's system that receives its requests' status changes, signed with HMAC."""

    entity = models.ForeignKey(
        "registries.Entity", on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=80)  # needed in clear to sign; shown to the entity once
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class Failure(models.TextChoices):
    """What the delivery log says of a failed attempt: a class, never the socket's own text, so the
    log tells nothing of the network behind an address."""

    NOT_ALLOWED = "address not allowed", _("address not allowed")
    NOT_FOUND = "host not found", _("host not found")
    REFUSED = "refused", _("connection refused")
    TIMED_OUT = "timed out", _("timed out")
    TLS = "TLS error", _("TLS error")
    CONNECTION = "connection failed", _("connection failed")
    INVALID = "invalid response", _("invalid response")
    HTTP_3XX = "HTTP 3xx", _("HTTP 3xx (redirects are not followed)")
    HTTP_4XX = "HTTP 4xx", _("HTTP 4xx")
    HTTP_5XX = "HTTP 5xx", _("HTTP 5xx")


class WebhookDelivery(models.Model):
    """One event for one endpoint, of an enforcement request or of a conveyance (`request_number`
    and `request_status` are then the conveyance's). Events of the same case go out one at a time,
    in order."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")
        CANCELLED = "cancelled", _("Cancelled")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=60)
    request = models.ForeignKey(
        "enforcement.EnforcementRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conveyance = models.ForeignKey(
        "conveyance.Conveyance", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request_number = models.CharField(_("request number"), max_length=20)
    request_status = models.CharField(_("status"), max_length=20)
    occurred_at = models.DateTimeField(_("occurred"))
    payload = models.JSONField(default=dict)
    state = models.CharField(_("delivery state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # a motion's event and a status change may share the status and the moment
            models.UniqueConstraint(
                fields=["endpoint", "request", "event_type", "request_status", "occurred_at"],
                name="webhook_event_once",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "conveyance", "event_type", "request_status", "occurred_at"],
                name="webhook_conveyance_event_once",
            ),
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, conveyance__isnull=True)
                | models.Q(request__isnull=True, conveyance__isnull=False),
                name="webhook_event_of_one_case",
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "request", "state", "occurred_at"]),
            models.Index(fields=["endpoint", "conveyance", "state", "occurred_at"]),
        ]

    def __str__(self):
        return f"{self.request_number} {self.request_status}"

    @property
    def failure(self) -> str:
        """The last failure's class, in the reader's language (an older free-text error shows as
        a plain failure)."""
        if not self.last_error:
            return ""
        return Failure(self.last_error).label if self.last_error in Failure.values else _("failed")


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=clock.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
