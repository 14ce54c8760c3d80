from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.money import ZERO, MoneyField

from .states import OPEN, Status, public_status


class Circuit(models.Model):
    """An enforcement circuit (دائرة التنفيذ) of a court in a city, with its judges."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    court_ar = models.CharField(_("court (Arabic)"), max_length=200)
    court_en = models.CharField(_("court (English)"), max_length=200)
    city = models.CharField(_("city"), max_length=60, db_index=True)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="circuits", verbose_name=_("judges")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("enforcement circuit")
        verbose_name_plural = _("enforcement circuits")

    def __str__(self):
        """The circuit with its court (which names the city): several courts have a first circuit."""
        from django.utils.translation import get_language

        if (get_language() or "ar").startswith("en"):
            return f"{self.name_en}, {self.court_en}" if self.court_en else self.name_en
        return f"{self.name_ar} — {self.court_ar}" if self.court_ar else self.name_ar


class EnforcementRequest(models.Model):
    """طلب تنفيذ: a creditor's request to enforce an execution instrument against its debtors."""

    number = models.CharField(_("request number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_before_suspension = models.CharField(max_length=20, choices=Status.choices, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enforcement_requests"
    )
    creditor_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    creditor_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_number = models.CharField(_("instrument number"), max_length=40, blank=True)
    instrument = models.ForeignKey(
        "registries.Instrument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_claimed = MoneyField(_("amount claimed"), default=ZERO)
    creditor_iban = models.CharField(_("creditor IBAN"), max_length=34, blank=True)
    circuit = models.ForeignKey(Circuit, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    collected = MoneyField(_("collected"), default=ZERO)
    disbursed = MoneyField(_("disbursed"), default=ZERO)
    paid_outside = MoneyField(_("paid outside the system"), default=ZERO)
    notified_at = models.DateTimeField(_("debtor notified at"), null=True, blank=True)
    deadline = models.DateTimeField(_("payment deadline"), null=True, blank=True, db_index=True)
    deadline_alerted_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=clock.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enforcement request")
        verbose_name_plural = _("enforcement requests")
        constraints = [
            models.CheckConstraint(
                name="request_one_creditor_kind",
                condition=~(Q(creditor_person__isnull=False) & Q(creditor_entity__isnull=False)),
            ),
            models.CheckConstraint(
                name="request_amounts_not_negative",
                condition=Q(amount_claimed__gte=0, collected__gte=0, disbursed__gte=0),
            ),
        ]
        indexes = [
            models.Index(fields=["filed_by", "status"]),
            models.Index(fields=["creditor_entity", "status"]),
            models.Index(fields=["instrument", "status"]),
            models.Index(fields=["instrument_number", "status"]),  # the audit's earlier-requests checks
            models.Index(fields=["status", "status_changed_at"]),
            # the referral's load per circuit counts only open requests
            models.Index(fields=["circuit"], condition=Q(status__in=sorted(OPEN)), name="request_open_per_circuit"),
            # the dashboard's figures of a filer or of a creditor entity (selectors._stats), read from
            # the index alone
            models.Index(
                fields=["filed_by", "status"],
                condition=Q(creditor_entity__isnull=True),
                name="request_filed_figures",
                include=["withdrawn", "amount_claimed", "collected", "disbursed", "paid_outside"],
            ),
            models.Index(
                fields=["creditor_entity", "status"],
                condition=Q(creditor_entity__isnull=False),
                name="request_entity_figures",
                include=["withdrawn", "amount_claimed", "collected", "disbursed", "paid_outside"],
            ),
            # "my requests", newest first (selectors.filed_by): a page is read from the index in its
            # order, not sorted out of all the filer's requests, whatever the table's size
            models.Index(fields=["filed_by", "-created_at", "-id"], condition=Q(creditor_entity__isnull=True),
                         name="request_filed_newest"),
            models.Index(fields=["creditor_entity", "-created_at", "-id"], condition=Q(creditor_entity__isnull=False),
                         name="request_entity_newest"),
        ]

    def __str__(self):
        return self.number or _("Draft request")

    @property
    def creditor(self):
        return self.creditor_entity or self.creditor_person

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_claimed - self.collected - self.paid_outside, ZERO)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def public_status(self) -> str:
        return public_status(self.status, collected=self.collected + self.paid_outside, was_withdrawn=self.withdrawn)


class RequestDebtor(models.Model):
    request = models.ForeignKey(EnforcementRequest, on_delete=models.CASCADE, related_name="debtors")
    id_number = models.CharField(_("debtor ID / CR number"), max_length=10)
    person = models.ForeignKey("registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "id_number"], name="debtor_once_per_request")]
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self):
        party = self.person or self.entity
        return str(party) if party else self.id_number

    @property
    def party(self):
        return self.person or self.entity


class ExecutionOrder(models.Model):
    """Art. 34 execution order (أمر التنفيذ): pay within the period or Art. 46 measures follow."""

    request = models.OneToOneField(EnforcementRequest, on_delete=models.PROTECT, related_name="order")
    number = models.CharField(max_length=24, unique=True)
    amount = MoneyField()
    period_days = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(default=clock.now)
    published_at = models.DateTimeField(null=True, blank=True)  # newspaper notice fallback

    def __str__(self):
        return self.number


class MeasureKind(models.TextChoices):
    DISCLOSE_ASSETS = "disclose_assets", _("Disclosure of assets")
    FREEZE_BALANCE = "freeze_balance", _("Freeze of bank balance")
    SEIZE_BALANCE = "seize_balance", _("Seizure of bank balance")
    TRAVEL_BAN = "travel_ban", _("Travel ban")
    STOP_POA = "stop_poa", _("Stop issuing powers of attorney")
    DEED_SEIZURE = "deed_seizure", _("Seizure of real estate")
    CREDIT_REPORT = "credit_report", _("Notice to the credit bureau")
    DEALINGS_BAR = "dealings_bar", _("Bar on new financial dealings")


class Measure(models.Model):
    """One Art. 46 measure against a debtor, with the registry reference it acted on."""

    class State(models.TextChoices):
        APPLIED = "applied", _("In force")
        LIFTED = "lifted", _("Lifted")

    request = models.ForeignKey(EnforcementRequest, on_delete=models.PROTECT, related_name="measures")
    debtor = models.ForeignKey(RequestDebtor, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    target = models.CharField(_("target"), max_length=40, blank=True)  # IBAN, deed number, ...
    # the registries' reference it was applied (and is lifted) with: the request's number, with the
    # round after a reactivation, since the registries do an operation once per reference
    ref = models.CharField(max_length=40, blank=True)
    amount = MoneyField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.APPLIED)
    applied_at = models.DateTimeField(default=clock.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey("casefile.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["applied_at", "id"]
        # once in force at a time: a measure lifted for a grace period or a suspension is applied
        # again as a new row when enforcement reactivates
        constraints = [
            models.UniqueConstraint(
                fields=["request", "debtor", "kind", "target"], condition=Q(status="applied"),
                name="measure_once_in_force",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target}".strip()


class Collection(models.Model):
    """Money collected on a request: an invoice payment or a seized balance. One row per source."""

    class Source(models.TextChoices):
        INVOICE = "invoice", _("Payment of the invoice")
        SEIZURE = "seizure", _("Seized bank balance")

    request = models.ForeignKey(EnforcementRequest, on_delete=models.PROTECT, related_name="collections")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    ref = models.CharField(max_length=80)
    amount = MoneyField(_("amount"))
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "ref"], name="collection_once_per_source")]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


class StepFailure(models.Model):
    """A request set aside after its automatic step failed (enforcement.quarantine): kept out of
    the batches and retried alone with backoff; after ENFORCEMENT_STEP_MAX_FAILURES it waits for
    a judge (`decision`, in the supervision queue). Deleted once the step passes or a judge retries."""

    request = models.OneToOneField(EnforcementRequest, on_delete=models.CASCADE, related_name="step_failure")
    step = models.CharField(_("step"), max_length=20)  # audit, referral, order
    error = models.CharField(_("error"), max_length=200)  # the exception's class
    message = models.CharField(_("error message"), max_length=500, blank=True)  # for the operators only
    failures = models.PositiveSmallIntegerField(_("failures"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"), default=clock.now)
    last_failed_at = models.DateTimeField(_("last failed at"), default=clock.now)
    retry_at = models.DateTimeField(_("next retry"), null=True, blank=True, db_index=True)  # None: waits for a judge
    decision = models.ForeignKey("casefile.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("request set aside")
        verbose_name_plural = _("requests set aside")

    def __str__(self):
        return f"{self.request_id}: {self.step} ({self.error} × {self.failures})"


class Motion(models.Model):
    """A party's motion on an open request (docs/design.md §6): the debtor's disclosure of assets,
    objection (منازعة تنفيذ) or request for a grace period, the creditor's grant of one, an
    instalment settlement. Who decides it, and why, is kept with it."""

    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure", _("Disclosure of assets")
        OBJECTION = "objection", _("Objection to enforcement")
        GRACE_REQUEST = "grace_request", _("Request for a grace period")
        GRACE_GRANT = "grace_grant", _("Grace period granted by the creditor")
        SETTLEMENT = "settlement", _("Instalment settlement")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")
        RECORDED = "recorded", _("Recorded")

    class Grounds(models.TextChoices):
        PAID = "paid_before_order", _("Paid before the order")
        VOID = "instrument_void", _("The instrument is void or forged")
        NOT_DEBTOR = "not_the_debtor", _("I am not the debtor")
        AMOUNT = "amount_wrong", _("The amount is wrong")
        OTHER = "other", _("Other")

    request = models.ForeignKey(EnforcementRequest, on_delete=models.PROTECT, related_name="motions")
    kind = models.CharField(_("motion"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    grounds = models.CharField(_("grounds"), max_length=20, choices=Grounds.choices, blank=True)
    reference = models.CharField(_("payment reference"), max_length=40, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    assets = models.JSONField(_("assets disclosed"), default=list, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey(RequestDebtor, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), default=clock.now)
    # the decision that puts the motion before the judge, or records what the system did with it
    decision = models.ForeignKey("casefile.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    # enforcement stopped by the motion: what remained of the payment period, given back when it resumes
    suspended = models.BooleanField(default=False)
    period_left = models.DurationField(null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"], condition=Q(status="pending"), name="motion_one_pending_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["request", "kind", "status"]),
            # the deadline sweep's grace periods that end
            models.Index(
                fields=["ends_at"], condition=Q(ended_at__isnull=True, status="granted"), name="motion_grace_due"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.request})"


class Instalment(models.Model):
    """One instalment of a settlement plan (تقسيط): proposed with the motion, and once the creditor
    accepts, an invoice of its own (a SADAD bill due on its date, through the payments app)."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="instalments")
    request = models.ForeignKey(EnforcementRequest, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount = MoneyField(_("amount"))
    due_on = models.DateField(_("due on"))
    invoice = models.ForeignKey("payments.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["motion", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["motion", "number"], name="instalment_once_per_plan"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        # the sweep's instalments still unpaid
        indexes = [models.Index(fields=["due_on"], condition=Q(paid_at__isnull=True), name="instalment_unpaid_due")]

    def __str__(self):
        return f"{self.request} #{self.number}"
