"""Webhook addresses: a name is resolved and refused when any of its addresses is inside the
network, whatever spelling a number comes in; a delivery connects to the address that was checked,
follows no redirect and logs a class of failure, never the socket's own text."""

import hashlib
import hmac
import ipaddress
import itertools
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.checks import run_checks
from django.utils import translation

from linkage import services
from linkage.models import Failure, WebhookDelivery, WebhookEndpoint
from najiz.common import clock

from .test_pages import act_as, seed

NUMERIC_SPELLINGS = [
    "https://2130706433/hook",    # 127.0.0.1 as one number
    "https://0x7f000001/hook",    # ... in hexadecimal
    "https://127.1/hook",         # ... with the zeros left out
    "https://0177.0.0.1/hook",    # ... with an octal first part
    "https://0/hook",             # 0.0.0.0
    "https://2852039166/hook",    # 169.254.169.254, the cloud metadata address
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fe80::1]/hook",
    "https://169.254.169.254/hook",
]


class Dns:
    """socket.getaddrinfo answering names from `names`; numeric hosts go to the real resolver
    (no network for those). Every host asked for is kept in `asked`."""

    def __init__(self):
        self.names, self.asked, self._real = {}, [], socket.getaddrinfo

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.asked.append(host)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return self._real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in self.names[host]
        ]


@pytest.fixture
def dns(monkeypatch):
    fake = Dns()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


class Receiver:
    """An HTTP server on 127.0.0.1 answering every POST with `status` (and `headers`)."""

    def __init__(self, status=204, headers=None):
        self.received, owner = [], self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                owner.received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    started = []

    def start(**kwargs):
        started.append(Receiver(**kwargs))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


_numbers = itertools.count(1)


def deliver_once(ent, url) -> WebhookDelivery:
    """One status event to an endpoint at `url` (stored as it is, unchecked), sent once."""
    endpoint = WebhookEndpoint.objects.create(entity=ent.entity, created_by=ent.user, url=url, secret="s3cret")
    request = seed(ent, 1, start=next(_numbers))[0]
    services.queue_status_event(request_id=request.pk, number=request.number, status="submitted", at=clock.now())
    services.deliver_next(endpoint.pk, request.pk)
    return WebhookDelivery.objects.get(endpoint=endpoint)


# --- the address check ----------------------------------------------------------------------


@pytest.mark.parametrize("url", NUMERIC_SPELLINGS)
def test_every_spelling_of_an_internal_address_is_refused_without_a_lookup(dns, url):
    with pytest.raises(services.UnsafeWebhookURL):
        services.check_webhook_url(url)
    assert dns.asked == []


@pytest.mark.parametrize("inside", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "240.0.0.1",
    "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:10.0.0.1",
])
def test_a_name_is_refused_when_any_of_its_addresses_is_inside(dns, inside):
    dns.names["erp.example.com"] = ["93.184.216.34", inside]
    with pytest.raises(services.UnsafeWebhookURL):
        services.check_webhook_url("https://erp.example.com/najiz")
    dns.names["erp.example.com"] = ["93.184.216.34", "2606:2800:220:1::1"]
    assert services.check_webhook_url("https://erp.example.com/najiz") == "https://erp.example.com/najiz"


def test_the_page_refuses_a_name_that_points_inside(ent, client, dns):
    dns.names["intranet.example.com"] = ["10.20.30.40"]
    act_as(client, ent)
    response = client.post("/linkage/webhooks/", {"url": "https://intranet.example.com/hook"})
    assert response.status_code == 400 and "url" in response.context["form"].errors
    assert not WebhookEndpoint.objects.filter(entity=ent.entity).exists()


def test_production_never_allows_internal_addresses(settings, dns):
    settings.PRODUCTION = True
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with pytest.raises(services.UnsafeWebhookURL):
        services.check_webhook_url("https://127.0.0.1/hook")
    assert "linkage.E001" in [message.id for message in run_checks()]
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert "linkage.E001" not in [message.id for message in run_checks()]


# --- deliveries -----------------------------------------------------------------------------


def test_a_name_that_points_inside_by_delivery_time_gets_nothing(ent, dns, receivers):
    receiver = receivers()
    dns.names["erp.example.com"] = ["93.184.216.34"]
    services.check_webhook_url(f"http://erp.example.com:{receiver.port}/najiz")  # public when registered
    dns.names["erp.example.com"] = ["127.0.0.1"]  # then the name is pointed at the server itself
    delivery = deliver_once(ent, f"http://erp.example.com:{receiver.port}/najiz")
    assert receiver.received == []
    assert (
        delivery.state == "pending" and delivery.last_status_code is None and delivery.last_error == Failure.NOT_ALLOWED
    )


def test_a_delivery_goes_to_the_checked_address_and_follows_no_redirect(ent, settings, dns, receivers):
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver runs here
    elsewhere = receivers()
    receiver = receivers(status=302, headers={"Location": f"http://127.0.0.1:{elsewhere.port}/stolen"})
    dns.names["erp.example.com"] = ["127.0.0.1"]
    delivery = deliver_once(ent, f"http://erp.example.com:{receiver.port}/najiz?from=najiz")
    assert dns.asked.count("erp.example.com") == 1  # the address checked is the address used
    (headers, body), = receiver.received
    assert headers["Host"] == f"erp.example.com:{receiver.port}"
    timestamp, signature = dict(part.split("=", 1) for part in headers["Najiz-Signature"].split(",")).values()
    assert hmac.compare_digest(
        signature, hmac.new(b"s3cret", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    )
    assert elsewhere.received == []
    assert delivery.state == "pending" and delivery.last_status_code == 302 and delivery.last_error == Failure.HTTP_3XX


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_log_shows_a_class_of_failure_never_the_socket_text(ent, settings, client, receivers):
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    delivery = deliver_once(ent, f"http://127.0.0.1:{closed_port()}/hook")
    assert delivery.last_error == Failure.REFUSED and delivery.attempt_log.get().error == Failure.REFUSED
    act_as(client, ent)
    page = client.get("/linkage/webhooks/").content.decode()
    with translation.override("ar"):
        assert str(Failure.REFUSED.label) in page
    assert "Errno" not in page and "Connection refused" not in page  # the socket's own words

    failing = receivers(status=503)
    delivery = deliver_once(ent, f"http://127.0.0.1:{failing.port}/hook")
    assert delivery.last_status_code == 503 and delivery.last_error == Failure.HTTP_5XX

    settings.LINKAGE_WEBHOOK_TIMEOUT_SECONDS = 0.2
    with socket.socket() as silent:  # the kernel accepts the connection; nothing ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        delivery = deliver_once(ent, f"http://127.0.0.1:{silent.getsockname()[1]}/hook")
    assert delivery.last_status_code is None and delivery.last_error == Failure.TIMED_OUT


@pytest.fixture
def tls_server(tmp_path):
    """A TLS server on 127.0.0.1 with a self-signed certificate for erp.example.com; keeps the
    name each client asked for (SNI)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=erp.example.com",
                    "-addext", "subjectAltName=DNS:erp.example.com"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (ssl.SSLError, OSError):
            pass

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], names
    listener.close()


def test_tls_is_checked_against_the_name(ent, settings, dns, tls_server):
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port, names = tls_server
    dns.names["erp.example.com"] = ["127.0.0.1"]
    delivery = deliver_once(ent, f"https://erp.example.com:{port}/hook")
    assert names == ["erp.example.com"]  # the name went in the handshake, though the address was connected to
    assert delivery.last_error == Failure.TLS  # a certificate no authority signed is refused
