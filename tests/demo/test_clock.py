"""The demo clock (development only): the bar's buttons move the portal's time, the sweeps run at
once, the offset outlasts a restart, sessions follow it, and production has none of it."""

import importlib
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from demo import clock as demo_clock
from enforcement import services
from enforcement.models import EnforcementRequest, Measure
from enforcement.states import Status
from najiz.common import clock
from najiz.common.models import DemoClock

pytestmark = pytest.mark.django_db
MOVE, RESET = reverse("demo:clock_move"), reverse("demo:clock_reset")


@pytest.fixture
def demo(settings):
    settings.DEMO_CLOCK = True  # the setting's change makes the clock read its offset afresh
    yield
    clock.forget_demo_offset()  # the test's row is rolled back


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, user=case.user)
    request = EnforcementRequest.objects.get(pk=draft.pk)
    assert request.status == Status.ORDER_ISSUED and request.deadline is not None
    return request


def _move(client, capture, step, next_url="/enforcement/"):
    with capture(execute=True):
        return client.post(MOVE, {"step": step, "next": next_url})


def _ahead() -> timedelta:
    return clock.now() - timezone.now()


def _about(delta: timedelta) -> bool:
    return abs(_ahead() - delta) < timedelta(seconds=5)


def test_five_days_on_the_measures_apply_and_the_bar_shows_the_portal_date(
        client, case, issued, demo, django_capture_on_commit_callbacks):
    client.force_login(case.user)
    assert 'data-testid="demo-clock"' in client.get("/").content.decode()
    assert not Measure.objects.filter(request=issued).exists()
    response = _move(client, django_capture_on_commit_callbacks, "5d")
    assert response.status_code == 302 and response["Location"] == "/enforcement/"
    assert DemoClock.objects.get().offset == timedelta(days=5)
    assert _about(timedelta(days=5))
    assert Measure.objects.filter(request=issued).exists()  # the sweeps ran right after the move
    assert EnforcementRequest.objects.get(pk=issued.pk).status == Status.MEASURES_APPLIED
    page = client.get(reverse("enforcement:detail", args=[issued.number]))
    html = page.content.decode()
    assert page.status_code == 200  # still signed in, five days later
    assert 'data-testid="demo-clock-date"' in html and clock.today().isoformat() in html


def test_the_moves_add_up_and_reset_gives_the_real_time_back(client, demo, django_capture_on_commit_callbacks):
    _move(client, django_capture_on_commit_callbacks, "1d")
    _move(client, django_capture_on_commit_callbacks, "20d")
    assert DemoClock.objects.get().offset == timedelta(days=21)
    assert client.post(RESET, {"next": "/"})["Location"] == "/"
    assert DemoClock.objects.get().offset == timedelta(0)
    assert _about(timedelta(0))
    assert 'data-testid="demo-clock-date"' not in client.get("/").content.decode()


def test_to_the_next_deadline_moves_just_past_the_payment_period(client, issued, demo,
                                                                 django_capture_on_commit_callbacks):
    deadline = issued.deadline
    assert demo_clock.next_deadline().at == deadline
    response = _move(client, django_capture_on_commit_callbacks, "next")
    assert response.status_code == 302
    assert deadline < clock.now() < deadline + timedelta(minutes=2)
    assert EnforcementRequest.objects.get(pk=issued.pk).status == Status.MEASURES_APPLIED
    # next: no notice reached the debtor? They were notified electronically, so nothing else is due.
    assert demo_clock.next_deadline() is None
    _move(client, django_capture_on_commit_callbacks, "next")
    assert deadline < clock.now() < deadline + timedelta(minutes=2)  # nothing pending: the clock stays


def test_the_next_deadline_gathers_every_service(sale_and_note, demo):
    conveyance, note = sale_and_note
    first = demo_clock.next_deadline()
    assert (first.number, first.at) == (conveyance.number, conveyance.offer_expires_at)
    assert demo_clock.move_to_next_deadline().number == conveyance.number
    conveyance.refresh_from_db()
    assert conveyance.status == "expired"  # the conveyance sweep ran
    second = demo_clock.next_deadline()
    assert second.number == note.number
    assert timezone.localtime(second.at).date() == note.due_date + timedelta(days=1)
    demo_clock.move_to_next_deadline()
    note.refresh_from_db()
    assert note.is_past_due


