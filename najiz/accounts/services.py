"""Sign-in and "acting as" commands.

Nafath-style sign-in: `start_nafath_login` → (the person answers in the app: `answer_challenge`)
→ `challenge_outcome` (the browser polls) → `complete_nafath_login`.

Locks are derived, not counted: an id is locked when its NAFATH_MAX_FAILURES most recent failures
all fall within NAFATH_LOCKOUT of the newest one, and stays locked until NAFATH_LOCKOUT after that
newest failure. Once the lock has ended, one more failure cannot re-lock the id on its own (the
older failures are then more than NAFATH_LOCKOUT older than it), so a fresh run of failures is
needed. The same rule governs the staff password sign-in, over PasswordLoginFailure rows.

For Nafath a failure is a wrong number chosen in the app, and failures count per id *and* client
address: anyone may open requests for an id, so a stranger's requests (unanswered, or refused by
the holder in the app) lock only the stranger's address, never the holder's own sign-in.
"""

import random
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.identifiers import is_valid_national_id, normalize_digits

from .models import NafathChallenge, PasswordLoginFailure, User

Status = NafathChallenge.Status
Purpose = NafathChallenge.Purpose  # what a Nafath request asks the person to confirm

# How many requests may wait at once for one id from one address (a shield for the person's app
# against floods).
MAX_PENDING_PER_ID = 3
SWEEP_BATCH_SIZE = 500


