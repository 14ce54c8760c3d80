"""E-promissory notes (السند لأمر الإلكتروني) issued through the portal, and their endorsements.

A note is a draft of an instrument until the debtor has confirmed it through Nafath and the
creditor (and the guarantor, if any) accepted it; only then is it written to the instruments
registry (`instrument`), which from then on is the authority on its holder and its validity.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.money import HALALA, MoneyField
from najiz.registries.cities import City
from najiz.registries.models import Party, exactly_one

from .states import REGISTERED, TONES, Status


class PromissoryNote(models.Model):
    number = models.CharField(_("note number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issued_notes", verbose_name=_("issued by")
    )
    debtor_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    debtor_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    creditor_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    creditor_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guarantor_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount"), validators=[MinValueValidator(HALALA)])
    due_date = models.DateField(_("due date"))
    place = models.CharField(_("place of issue"), max_length=30, choices=City.choices)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    # The Nafath request that the debtor answers (accounts.NafathChallenge.token); server side only.
    challenge_token = models.CharField(max_length=64, blank=True, editable=False)
    debtor_confirmed_at = models.DateTimeField(_("debtor confirmed at"), null=True, blank=True)
    creditor_accepted_at = models.DateTimeField(_("creditor accepted at"), null=True, blank=True)
    guarantor_accepted_at = models.DateTimeField(_("guarantor accepted at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    instrument = models.OneToOneField(
        "registries.Instrument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enforcement_number = models.CharField(_("enforcement request"), max_length=20, blank=True)
    status_changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("electronic promissory note")
        verbose_name_plural = _("electronic promissory notes")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("debtor_person", "debtor_entity"), name="einstr_note_one_debtor"
            ),
            models.CheckConstraint(
                condition=exactly_one("creditor_person", "creditor_entity"), name="einstr_note_one_creditor"
            ),
            models.CheckConstraint(
                condition=exactly_one("holder_person", "holder_entity"), name="einstr_note_one_holder"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="einstr_note_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=sorted(s.value for s in REGISTERED), instrument__isnull=False)
                | ~Q(status__in=sorted(s.value for s in REGISTERED)),
                name="einstr_registered_note_has_instrument",
            ),
        ]

    def __str__(self):
        return self.number

    debtor, creditor, holder = Party("debtor"), Party("creditor"), Party("holder")

    @property
    def guarantor(self):
        return self.guarantor_person

    @property
    def is_registered(self) -> bool:
        return self.status in REGISTERED

    @property
    def tone(self) -> str:
        return TONES.get(self.status, "neutral")

    @property
    def is_past_due(self) -> bool:
        return clock.today() > self.due_date

    @property
    def awaiting_guarantor(self) -> bool:
        return self.guarantor_person_id is not None and self.guarantor_accepted_at is None


class NoteEndorsement(models.Model):
    """The holder's transfer of a note to a new holder, who accepts or declines it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the new holder")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    note = models.ForeignKey(
        PromissoryNote, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("note")
    )
    from_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.ForeignKey(
        "registries.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_entity = models.ForeignKey(
        "registries.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("from_person", "from_entity"), name="einstr_endorsement_one_from"
            ),
            models.CheckConstraint(condition=exactly_one("to_person", "to_entity"), name="einstr_endorsement_one_to"),
            models.UniqueConstraint(
                fields=["note"], condition=Q(state="pending"), name="einstr_one_pending_endorsement"
            ),
        ]

    def __str__(self):
        return f"{self.note.number}: {self.from_party} → {self.to_party}"

    from_party, to_party = Party("from"), Party("to")
