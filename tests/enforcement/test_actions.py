"""The creditor's actions on a request page: withdraw, certify a direct payment, reduce the claim."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest, Measure
from enforcement.states import Status, TransitionError
from enforcement.tasks import sweep_deadlines
from najiz.accounts import sessions
from najiz.accounts.services import user_for_person
from najiz.registries.models import TravelBan
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def file(case, capture, *, amount="5000.00", user=None, acting_entity=None, instrument=None, iban=None):
    draft = services.save_draft(
        user=user or case.user, acting_entity=acting_entity, instrument_number=(instrument or case.instrument).number,
        debtor_ids=[case.debtor.national_id], amount=Decimal(amount), iban=iban or case.account.iban,
    )
    with capture(execute=True):
        services.submit(draft, user=user or case.user)
    return EnforcementRequest.objects.get(pk=draft.pk)


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    request = file(case, django_capture_on_commit_callbacks)
    assert request.status == Status.ORDER_ISSUED
    return request


def act(client, request, action, **data):
    payload = {f"{action}-{key}": value for key, value in data.items()}
    return client.post(reverse("enforcement:act", args=[request.number, action]), payload)


def reload(request):
    return EnforcementRequest.objects.get(pk=request.pk)


def test_the_filer_sees_the_three_actions(client, case, issued):
    client.force_login(case.user)
    html = client.get(reverse("enforcement:detail", args=[issued.number])).content.decode()
    for action in ("withdraw", "certify", "reduce"):
        assert reverse("enforcement:act", args=[issued.number, action]) in html
    assert 'name="withdraw-confirm"' in html and 'name="certify-amount"' in html
    client.force_login(user_for_person(case.debtor))
    html = client.get(reverse("enforcement:detail", args=[issued.number])).content.decode()
    assert "/withdraw/" not in html and "certify-amount" not in html


def test_withdraw_closes_the_request(client, case, issued, django_capture_on_commit_callbacks):
    client.force_login(case.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, issued, "withdraw", confirm="on")
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:detail", args=[issued.number])
    request = reload(issued)
    assert request.status == Status.CLOSED and request.withdrawn
    html = client.get(response["Location"]).content.decode()
    assert "مسحوب" in html or "سُحب" in html or "withdrawn" in html.lower()


def test_withdraw_needs_the_confirmation(client, case, issued):
    client.force_login(case.user)
    response = act(client, issued, "withdraw")
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html and 'aria-invalid="true"' in html
    assert reload(issued).status == Status.ORDER_ISSUED


def test_certify_a_direct_payment_lifts_the_measures(client, case, issued, django_capture_on_commit_callbacks, travel):
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()  # 3,000 seized, 2,000 still owed, travel ban in force
    assert reload(issued).outstanding == Decimal("2000.00")
    client.force_login(case.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, issued, "certify", amount="٢٬٠٠٠٫٠٠", confirm="on")  # Arabic-Indic digits
    assert response.status_code == 302
    request = reload(issued)
    assert request.paid_outside == Decimal("2000.00") and request.status == Status.CLOSED
    assert not request.measures.filter(status=Measure.State.APPLIED).exists()
    assert not TravelBan.objects.filter(person=case.debtor, active=True).exists()


def test_a_partial_certification_keeps_the_request_open(client, case, issued):
    client.force_login(case.user)
    assert act(client, issued, "certify", amount="1,500.50", confirm="on").status_code == 302
    request = reload(issued)
    assert request.paid_outside == Decimal("1500.50") and request.status == Status.ORDER_ISSUED
    assert request.outstanding == Decimal("3499.50")


@pytest.mark.parametrize("amount", ["", "abc", "0", "-5", "5000.01", "1e9999", "1.234", "\x01", "9" * 40, "1e3", "1,5"])
def test_bad_certified_amounts_are_form_errors(client, case, issued, amount):
    client.force_login(case.user)
    response = act(client, issued, "certify", amount=amount, confirm="on")
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-errors" in html and 'id="id_certify-amount_error"' in html
    assert reload(issued).paid_outside == Decimal("0.00")


def test_reduce_the_claim(client, case, issued):
    client.force_login(case.user)
    assert act(client, issued, "reduce", amount="4000", confirm="on").status_code == 302
    request = reload(issued)
    assert request.amount_claimed == Decimal("4000.00") and request.status == Status.ORDER_ISSUED


@pytest.mark.parametrize("amount", ["5000.00", "6000", "0", "x"])
def test_reduce_must_lower_the_claim(client, case, issued, amount):
    client.force_login(case.user)
    response = act(client, issued, "reduce", amount=amount, confirm="on")
    assert response.status_code == 400
    assert reload(issued).amount_claimed == Decimal("5000.00")


def test_reduce_not_below_what_was_collected(client, case, issued, django_capture_on_commit_callbacks, travel):
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()  # 3,000 collected
    client.force_login(case.user)
    response = act(client, issued, "reduce", amount="2999.99", confirm="on")
    assert response.status_code == 400 and "3,000.00" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, issued, "reduce", amount="3000", confirm="on").status_code == 302
    assert reload(issued).status == Status.CLOSED  # the claim is now covered


@pytest.mark.parametrize("action,data", [("withdraw", {}), ("certify", {"amount": "10"}), ("reduce", {"amount": "10"})])
def test_actions_on_a_closed_request_are_refused_with_409(
    client, case, issued, action, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(issued, user=case.user)
    client.force_login(case.user)
    response = act(client, issued, action, confirm="on", **data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and 'id="action-error"' in html


def test_certify_before_the_order_is_refused(client, case):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("100.00"), iban=case.account.iban,
    )
    services.submit(draft, user=case.user)  # the automation has not run: still "submitted"
    client.force_login(case.user)
    response = act(client, reload(draft), "certify", amount="10", confirm="on")
    assert response.status_code == 409


def test_a_transition_error_from_the_service_is_a_409_not_a_500(client, case, issued, monkeypatch):
    def refuse(request, *, user):
        raise TransitionError(request.status, Status.WITHDRAWN)

    monkeypatch.setattr(services, "withdraw", refuse)
    client.force_login(case.user)
    response = act(client, issued, "withdraw", confirm="on")
    assert response.status_code == 409 and 'id="action-error"' in response.content.decode()


@pytest.mark.parametrize("who", ["debtor", "stranger"])
def test_only_the_filer_may_act(client, case, issued, who):
    user = user_for_person(case.debtor) if who == "debtor" else UserFactory()
    client.force_login(user)
    for action in ("withdraw", "certify", "reduce"):
        assert act(client, issued, action, amount="10", confirm="on").status_code == 404
    assert reload(issued).status == Status.ORDER_ISSUED and reload(issued).paid_outside == 0


def test_unknown_action_and_get_are_refused(client, case, issued):
    client.force_login(case.user)
    assert act(client, issued, "delete", confirm="on").status_code == 404
    assert client.get(reverse("enforcement:act", args=[issued.number, "withdraw"])).status_code == 405


def test_the_creditor_entity_representative_acts_as_it(client, case, django_capture_on_commit_callbacks):
    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=case.creditor)
    colleague = factories.PersonFactory()
    factories.RepresentationFactory(entity=entity, person=colleague)
    account = factories.EntityAccountFactory(entity=entity)
    instrument = factories.InstrumentFactory(creditor_person=None, creditor_entity=entity, debtors=[case.debtor])
    request = file(
        case,
        django_capture_on_commit_callbacks,
        acting_entity=entity,
        instrument=instrument,
        amount="100.00",
        iban=account.iban,
    )
    assert request.status == Status.ORDER_ISSUED
    colleague_user = user_for_person(colleague)
    client.force_login(colleague_user)
    assert act(client, request, "withdraw", confirm="on").status_code == 404  # not acting as the entity
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, request, "withdraw", confirm="on").status_code == 302
    assert reload(request).withdrawn
