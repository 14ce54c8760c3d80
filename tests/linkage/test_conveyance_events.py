"""A conveyance's events for the business systems of the entities party to it: filed, accepted,
tax paid, paid, transferred (with the new deed), completed, rejected, refunded. Each is queued in
the transaction of the move, once per endpoint, and delivered signed, in order; its data show the
price, the tax, each seller's exact share as a fraction and the Nafath approvals."""

import hashlib
import hmac
import json
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from conveyance import services as conveyance_services, signals as conveyance_signals
from conveyance.models import Conveyance
from conveyance.states import Status
from linkage import services, tasks
from linkage.models import WebhookDelivery, WebhookEndpoint
from najiz.accounts.services import user_for_person
from najiz.registries import services as registries
from tests.conveyance.helpers import accept_offer, approve_filing, give_consent, pay, reload
from tests.factories import registries as factories

from .test_webhook_addresses import receivers  # noqa: F401  (the fixture)
from .test_webhooks import closed_port_url

pytestmark = pytest.mark.django_db


class World:
    pass


@pytest.fixture
def world(db, local_receivers):
    """Two co-owners (1/3 and 2/3) of a deed, a buyer, and an entity with a representative."""
    w = World()
    w.owners = factories.PersonFactory.create_batch(2)
    for owner in w.owners:
        factories.AccountFactory(person=owner, balance=Decimal("0.00"))
    w.deed = factories.DeedFactory(owners=list(zip(w.owners, ["1/3", "2/3"], strict=True)))
    w.users = [user_for_person(owner) for owner in w.owners]
    w.buyer = factories.PersonFactory()
    factories.AccountFactory(person=w.buyer, balance=Decimal("0.00"))
    w.buyer_user = user_for_person(w.buyer)
    w.entity = factories.EntityFactory()
    w.rep = factories.PersonFactory()
    factories.RepresentationFactory(entity=w.entity, person=w.rep)
    w.rep_user = user_for_person(w.rep)
    return w


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def _file(w, buyer_id, price="900000.00"):
    return conveyance_services.file(user=w.users[0], capacity="owner", deed_number=w.deed.number, buyer_id=buyer_id,
                                    price=Decimal(price))


def _events(conveyance):
    return list(WebhookDelivery.objects.filter(conveyance=conveyance).order_by("occurred_at", "id")
                .values_list("event_type", flat=True))