class SignInRefused(Exception):
    """The sign-in cannot go ahead; `message` is safe to show, `locked_until` set for a lock."""

    def __init__(self, message, *, code, locked_until: datetime | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.locked_until = locked_until


GENERIC_REFUSAL = _("You cannot sign in with this ID. Check the number, or contact the National Information Center.")


# --- locks ----------------------------------------------------------------------------------


def locked_until_from(failure_times: list[datetime], now: datetime) -> datetime | None:
    """The end of the lock given the most recent failure times (newest first), or None."""
    limit = settings.NAFATH_MAX_FAILURES
    window = settings.NAFATH_LOCKOUT
    if len(failure_times) < limit:
        return None
    newest, oldest = failure_times[0], failure_times[limit - 1]
    if newest - oldest > window:
        return None
    until = newest + window
    return until if until > now else None


def _nafath_failure_times(national_id: str, client_address: str) -> list[datetime]:
    failures = (
        NafathChallenge.objects.filter(
            national_id=national_id, client_address=client_address, status__in=NafathChallenge.FAILURES
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
    )
    return list(failures[: settings.NAFATH_MAX_FAILURES])


def nafath_locked_until(national_id: str, client_address: str = "") -> datetime | None:
    """The end of the lock on signing in as `national_id` from `client_address`, or None."""
    now = clock.now()
    return locked_until_from(_nafath_failure_times(normalize_digits(national_id), client_address), now)


def staff_locked_until(national_id: str) -> datetime | None:
    now = clock.now()
    times = list(
        PasswordLoginFailure.objects.filter(national_id=normalize_digits(national_id))
        .order_by("-at")
        .values_list("at", flat=True)[: settings.NAFATH_MAX_FAILURES]
    )
    return locked_until_from(times, now)


def record_staff_failure(national_id: str) -> None:
    PasswordLoginFailure.objects.create(national_id=normalize_digits(national_id)[:10], at=clock.now())


def clear_staff_failures(national_id: str) -> None:
    PasswordLoginFailure.objects.filter(national_id=normalize_digits(national_id)).delete()


def _locked_refusal(until: datetime) -> SignInRefused:
    return SignInRefused(_("Too many unsuccessful attempts with this ID."), code="locked", locked_until=until)


# --- Nafath-style sign-in -------------------------------------------------------------------


def _registry_person(national_id: str):
    from najiz.registries import services as registries

    person = registries.person(national_id)
    if person is None or not getattr(person, "alive", False):
        return None
    return person


@transaction.atomic
def start_nafath_login(
    national_id: str, *, client_address: str = "", replacing_token: str | None = None,
    purpose: str = NafathChallenge.Purpose.SIGN_IN, subject: str = "", act_ar: str = "", act_en: str = "",
) -> NafathChallenge:
    """Open a sign-in request for the id from `client_address` and return it, or raise SignInRefused.

    `replacing_token` is the browser's previous request, if any: it is cancelled, so the person
    who starts again from the same browser leaves no request waiting in their app. `purpose` and
    `subject` say what the app asks the person to confirm (a sign-in, or signing note `subject`);
    `act_ar` / `act_en` name the act an approval confirms ("approve the sale of deed … for … SAR").
    """
    national_id = normalize_digits(national_id)
    if not is_valid_national_id(national_id):
        raise SignInRefused(GENERIC_REFUSAL, code="invalid")
    now = clock.now()
    if replacing_token:
        NafathChallenge.objects.filter(token=replacing_token, status=Status.PENDING, expires_at__gt=now).update(
            status=Status.CANCELLED, decided_at=now
        )
    until = nafath_locked_until(national_id, client_address)
    if until:
        raise _locked_refusal(until)
    if _registry_person(national_id) is None:
        raise SignInRefused(GENERIC_REFUSAL, code="unknown")
    # Counted per address too, or a stranger keeping three requests open would shut the holder out.
    waiting = NafathChallenge.objects.filter(
        national_id=national_id, client_address=client_address, status=Status.PENDING, expires_at__gt=now
    ).count()
    if waiting >= MAX_PENDING_PER_ID:
        raise SignInRefused(
            _("Requests for this ID are already waiting in the Nafath app. Answer them or wait a minute."), code="busy"
        )
    return NafathChallenge.objects.create(
        national_id=national_id,
        number=secrets.choice(range(10, 100)),
        token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + settings.NAFATH_CHALLENGE_TTL,
        client_address=client_address,
        purpose=purpose,
        subject=subject[:40],
        act_ar=act_ar[:300],
        act_en=act_en[:300],
    )


def expire_if_due(challenge: NafathChallenge) -> NafathChallenge:
    """Mark a waiting request whose time is up as expired (the sweep does the same in batches)."""
    if challenge.status == Status.PENDING and challenge.expires_at <= clock.now():
        NafathChallenge.objects.filter(pk=challenge.pk, status=Status.PENDING).update(
            status=Status.EXPIRED, decided_at=F("expires_at")
        )
        challenge.refresh_from_db()
    return challenge


def challenge_outcome(token: str | None) -> NafathChallenge | None:
    """The browser's request in its current state (expired if its time is up), or None."""
    if not token:
        return None
    challenge = NafathChallenge.objects.filter(token=token).first()
    if challenge is None:
        return None
    return expire_if_due(challenge)


def seconds_left(challenge: NafathChallenge) -> int:
    return max(0, int((challenge.expires_at - clock.now()).total_seconds()))


def number_choices(challenge: NafathChallenge) -> list[int]:
    """Three numbers for the app screen: the right one and two different decoys, shuffled.

    Seeded by the request's token so that reloading the app screen shows the same three.
    """
    rng = random.Random(challenge.token)
    decoys = rng.sample([n for n in range(10, 100) if n != challenge.number], 2)
    numbers = [challenge.number, *decoys]
    rng.shuffle(numbers)
    return numbers


class ChallengeClosed(Exception):
    """The request no longer waits for an answer (answered already, expired or cancelled)."""


@transaction.atomic
def answer_challenge(challenge_id: int, number: int) -> NafathChallenge:
    """The person picks `number` in the app: the right number confirms, any other rejects."""
    challenge = NafathChallenge.objects.select_for_update().get(pk=challenge_id)
    now = clock.now()
    if challenge.status != Status.PENDING:
        raise ChallengeClosed(challenge.status)
    if challenge.expires_at <= now:
        challenge.status, challenge.decided_at = Status.EXPIRED, challenge.expires_at
        challenge.save(update_fields=["status", "decided_at"])
        raise ChallengeClosed(challenge.status)
    challenge.status = Status.CONFIRMED if number == challenge.number else Status.REJECTED
    challenge.decided_at = now
    challenge.save(update_fields=["status", "decided_at"])
    return challenge


def user_for_person(person) -> User:
    """The portal account of a civil-registry person, created on first sign-in, names kept current."""
    return users_for_persons([person])[person.national_id]


def users_for_party(party) -> list[User]:
    """The portal accounts that receive a party's notices: the person's own, or an entity's
    representatives' (none for no party)."""
    from najiz.registries import services as registries

    if party is None:
        return []
    persons = registries.representatives_of(party) if hasattr(party, "cr_number") else [party]
    return [user_for_person(person) for person in persons]


def _refresh_from_registry(user: User, person) -> list[str]:
    changed = []
    for field in ("name_ar", "name_en"):
        value = getattr(person, field, "") or ""
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    for field in ("email", "phone"):
        value = getattr(person, field, "") or ""
        if value and not getattr(user, field):
            setattr(user, field, value)
            changed.append(field)
    return changed


def _new_user(person) -> User:
    """The portal account of a registry person, validated, not saved."""
    user = User(
        national_id=normalize_digits(person.national_id), name_ar=person.name_ar or "", name_en=person.name_en or "",
        email=getattr(person, "email", "") or "", phone=getattr(person, "phone", "") or "",
    )
    user.set_unusable_password()  # people log in through Nafath, not a password
    user.full_clean(exclude=["password"], validate_unique=False)
    return user


def check_account_possible(person) -> None:
    """Raise ValidationError if no portal account could be made for the person (registry data
    users_for_persons would refuse), without writing anything."""
    _new_user(person)


def users_for_persons(persons) -> dict[str, User]:
    """The portal accounts of civil-registry persons, keyed by national id: made for those who
    have none, names kept current; a few queries whatever the number of persons."""
    persons = {p.national_id: p for p in persons}
    if not persons:
        return {}
    users = {u.national_id: u for u in User.objects.filter(national_id__in=list(persons))}
    missing = [_new_user(person) for national_id, person in persons.items() if national_id not in users]
    if missing:
        # another transaction may make the same account meanwhile: keep whichever committed first
        User.objects.bulk_create(missing, ignore_conflicts=True)
        users.update((u.national_id, u) for u in User.objects.filter(national_id__in=[u.national_id for u in missing]))
    for national_id, person in persons.items():
        user = users[national_id]
        changed = _refresh_from_registry(user, person)
        if changed:
            user.save(update_fields=changed)
    return users


@transaction.atomic
def complete_nafath_login(token: str, *, purpose: str = Purpose.SIGN_IN) -> User:
    """Use a confirmed request (once) and return the account to sign in, or raise SignInRefused.
    The request must have been opened for `purpose`: a signature confirmed signs no one in, and a
    sign-in confirmed signs no document."""
    challenge = NafathChallenge.objects.select_for_update().filter(token=token).first()
    if challenge is None or challenge.status != Status.CONFIRMED or challenge.used_at is not None:
        raise SignInRefused(GENERIC_REFUSAL, code="not_confirmed")
    if challenge.purpose != purpose:
        raise SignInRefused(GENERIC_REFUSAL, code="not_confirmed")
    until = nafath_locked_until(challenge.national_id, challenge.client_address)
    if until:  # locked while this request waited (failures from other browsers at the address)
        raise _locked_refusal(until)
    person = _registry_person(challenge.national_id)
    if person is None:
        raise SignInRefused(GENERIC_REFUSAL, code="unknown")
    user = user_for_person(person)
    if not user.is_active:
        raise SignInRefused(GENERIC_REFUSAL, code="inactive")
    challenge.used_at = clock.now()
    challenge.save(update_fields=["used_at"])
    return user


def sweep_expired_challenges(batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Mark every waiting request whose time is up as expired, in batches; return how many."""
    now = clock.now()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                NafathChallenge.objects.filter(status=Status.PENDING, expires_at__lte=now)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            total += NafathChallenge.objects.filter(pk__in=ids, status=Status.PENDING).update(
                status=Status.EXPIRED, decided_at=F("expires_at")
            )


# --- acting as an entity --------------------------------------------------------------------


def person_of(user):
    """The civil-registry person behind a signed-in user (None for staff without a record)."""
    from najiz.registries import services as registries

    if not getattr(user, "is_authenticated", False):
        return None
    return registries.person(user.national_id)


def entity_by_cr(cr_number: str):
    from najiz.registries import services as registries

    cr_number = normalize_digits(cr_number)
    if not cr_number.isdigit() or len(cr_number) > 20:
        return None
    return registries.entity(cr_number)


def may_act_for(person, entity) -> bool:
    from najiz.registries import services as registries

    if person is None or entity is None:
        return False
    return bool(registries.represents(person, entity))


def entities_of(person) -> list:
    """The entities a person (or the signed-in user) may act for."""
    from najiz.registries import services as registries

    return registries.entities_represented_by(person)