@pytest.fixture
def sale_and_note(db, circuits, django_capture_on_commit_callbacks):
    from einstruments import services as notes
    from najiz.accounts import services as accounts
    from najiz.accounts.services import user_for_person
    from tests.conveyance.helpers import file_sale
    from tests.factories import registries as factories

    class Sale:
        pass

    sale = Sale()
    sale.seller, sale.buyer = factories.PersonFactory(), factories.PersonFactory()
    factories.AccountFactory(person=sale.seller, balance=Decimal("0.00"))
    factories.AccountFactory(person=sale.buyer, balance=Decimal("900000.00"))
    sale.deed = factories.DeedFactory(owners=[sale.seller])
    sale.seller_user = user_for_person(sale.seller)
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale)
    conveyance.refresh_from_db()
    assert conveyance.offer_expires_at is not None

    debtor, creditor = factories.PersonFactory(), factories.PersonFactory()
    debtor_user, creditor_user = user_for_person(debtor), user_for_person(creditor)
    note = notes.issue_note(user=debtor_user, acting_entity=None, creditor=creditor, amount=Decimal("900.00"),
                            due_date=clock.today() + timedelta(days=10), place="riyadh")
    challenge = notes.start_confirmation(note, user=debtor_user)
    accounts.answer_challenge(challenge.pk, challenge.number)
    notes.confirm_by_debtor(note, user=debtor_user)
    notes.answer(note, user=creditor_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    assert note.status == "active"
    return conveyance, note


def test_the_offset_outlasts_a_restart(demo):
    DemoClock.objects.create(pk=1, offset=timedelta(days=3))
    clock.forget_demo_offset()  # a new process knows nothing but the database
    assert _about(timedelta(days=3))


def test_the_clock_reads_the_database_once_not_at_every_call(demo, django_assert_num_queries):
    clock.forget_demo_offset()
    with django_assert_num_queries(3, exact=False):  # one read, in a savepoint
        for _ in range(1000):
            clock.now()


def test_a_signed_in_session_moves_with_the_clock(client, case, demo, django_capture_on_commit_callbacks):
    client.force_login(case.user)
    assert client.get("/enforcement/").status_code == 200
    _move(client, django_capture_on_commit_callbacks, "20d")  # past the idle timeout and the session's maximum age
    page = client.get("/enforcement/")
    assert page.status_code == 200 and page.wsgi_request.user == case.user
    client.post(RESET)
    assert client.get("/enforcement/").status_code == 200  # and back


def test_a_step_it_does_not_know_is_refused_with_a_message(client, demo):
    response = client.post(MOVE, {"step": "-5d"})
    assert response.status_code == 400
    assert "20" in response.content.decode()
    assert not DemoClock.objects.exists()
    assert client.get(MOVE).status_code == 405


def test_with_the_setting_off_there_is_no_bar_and_no_move(client, settings):
    settings.DEMO_CLOCK = False
    assert 'data-testid="demo-clock"' not in client.get("/").content.decode()
    assert client.post(MOVE, {"step": "5d"}).status_code == 404
    assert client.post(RESET).status_code == 404
    assert not DemoClock.objects.exists()


def _reload_urls():
    clear_url_caches()
    importlib.reload(sys.modules["najiz.urls"])
    clear_url_caches()


def test_production_has_no_demo_clock_even_with_the_setting_on(client):
    DemoClock.objects.create(pk=1, offset=timedelta(days=9))
    try:
        with override_settings(DJANGO_ENV="production", PRODUCTION=True, DEMO_CLOCK=True):
            _reload_urls()
            assert client.post("/demo/clock/move/", {"step": "5d"}).status_code == 404
            assert client.post("/demo/clock/reset/").status_code == 404
            assert _about(timedelta(0))  # the stored offset counts for nothing
            assert 'data-testid="demo-clock"' not in client.get("/").content.decode()
    finally:
        _reload_urls()
        clock.forget_demo_offset()


def _errors(**overrides):
    with override_settings(**overrides):
        return {message.id for message in run_checks(tags=["security"]) if message.id.startswith("najiz.")}


def test_the_system_check_refuses_the_demo_clock_in_production():
    production = {"DJANGO_ENV": "production", "NAFATH_SIMULATOR": False, "PAYMENT_GATEWAY_SIMULATOR": False,
                  "PAYMENT_GATEWAY": ""}
    assert _errors(**production, DEMO_CLOCK=False) == set()
    assert _errors(**production, DEMO_CLOCK=True) == {"najiz.E006"}
    assert _errors(DEMO_CLOCK=True) == set()  # development
