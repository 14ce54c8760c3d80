"""Each party approves by Nafath: a co-owner's or heir's consent and the buyer's acceptance count
only through a confirmed Nafath request that names the act, never by a button alone."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conveyance import services
from conveyance.states import Answer, Status
from najiz.accounts import services as accounts
from najiz.accounts.services import user_for_person
from tests.factories import registries as factories

from .helpers import accept_offer, approve, file_sale, give_consent, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def shared(sale, run):
    co_owner = factories.PersonFactory()
    factories.AccountFactory(person=co_owner)
    deed = factories.DeedFactory(owners=[(sale.seller, "3/4"), (co_owner, "1/4")])
    conveyance = run(file_sale, sale, deed=deed, price="400000")
    return reload(conveyance), user_for_person(co_owner), deed


def _pending(conveyance, user):
    return reload(conveyance).consents.get(person__national_id=user.national_id)


def test_a_consent_without_a_confirmed_nafath_request_does_not_count(shared, run):
    conveyance, co_owner, _deed = shared
    with pytest.raises(services.ConveyanceError) as refused:
        services.answer_consent(conveyance, user=co_owner, accept=True)
    assert refused.value.code == "nafath"
    assert _pending(conveyance, co_owner).answer == Answer.PENDING

    challenge = services.start_approval(conveyance, user=co_owner)  # opened, not answered
    with pytest.raises(services.ConveyanceError):
        services.answer_consent(reload(conveyance), user=co_owner, accept=True)
    wrong = 10 if challenge.number != 10 else 11
    accounts.answer_challenge(challenge.pk, wrong)  # the wrong number rejects it
    with pytest.raises(services.ConveyanceError):
        services.answer_consent(reload(conveyance), user=co_owner, accept=True)
    assert _pending(conveyance, co_owner).answer == Answer.PENDING
    assert reload(conveyance).status == Status.AWAITING_CONSENTS

    run(give_consent, conveyance, user=co_owner)
    consent = _pending(conveyance, co_owner)
    assert consent.answer == Answer.ACCEPTED and consent.approved_at is not None
    assert reload(conveyance).status == Status.AWAITING_BUYER


def test_a_confirmed_request_is_used_once(shared, run):
    conveyance, co_owner, _deed = shared
    challenge = approve(conveyance, co_owner)
    run(services.answer_consent, reload(conveyance), user=co_owner, accept=True)
    assert accounts.challenge_outcome(challenge.token).used_at is not None


def test_the_request_names_the_act_not_a_sign_in(shared):
    conveyance, co_owner, deed = shared
    challenge = services.start_approval(conveyance, user=co_owner)
    assert challenge.act_en == (
        f"Approve the sale of deed {deed.number} for SAR 400,000.00 - conveyance {conveyance.number}"
    )
    assert all(part in challenge.act_ar for part in (deed.number, "400,000.00 ر.س", "بيع"))
    assert "ريال" not in challenge.act_ar
    phone = Client()
    app = phone.get(reverse("nafath:simulator"), {"national_id": co_owner.national_id}).content.decode()
    assert challenge.act_ar in app


def test_the_buyer_accepts_only_by_nafath(sale, run):
    conveyance = reload(run(file_sale, sale, price="500000.00"))
    with pytest.raises(services.ConveyanceError) as refused:
        services.answer_offer(conveyance, user=sale.buyer_user, accept=True)
    assert refused.value.code == "nafath"
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_BUYER and conveyance.invoice is None
    challenge = services.start_approval(conveyance, user=sale.buyer_user)
    assert challenge.act_en.startswith(f"Approve buying the property of deed {sale.deed.number} for SAR 500,000.00")
    with pytest.raises(services.ConveyanceError):
        services.answer_offer(reload(conveyance), user=sale.buyer_user, accept=True)
    conveyance = run(accept_offer, conveyance, user=sale.buyer_user)
    assert conveyance.status == Status.AWAITING_PAYMENT and conveyance.buyer_approved_at is not None


def test_declining_needs_no_nafath(sale, run):
    conveyance = reload(run(file_sale, sale))
    assert run(services.answer_offer, conveyance, user=sale.buyer_user, accept=False).status == Status.DECLINED


def test_nobody_else_opens_an_approval(shared, sale):
    conveyance, _co_owner, _deed = shared
    with pytest.raises(services.ConveyanceError):
        services.start_approval(conveyance, user=sale.buyer_user)  # the buyer is not asked yet


def test_approving_over_http_shows_the_number_then_counts_once_chosen(client, sale, run):
    conveyance = reload(run(file_sale, sale, price="500000.00"))
    client.force_login(sale.buyer_user)
    url = reverse("conveyance:offer", args=[conveyance.number])
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="nafath-number"' in page and sale.deed.number in page
    assert reload(conveyance).status == Status.AWAITING_BUYER  # the button alone did nothing

    challenge = services.approval_request(reload(conveyance), user=sale.buyer_user)
    assert f">{challenge.number}<" in page
    response = client.post(url, {"answer": "accept"})  # not chosen yet: the same request again
    assert services.approval_request(reload(conveyance), user=sale.buyer_user).pk == challenge.pk
    phone = Client()
    phone.post(reverse("nafath:answer", args=[challenge.pk]), {"number": challenge.number})
    with_commit = run(client.post, url, {"answer": "accept"})
    assert with_commit.status_code == 302
    assert reload(conveyance).status == Status.AWAITING_PAYMENT


def test_a_wrong_number_over_http_sends_a_new_request(client, sale, run):
    conveyance = reload(run(file_sale, sale, price="500000.00"))
    client.force_login(sale.buyer_user)
    url = reverse("conveyance:offer", args=[conveyance.number])
    client.post(url, {"answer": "accept"})
    first = services.approval_request(reload(conveyance), user=sale.buyer_user)
    accounts.answer_challenge(first.pk, 10 if first.number != 10 else 11)
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 200
    second = services.approval_request(reload(conveyance), user=sale.buyer_user)
    assert second.pk != first.pk and second.status == "pending"
    assert reload(conveyance).status == Status.AWAITING_BUYER
    assert Decimal(reload(conveyance).price) == Decimal("500000.00")
