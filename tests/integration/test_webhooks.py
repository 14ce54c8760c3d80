"""With a real worker: a receiver that fails twice, then succeeds, gets each status change of a
request exactly once, in the order they happened, each signed with the endpoint's secret."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from linkage import services
from linkage.models import WebhookDelivery
from tests.linkage.conftest import filing, make_entity

from .conftest import wait_for

pytestmark = pytest.mark.integration


class Receiver:
    """An HTTP receiver on 127.0.0.1 that answers 500 to its first `failures` calls."""

    def __init__(self, failures=2):
        self.failures, self.calls, self.received, self.lock = failures, 0, [], threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with owner.lock:
                    owner.calls += 1
                    failing = owner.calls <= owner.failures
                    if not failing:
                        owner.received.append((dict(self.headers), body))
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/najiz"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_failing_receiver_gets_each_event_once_in_order(celery_worker, circuits, client, settings):
    settings.LINKAGE_WEBHOOK_RETRY_SECONDS = 0.3
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver runs on 127.0.0.1
    e = make_entity()
    with Receiver(failures=2) as receiver:
        endpoint = services.register_webhook(entity=e.entity, user=e.user, url=receiver.url)
        response = client.post("/api/v1/requests", data=json.dumps(filing(e)), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {e.secret}")
        assert response.status_code == 201, response.content.decode()[:1000]
        number = response.json()["number"]
        wait_for(lambda: EnforcementRequest.objects.get(number=number).status == Status.ORDER_ISSUED, timeout=60)
        expected = ["submitted", "audited", "accepted", "referred", "order_issued"]
        wait_for(lambda: len(receiver.received) >= len(expected), timeout=60)
        wait_for(lambda: not WebhookDelivery.objects.filter(endpoint=endpoint, state="pending").exists(), timeout=30)

    events = [json.loads(body) for _headers, body in receiver.received]
    assert [event["data"]["status"] for event in events] == expected
    assert len({event["id"] for event in events}) == len(events) == receiver.calls - 2
    assert all(event["data"]["number"] == number for event in events)
    for headers, body in receiver.received:
        timestamp, signature = dict(part.split("=", 1) for part in headers["Najiz-Signature"].split(",")).values()
        expected_mac = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected_mac)
    first = WebhookDelivery.objects.get(endpoint=endpoint, request_status="submitted")
    assert first.state == "delivered" and first.attempts == 3 and first.attempt_log.count() == 3
    assert WebhookDelivery.objects.filter(endpoint=endpoint, state="delivered").count() == len(expected)
