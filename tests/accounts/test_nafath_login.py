"""The Nafath-style sign-in through Django's test client: the browser and the phone app."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from najiz.accounts import services, sessions
from najiz.accounts.forms import lock_message
from najiz.accounts.models import NafathChallenge, User
from najiz.common import clock
from najiz.common.identifiers import with_check_digit

from .conftest import HX, answer, fail_once, latest_challenge, poll, start, wrong_number

pytestmark = pytest.mark.django_db
Status = NafathChallenge.Status
LOCAL = "127.0.0.1"  # the test client's address
STRANGER = "203.0.113.9"


def text(msgid):
    return escape(gettext(msgid))


def test_full_flow_signs_the_person_in(client, phone, person):
    response = start(client, person.national_id)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:nafath_wait")

    challenge = latest_challenge(person.national_id)
    assert challenge.status == Status.PENDING and 10 <= challenge.number <= 99
    assert challenge.expires_at - challenge.created_at == settings.NAFATH_CHALLENGE_TTL
    assert client.session[sessions.NAFATH_CHALLENGE] == challenge.token

    waiting = client.get(reverse("accounts:nafath_wait"))
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert f'data-testid="nafath-number" dir="ltr">{challenge.number}<' in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{reverse("accounts:nafath_status")}"' in page
    assert challenge.token not in page  # the browser's handle never leaves the session

    still_waiting = poll(client)
    assert still_waiting.status_code == 200 and "HX-Redirect" not in still_waiting
    assert 'hx-trigger="every 2s"' in still_waiting.content.decode()

    app = phone.get(reverse("nafath:simulator"), {"national_id": person.national_id})
    assert app.status_code == 200
    choices = next(c for c in app.context["challenges"] if c["challenge"].pk == challenge.pk)["choices"]
    assert len(set(choices)) == 3 and challenge.number in choices
    for number in choices:
        assert f'name="number" value="{number}"' in app.content.decode()

    confirmed = answer(phone, challenge, challenge.number)
    assert confirmed.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Status.CONFIRMED

    signed_in = poll(client)
    assert signed_in.status_code == 200
    assert signed_in["HX-Redirect"] == reverse("home")
    user = User.objects.get(national_id=person.national_id)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.name_ar, user.name_en, user.email, user.phone) == (
        person.name_ar, person.name_en, person.email, person.phone)
    assert not user.has_usable_password()
    assert sessions.NAFATH_CHALLENGE not in client.session

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert person.name_ar in home.content.decode()

    # The confirmed request cannot sign in a second time.
    challenge.refresh_from_db()
    assert challenge.used_at is not None
    with pytest.raises(services.SignInRefused):
        services.complete_nafath_login(challenge.token)


def test_returning_person_keeps_their_account(client, phone, person):
    from tests.factories.accounts import UserFactory

    existing = UserFactory(national_id=person.national_id, name_ar="اسم قديم", email="")
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, challenge.number)
    assert poll(client)["HX-Redirect"] == reverse("home")
    existing.refresh_from_db()
    assert User.objects.filter(national_id=person.national_id).count() == 1
    assert existing.name_ar == person.name_ar and existing.email == person.email


def test_arabic_indic_digits_are_accepted(client, person):
    arabic = person.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = start(client, f" {arabic} ")
    assert response.status_code == 302
    assert latest_challenge(person.national_id).national_id == person.national_id


def test_the_wait_page_without_htmx_signs_in_once_confirmed(client, phone, person):
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, challenge.number)
    response = client.get(reverse("accounts:nafath_wait"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"]


def test_wrong_number_refuses(client, phone, person):
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    outcome = answer(phone, challenge, wrong_number(challenge))
    assert outcome.status_code == 302
    app = phone.get(outcome["Location"])
    assert text("The number chosen was wrong, so the request was refused.") in app.content.decode()

    response = poll(client)
    assert response.status_code == 200 and "HX-Redirect" not in response
    body = response.content.decode()
    assert text("The number chosen was wrong, so the request was refused. Start again.") in body
    assert "hx-trigger" not in body  # polling stops
    assert f'href="{reverse("accounts:login")}"' in body
    assert "_auth_user_id" not in client.session
    challenge.refresh_from_db()
    assert challenge.status == Status.REJECTED and challenge.decided_at is not None


def test_expired_request_refuses_even_before_the_sweep(client, phone, person, travel):
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    with travel(timedelta(seconds=61)):
        response = poll(client)
        assert text("The request expired before it was confirmed. Try again.") in response.content.decode()
        challenge.refresh_from_db()
        assert challenge.status == Status.EXPIRED
        assert challenge.decided_at == challenge.expires_at
        # Too late in the app as well.
        answer(phone, challenge, challenge.number)
        challenge.refresh_from_db()
        assert challenge.status == Status.EXPIRED
    assert "_auth_user_id" not in client.session


def test_confirming_after_expiry_is_refused(client, phone, person, travel):
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    with travel(timedelta(seconds=61)):
        outcome = answer(phone, challenge, challenge.number)
        app = phone.get(outcome["Location"])
        assert text("The request expired before it was answered.") in app.content.decode()
        response = poll(client)
    assert text("The request expired before it was confirmed. Try again.") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_simulator_lists_only_waiting_unexpired_requests(phone, client, person, travel):
    start(client, person.national_id)
    old = latest_challenge(person.national_id)
    with travel(timedelta(seconds=61)):
        other = Client()
        start(other, person.national_id)
        fresh = latest_challenge(person.national_id)
        page = phone.get(reverse("nafath:simulator"), {"national_id": person.national_id})
        listed = [item["challenge"].pk for item in page.context["challenges"]]
    assert listed == [fresh.pk] and old.pk not in listed


def test_decoys_are_stable_and_different(person):
    challenge = services.start_nafath_login(person.national_id)
    first = services.number_choices(challenge)
    assert first == services.number_choices(challenge)
    assert len(set(first)) == 3 and challenge.number in first and all(10 <= n <= 99 for n in first)


def test_starting_again_in_the_same_browser_cancels_the_previous_request(client, person):
    start(client, person.national_id)
    first = latest_challenge(person.national_id)
    start(client, person.national_id)
    first.refresh_from_db()
    assert first.status == Status.CANCELLED
    assert services.nafath_locked_until(person.national_id, LOCAL) is None


def test_another_browser_cannot_use_the_request(client, phone, person):
    start(client, person.national_id)
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, challenge.number)
    intruder = Client()
    response = intruder.get(reverse("accounts:nafath_status"), **HX)
    assert "HX-Redirect" not in response
    assert "_auth_user_id" not in intruder.session
    assert poll(client)["HX-Redirect"] == reverse("home")


# --- failures and the lock ------------------------------------------------------------------


def test_five_failures_lock_the_id_and_the_lock_ends(client, phone, person, travel):
    for _ in range(settings.NAFATH_MAX_FAILURES):
        fail_once(client, phone, person.national_id)

    until = services.nafath_locked_until(person.national_id, LOCAL)
    assert until is not None
    count = NafathChallenge.objects.count()
    refused = start(client, person.national_id)
    assert refused.status_code == 429
    assert escape(lock_message(until)) in refused.content.decode()
    assert NafathChallenge.objects.count() == count  # no request opened while locked
    # The time shown is the end of the lock, to the next minute.
    shown = timezone.localtime(until).replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert shown.strftime("%H:%M") in refused.content.decode() and shown >= until > shown - timedelta(minutes=1)
    assert 0 < int(refused["Retry-After"]) <= settings.NAFATH_LOCKOUT.total_seconds()

    with travel(settings.NAFATH_LOCKOUT - timedelta(seconds=5)):
        assert start(client, person.national_id).status_code == 429

    with travel(settings.NAFATH_LOCKOUT + timedelta(seconds=1)):
        assert services.nafath_locked_until(person.national_id, LOCAL) is None
        response = start(client, person.national_id)
        assert response.status_code == 302
        challenge = latest_challenge(person.national_id)
        answer(phone, challenge, challenge.number)
        assert poll(client)["HX-Redirect"] == reverse("home")

        # One more failure after the lock does not lock the id again by itself.
        other = Client()
        fail_once(other, phone, person.national_id)
        assert services.nafath_locked_until(person.national_id, LOCAL) is None


def test_the_sixth_attempt_is_refused_even_with_the_right_number(client, phone, person):
    early = Client()  # a request opened before the failures, in another browser
    start(early, person.national_id)
    opened_early = latest_challenge(person.national_id)
    for _ in range(settings.NAFATH_MAX_FAILURES):
        fail_once(client, phone, person.national_id)
    until = services.nafath_locked_until(person.national_id, LOCAL)

    assert escape(lock_message(until)) in start(client, person.national_id).content.decode()

    answer(phone, opened_early, opened_early.number)
    response = poll(early)
    assert "HX-Redirect" not in response
    assert escape(lock_message(until)) in response.content.decode()
    assert "_auth_user_id" not in early.session and "_auth_user_id" not in client.session


def test_unanswered_requests_are_no_failures(client, phone, person, travel):
    # Three sign-ins abandoned, two more a minute later: anyone knowing the id can do this.
    for _ in range(3):
        assert start(Client(), person.national_id).status_code == 302
    with travel(timedelta(seconds=61)):
        for _ in range(2):
            assert start(Client(), person.national_id).status_code == 302
    with travel(timedelta(seconds=122)):
        assert services.nafath_locked_until(person.national_id, LOCAL) is None
        assert start(client, person.national_id).status_code == 302
        challenge = latest_challenge(person.national_id)
        answer(phone, challenge, challenge.number)
        assert poll(client)["HX-Redirect"] == reverse("home")


def test_a_stranger_elsewhere_cannot_lock_the_holder_out(client, phone, person):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(settings.NAFATH_MAX_FAILURES):
        fail_once(stranger, phone, person.national_id)  # the holder refuses the requests in the app
    assert services.nafath_locked_until(person.national_id, STRANGER) is not None
    assert start(stranger, person.national_id).status_code == 429

    assert services.nafath_locked_until(person.national_id, LOCAL) is None
    assert start(client, person.national_id).status_code == 302
    challenge = latest_challenge(person.national_id)
    assert challenge.client_address == LOCAL
    answer(phone, challenge, challenge.number)
    assert poll(client)["HX-Redirect"] == reverse("home")


def test_a_stranger_keeping_requests_open_does_not_make_the_holder_wait(client, person):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(services.MAX_PENDING_PER_ID):
        assert start(Client(REMOTE_ADDR=STRANGER), person.national_id).status_code == 302
    busy = text("Requests for this ID are already waiting in the Nafath app. Answer them or wait a minute.")
    refused = start(stranger, person.national_id)
    assert refused.status_code == 400 and busy in refused.content.decode()  # for the stranger only
    assert start(client, person.national_id).status_code == 302


def test_the_refusal_that_locks_says_until_when(client, phone, person):
    for _ in range(settings.NAFATH_MAX_FAILURES - 1):
        fail_once(client, phone, person.national_id)
    assert start(client, person.national_id).status_code == 302
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, wrong_number(challenge))
    until = services.nafath_locked_until(person.national_id, LOCAL)
    assert until is not None
    body = poll(client).content.decode()
    assert escape(lock_message(until)) in body
    assert text("The number chosen was wrong, so the request was refused. Start again.") not in body


def test_failures_spread_wider_than_the_window_do_not_lock(client, phone, person, travel):
    step = settings.NAFATH_LOCKOUT / (settings.NAFATH_MAX_FAILURES - 1) + timedelta(seconds=1)
    for index in range(settings.NAFATH_MAX_FAILURES):
        with travel(step * index):
            fail_once(Client(), phone, person.national_id)
    with travel(step * (settings.NAFATH_MAX_FAILURES - 1)):
        assert services.nafath_locked_until(person.national_id, LOCAL) is None


def test_too_many_waiting_requests_are_refused(person):
    for _ in range(services.MAX_PENDING_PER_ID):
        services.start_nafath_login(person.national_id)
    with pytest.raises(services.SignInRefused) as refused:
        services.start_nafath_login(person.national_id)
    assert refused.value.code == "busy"


# --- bad input and unknown people -----------------------------------------------------------

BAD_IDS = [
    "abc",
    "123",
    "1234567890",  # bad check digit
    "12345678970",  # 11 digits
    "",
    "1" * 5000,
    "1' OR '1'='1",
    "1234567897; DROP TABLE accounts_user;--",
    "3234567890",
    "１２３４５６７８９７",  # full-width digits are not an id
    "12345\x0167897",
]


@pytest.mark.parametrize("bad", BAD_IDS, ids=range(len(BAD_IDS)))
def test_malformed_ids_give_a_form_error(client, bad):
    response = start(client, bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.get("national_id")
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'aria-describedby="id_national_id_helptext id_national_id_error"' in body
    assert 'aria-invalid="true"' in body
    assert NafathChallenge.objects.count() == 0


@pytest.mark.parametrize("bad", ["abc", "", "1" * 3000, "1234567890"])
def test_malformed_ids_in_the_simulator_give_a_form_error(phone, bad):
    response = phone.get(reverse("nafath:simulator"), {"national_id": bad})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_unknown_and_deceased_people_get_the_same_generic_refusal(client):
    from tests.factories.registries import PersonFactory

    unknown = with_check_digit("199999999")
    deceased = PersonFactory(deceased=True)
    first = start(client, unknown)
    second = start(client, deceased.national_id)
    generic = text(str(services.GENERIC_REFUSAL))
    assert first.status_code == second.status_code == 400
    assert generic in first.content.decode() and generic in second.content.decode()
    assert first.context["form"].errors == second.context["form"].errors
    assert NafathChallenge.objects.count() == 0


@pytest.mark.parametrize("number", ["abc", "", "5", "100", "-1", "9" * 40])
def test_bad_numbers_in_the_simulator_are_400(phone, person, number):
    challenge = services.start_nafath_login(person.national_id)
    response = phone.post(reverse("nafath:answer", args=[challenge.pk]), {"number": number})
    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.status == Status.PENDING


def test_unknown_request_in_the_simulator_is_404(phone):
    assert phone.post(reverse("nafath:answer", args=[999999]), {"number": 42}).status_code == 404


def test_the_simulator_needs_csrf(person):
    challenge = services.start_nafath_login(person.national_id)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("nafath:answer", args=[challenge.pk]), {"number": challenge.number}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == Status.PENDING


def test_status_without_a_request_sends_back_to_the_start(client):
    assert client.get(reverse("accounts:nafath_wait"))["Location"] == reverse("accounts:login")
    response = poll(client)
    assert response.status_code == 200
    assert f'href="{reverse("accounts:login")}"' in response.content.decode()
    assert client.get(reverse("accounts:nafath_status"))["Location"] == reverse("accounts:login")


# --- next -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/x",
        "http://evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "https:/evil.example",
    ],
)
def test_next_cannot_redirect_off_site(client, phone, person, evil):
    start(client, person.national_id, next_url=evil)
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, challenge.number)
    assert poll(client)["HX-Redirect"] == reverse("home")


def test_next_on_this_site_is_followed(client, phone, person):
    target = reverse("accounts:staff_login") + "?x=1"
    login_page = client.get(reverse("accounts:login"), {"next": target})
    assert f'name="next" value="{escape(target)}"' in login_page.content.decode()
    start(client, person.national_id, next_url=target)
    challenge = latest_challenge(person.national_id)
    answer(phone, challenge, challenge.number)
    assert poll(client)["HX-Redirect"] == target


def test_a_signed_in_person_is_sent_on_from_the_login_page(client, person):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory(national_id=person.national_id))
    assert client.get(reverse("accounts:login"), {"next": "https://evil.example"})["Location"] == reverse("home")


# --- expiry sweep ---------------------------------------------------------------------------


def test_sweep_marks_expired_requests_in_batches_and_is_idempotent(person, travel):
    from najiz.accounts.tasks import sweep_expired_challenges
    from tests.factories.registries import PersonFactory

    others = [PersonFactory() for _ in range(2)]
    for someone in [person, *others]:
        services.start_nafath_login(someone.national_id)
    with travel(timedelta(seconds=30)):
        fresh = services.start_nafath_login(person.national_id)
    with travel(timedelta(seconds=61)):
        assert services.sweep_expired_challenges(batch_size=2) == 3
        assert sweep_expired_challenges.apply().get() == 0
        fresh.refresh_from_db()
        assert fresh.status == Status.PENDING
    expired = NafathChallenge.objects.filter(status=Status.EXPIRED)
    assert expired.count() == 3
    assert all(c.decided_at == c.expires_at for c in expired)


def test_sweep_task_is_registered_under_its_name():
    from najiz.celery import app

    assert "accounts.sweep_expired_challenges" in app.tasks
    assert clock.now()  # the task reads the portal clock (see services.sweep_expired_challenges)


def test_out_of_range_request_numbers_are_404_not_500(phone, person):
    huge = "9" * 30
    assert phone.post(f"/nafath/requests/{huge}/answer/", {"number": 42}).status_code == 404
    response = phone.get(reverse("nafath:simulator"), {"national_id": person.national_id, "answered": huge})
    assert response.status_code == 200
