from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import normalize_digits, validate_national_id

JUDGES_GROUP = "judges"
NOTARIES_GROUP = "notaries"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, national_id, password=None, **extra):
        user = self.model(national_id=normalize_digits(national_id), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # people log in through Nafath, not a password
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, national_id, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(national_id, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the portal, keyed by national id / iqama number.

    The civil-registry record with the same id (najiz.registries) holds the person's details;
    people sign in through the Nafath-style flow, judges and staff with a password.
    """

    national_id = models.CharField(
        _("national ID / iqama"), max_length=10, unique=True, validators=[validate_national_id]
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=[("ar", "العربية"), ("en", "English")], default="ar"
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "national_id"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ar").startswith("en"):
            return self.name_en or self.name_ar or self.national_id
        return self.name_ar or self.name_en or self.national_id

    @property
    def is_judge(self) -> bool:
        return self.groups.filter(name=JUDGES_GROUP).exists()

    @property
    def is_notary(self) -> bool:
        return self.groups.filter(name=NOTARIES_GROUP).exists()


class NafathChallenge(models.Model):
    """One Nafath-style sign-in request: the site shows `number`, the person picks it in the app.

    The `token` is the browser's handle on the request; it lives only in that browser's session.
    Rejected requests (a wrong number chosen) are the failures from which the lock of an id at a
    client address is derived (see najiz.accounts.services.nafath_locked_until), so there is no
    counter to drift. A request left unanswered is no failure: anyone can open one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign in to Najiz")
        SIGN_NOTE = "sign_note", _("Sign a promissory note")
        APPROVE = "approve", _("Approve a transaction")  # the act is named in act_ar / act_en

    FAILURES = (Status.REJECTED,)

    national_id = models.CharField(_("national ID / iqama"), max_length=10, validators=[validate_national_id])
    number = models.PositiveSmallIntegerField(_("number"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    # When the request stopped waiting: the answer's time, or expires_at for an expired request.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # When the confirmed request signed the browser in; a request signs in at most once.
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Where the request was opened from (najiz.common.addresses): failures count per id and address.
    client_address = models.CharField(_("client address"), max_length=45, blank=True, default="")
    # What the person confirms by answering, shown in the app: signing in, or signing a document
    # (`subject`, e.g. the note's number), so a signature never reads as a sign-in.
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.SIGN_IN)
    subject = models.CharField(_("subject"), max_length=40, blank=True, default="")
    # The act a request approves ("approve the sale of deed … for … SAR"); blank for a sign-in.
    act_ar = models.CharField(_("act approved (Arabic)"), max_length=300, blank=True, default="")
    act_en = models.CharField(_("act approved (English)"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("Nafath request")
        verbose_name_plural = _("Nafath requests")
        indexes = [
            models.Index(fields=["national_id", "status", "expires_at"], name="nafath_id_status_idx"),
            models.Index(fields=["expires_at"], name="nafath_pending_expiry_idx", condition=models.Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=10, number__lte=99), name="nafath_number_two_digits"),
        ]

    def __str__(self):
        return f"{self.national_id} · {self.number} · {self.status}"

    @property
    def act(self) -> str:
        """The act in the reader's language, or "" for a sign-in."""
        english = (translation.get_language() or "ar").startswith("en")
        return (self.act_en or self.act_ar) if english else (self.act_ar or self.act_en)


class PasswordLoginFailure(models.Model):
    """A failed staff password sign-in for the id that was typed (whether or not it exists).

    The lock of the staff sign-in is derived from these rows; a successful sign-in deletes them.
    """

    national_id = models.CharField(_("national ID / iqama"), max_length=10, db_index=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed password sign-in")
        verbose_name_plural = _("failed password sign-ins")
        indexes = [models.Index(fields=["national_id", "-at"], name="pwfail_id_at_idx")]

    def __str__(self):
        return f"{self.national_id} · {self.at:%Y-%m-%d %H:%M:%S}"
