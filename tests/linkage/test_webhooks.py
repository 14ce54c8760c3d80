"""Webhook events: queued for the creditor entity's active endpoints only, sent oldest first,
retried with backoff on failure, signed, and shown in the delivery log."""

import hashlib
import hmac
import socket
from datetime import timedelta
from unittest import mock

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from linkage import services, tasks
from linkage.models import WebhookDelivery
from najiz.common import clock

from .test_pages import act_as, seed


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


def test_signature_is_hmac_sha256_of_timestamp_and_body():
    header = services.sign("s3cret", 1700000000, b'{"a":1}')
    assert header == "t=1700000000,v1=" + hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()


def test_events_are_queued_for_the_entity_endpoints_only(
    ent, other, local_receivers, django_capture_on_commit_callbacks
):
    mine = services.register_webhook(entity=ent.entity, user=ent.user, url=closed_port_url())
    services.register_webhook(entity=other.entity, user=other.user, url=closed_port_url())
    off = services.register_webhook(entity=ent.entity, user=ent.user, url=closed_port_url())
    services.disable_webhook(off, user=ent.user)
    request = seed(ent, 1)[0]
    now = clock.now()
    with mock.patch.object(tasks.deliver_webhooks, "apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            services.queue_status_event(request_id=request.pk, number=request.number, status="submitted", at=now)
            services.queue_status_event(
                request_id=request.pk, number=request.number, status="submitted", at=now
            )  # twice: once
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [mine.pk]
    assert enqueue.call_count == 1


def test_failed_delivery_backs_off_and_is_logged(ent, settings, client, local_receivers):
    settings.LINKAGE_WEBHOOK_RETRY_SECONDS = 30
    endpoint = services.register_webhook(entity=ent.entity, user=ent.user, url=closed_port_url())
    request = seed(ent, 1)[0]
    at = clock.now()
    services.queue_status_event(request_id=request.pk, number=request.number, status="submitted", at=at)
    services.queue_status_event(
        request_id=request.pk, number=request.number, status="audited", at=at + timedelta(seconds=1)
    )
    wait = services.deliver_next(endpoint.pk, request.pk)
    assert wait == 30
    first, second = WebhookDelivery.objects.order_by("occurred_at")
    assert first.attempts == 1 and first.state == "pending" and first.last_error and second.attempts == 0
    assert services.deliver_next(endpoint.pk, request.pk) > 0  # not due yet: nothing is sent
    assert WebhookDelivery.objects.get(pk=first.pk).attempts == 1
    with clock.travel(timedelta(seconds=31)):
        assert services.deliver_next(endpoint.pk, request.pk) == 60  # second attempt, doubled backoff
        assert services.stalled_chains() == []
    with clock.travel(timedelta(seconds=200)):
        assert services.stalled_chains() == [(endpoint.pk, request.pk)]
    act_as(client, ent)
    page = client.get("/linkage/webhooks/").content.decode()
    assert request.number in page and f'data-delivery="{first.event_id}"' in page


def test_status_change_signal_queues_events(ent, local_receivers, django_capture_on_commit_callbacks):
    from enforcement import services as enforcement

    services.register_webhook(entity=ent.entity, user=ent.user, url=closed_port_url())
    request = seed(ent, 1, status=Status.ORDER_ISSUED)[0]
    with mock.patch.object(tasks.deliver_webhooks, "apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            enforcement.withdraw(EnforcementRequest.objects.get(pk=request.pk), user=ent.user)
    statuses = list(WebhookDelivery.objects.order_by("occurred_at", "id").values_list("request_status", flat=True))
    assert statuses[0] == Status.WITHDRAWN