def test_an_entity_buyer_receives_the_filing_and_the_rejection_signed(world, run, receivers):  # noqa: F811
    receiver = receivers()
    endpoint = services.register_webhook(entity=world.entity, user=world.rep_user,
                                         url=f"http://127.0.0.1:{receiver.port}/hook")
    services.register_webhook(entity=factories.EntityFactory(), user=world.rep_user, url=closed_port_url())
    conveyance = reload(run(_file, world, world.entity.cr_number))
    assert conveyance.status == Status.REJECTED  # electronic conveyance is for individuals only
    assert _events(conveyance) == ["conveyance.filed", "conveyance.rejected"]
    assert set(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == {endpoint.pk}
    assert WebhookDelivery.objects.filter(state="delivered").count() == 2
    (headers, body), _second = receiver.received
    timestamp, mac = (part.split("=", 1)[1] for part in headers["Najiz-Signature"].split(","))
    assert mac == hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    event = json.loads(body)
    assert headers["Najiz-Event-Type"] == event["type"] == "conveyance.filed"
    assert event["data"]["number"] == conveyance.number and event["data"]["deed_number"] == world.deed.number
    assert event["data"]["price"] == "900000.00"
    assert [(s["share"], s["answer"], s["approved_by_nafath"]) for s in event["data"]["sellers"]] == [
        ("1/3", "pending", False), ("2/3", "pending", False)]  # the filer approves by Nafath next
    # the entity's delivery log shows the conveyance's events
    from .test_pages import act_as

    class Rep:
        user, entity = world.rep_user, world.entity

    from django.test import Client

    client = Client()
    act_as(client, Rep)
    page = client.get("/linkage/webhooks/").content.decode()
    assert conveyance.number in page and "conveyance.rejected" in page


@pytest.fixture
def entity_party(world, monkeypatch):
    """The entity is party to every conveyance. (Today an entity buyer is refused at the
    eligibility checks, so an entity's endpoints see a whole sale only as a party of another kind
    would: the rule of who is party is stood in for here, the rest is the real path.)"""
    monkeypatch.setattr(conveyance_signals, "entity_parties", lambda conveyance: (world.entity.pk,))


def test_a_whole_sale_is_told_step_by_step_with_the_tax_shares_and_approvals(world, run, entity_party):
    services.register_webhook(entity=world.entity, user=world.rep_user, url=closed_port_url())
    with mock.patch.object(tasks.deliver_webhooks, "apply_async") as enqueue:
        conveyance = run(approve_filing, run(_file, world, world.buyer.national_id))
        run(give_consent, conveyance, user=world.users[1])
        conveyance = run(accept_offer, reload(conveyance), user=world.buyer_user)
        run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _events(conveyance) == ["conveyance.filed", "conveyance.accepted", "conveyance.tax_paid",
                                   "conveyance.paid", "conveyance.transferred", "conveyance.completed"]
    assert all(call.kwargs["args"][1:] == (None, conveyance.pk) for call in enqueue.call_args_list)
    transferred = WebhookDelivery.objects.get(conveyance=conveyance, event_type="conveyance.transferred").payload
    data = transferred["data"]
    assert data["status"] == "transferred" and data["new_deed_number"] == conveyance.new_deed.number
    assert data["tax"] == {"transaction_number": conveyance.tax_number, "amount": "45000.00",
                           "exempt_amount": "0.00", "payer": "seller", "is_paid": True,
                           "receipt_number": conveyance.tax_receipt_number}
    assert [(s["share"], s["answer"], s["approved_by_nafath"]) for s in data["sellers"]] == [
        ("1/3", "accepted", True), ("2/3", "accepted", True)]  # the filer approves by Nafath as well
    assert data["buyer"] == {"answer": "accepted", "approved_by_nafath": True}
    assert data["share_only"] is False and [(b["share"], b["answer"], b["approved_by_nafath"])
                                            for b in data["buyers"]] == [("1/1", "accepted", True)]
    tax_paid = WebhookDelivery.objects.get(conveyance=conveyance, event_type="conveyance.tax_paid").payload
    assert tax_paid["data"]["tax"]["is_paid"] is True and tax_paid["data"]["status"] == "awaiting_payment"


def test_a_rejection_after_payment_is_told_as_a_refund(world, run, entity_party):
    services.register_webhook(entity=world.entity, user=world.rep_user, url=closed_port_url())
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        conveyance = run(approve_filing, run(_file, world, world.buyer.national_id))
        run(give_consent, conveyance, user=world.users[1])
        conveyance = run(accept_offer, reload(conveyance), user=world.buyer_user)
        registries.place_seizure(world.deed, by="محكمة التنفيذ بالرياض", ref="EN-2025-000779")
        run(pay, conveyance)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert _events(conveyance)[-1] == "conveyance.refunded"
    assert "conveyance.rejected" not in _events(conveyance)


def test_an_event_is_queued_once_and_not_for_a_disabled_endpoint(world, run, entity_party):
    live = services.register_webhook(entity=world.entity, user=world.rep_user, url=closed_port_url())
    off = services.register_webhook(entity=world.entity, user=world.rep_user, url=closed_port_url())
    services.disable_webhook(off, user=world.rep_user)
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        conveyance = Conveyance.objects.get(pk=run(_file, world, world.buyer.national_id).pk)
        at = conveyance.status_changed_at + timedelta(seconds=5)
        event = conveyance_signals.ConveyanceEvent("conveyance.cancelled", conveyance, at, (world.entity.pk,))
        services.queue_conveyance_event(event)
        services.queue_conveyance_event(event)  # told twice: queued once
    assert list(WebhookDelivery.objects.filter(occurred_at=at).values_list("endpoint_id", flat=True)) == [live.pk]
    assert not WebhookEndpoint.objects.get(pk=off.pk).deliveries.exists()


def test_a_stalled_conveyance_chain_is_picked_up_by_the_sweep(world, run, entity_party):
    endpoint = services.register_webhook(entity=world.entity, user=world.rep_user, url=closed_port_url())
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        conveyance = reload(run(_file, world, world.buyer.national_id))
    assert services.stalled_chains(case="conveyance") == [(endpoint.pk, conveyance.pk)]
    assert services.stalled_chains() == []
    with mock.patch.object(tasks.deliver_webhooks, "apply_async") as enqueue:
        assert tasks.sweep_webhooks() == 1
    assert enqueue.call_args.kwargs["args"] == (endpoint.pk, None, conveyance.pk)


def test_the_api_documents_the_conveyance_events(client):
    description = client.get("/api/v1/schema").json()["info"]["description"]
    assert "conveyance.transferred" in description and "conveyance.tax_paid" in description
