"""No simulator in production: neither the gateway's pages (and the callbacks it sends) nor
Nafath's exist, and the pay button leads only to a configured gateway.

The URL conf is read once at import, so the tests that change the settings reload it, and load
it back as it was afterwards for the other tests.
"""

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.checks import run_checks
from django.http import Http404
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from najiz.accounts import services as accounts
from payments import callbacks, gateway, gateway_views, services
from payments.models import GatewaySession, Payment, SessionState
from tests.factories.accounts import UserFactory
from tests.factories.registries import InstrumentFactory, PersonFactory

from .urls import walk

pytestmark = pytest.mark.django_db
BASE = Path(__file__).resolve().parent.parent.parent
# What DJANGO_ENV=production makes of the settings these tests need (checked in a fresh process
# by test_production_settings_turn_every_simulator_off).
PRODUCTION = {
    "DJANGO_ENV": "production", "PRODUCTION": True, "NAFATH_SIMULATOR": False, "PAYMENT_GATEWAY_SIMULATOR": False,
    "PAYMENT_GATEWAY": "", "DEMO_CLOCK": False,
}
HOSTED = {"PAYMENT_GATEWAY": "http", "PAYMENT_GATEWAY_URL": "https://pay.example.sa/checkout",
          "PAYMENT_GATEWAY_MERCHANT_ID": "NAJIZ-01", "SITE_URL": "https://najiz.example.sa"}


def _reload_urls():
    clear_url_caches()
    importlib.reload(sys.modules["najiz.urls"])
    clear_url_caches()


@pytest.fixture
def production():
    with override_settings(**PRODUCTION):
        _reload_urls()
        yield
    _reload_urls()


@pytest.fixture
def payer(db):
    person = PersonFactory()
    return UserFactory(national_id=person.national_id, name_ar=person.name_ar, name_en=person.name_en)


@pytest.fixture
def invoice(payer):
    return services.create_invoice(purpose=InstrumentFactory(), payer=payer, amount="1500.00", allow_partial=True,
                                   description_ar="فاتورة", description_en="Invoice")


def _simulator_urls(invoice):
    """Every route under /gateway/ and /nafath/, with real arguments (read while they are mounted)."""
    session = gateway.start_session(invoice, Decimal("100.00"))
    challenge = accounts.start_nafath_login(PersonFactory().national_id)
    args = {"token": session.token, "pk": challenge.pk}
    urls = []
    for route, name, pattern in walk():
        if route.startswith(("gateway/", "nafath/")):
            urls.append(reverse(name, kwargs={key: args[key] for key in pattern.pattern.converters}))
    assert len(urls) >= 8
    return urls


def test_every_simulator_url_is_404_in_production(client, invoice):
    urls = _simulator_urls(invoice)
    client.force_login(invoice.payer_user)
    assert all(client.get(url).status_code != 404 for url in urls)  # there in development and tests
    try:
        with override_settings(**PRODUCTION):
            _reload_urls()
            for url in urls:
                assert client.get(url).status_code == 404, url
                assert client.post(url, {"method": "mada", "number": 42}).status_code == 404, url
    finally:
        _reload_urls()
    assert client.get(urls[0]).status_code == 200  # and back for the other tests


@pytest.mark.parametrize("view", [gateway_views.session_page, gateway_views.choose_method, gateway_views.otp])
def test_the_simulator_pages_refuse_when_off_even_if_mounted(rf, settings, invoice, view):
    session = gateway.start_session(invoice, Decimal("100.00"))
    settings.PAYMENT_GATEWAY_SIMULATOR = False
    request = rf.post("/gateway/s/x/", {"method": "mada"})
    request._dont_enforce_csrf_checks = True
    with pytest.raises(Http404):
        view(request, session.token)


def test_the_pay_page_never_links_to_the_simulator_in_production(client, invoice, production):
    client.force_login(invoice.payer_user)
    page = client.get(invoice.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "/gateway/" not in html and reverse("payments:pay", args=[invoice.bill_number]) not in html
    assert 'data-testid="online-payment-unavailable"' in html and invoice.bill_number in html
    response = client.post(reverse("payments:pay", args=[invoice.bill_number]), {"amount": "1500.00"})
    assert response.status_code == 409 and "/gateway/" not in response.content.decode()
    assert not GatewaySession.objects.exists()


def test_a_left_over_simulator_session_sends_no_callback_in_production(invoice, travel):
    session = gateway.start_session(invoice, Decimal("1500.00"))
    GatewaySession.objects.filter(pk=session.pk).update(state=SessionState.SUCCEEDED, method="mada")
    with override_settings(**PRODUCTION), travel(timedelta(minutes=1)):
        assert gateway.deliver_callback(session.pk) is None
        assert gateway.sweep() == {"timed_out": 0, "resent": 0}
        with pytest.raises(Exception, match="simulator is off"):
            gateway.start_session(invoice, Decimal("10.00"))
    assert not Payment.objects.exists()


@override_settings(**HOSTED)
def test_the_http_adapter_sends_the_payer_to_the_gateway_with_a_signed_checkout(client, invoice):
    client.force_login(invoice.payer_user)
    page = client.get(invoice.get_absolute_url())
    assert 'name="amount"' in page.content.decode()
    assert "form-action 'self' https://pay.example.sa;" in page["Content-Security-Policy"]
    response = client.post(reverse("payments:pay", args=[invoice.bill_number]), {"amount": "600.00"})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "pay.example.sa", "/checkout")
    params = dict(parse_qsl(url.query))
    assert params["bill_number"] == invoice.bill_number and params["amount"] == "600.00" and params["currency"] == "SAR"
    assert params["merchant"] == "NAJIZ-01"
    assert params["return_url"] == "https://najiz.example.sa" + invoice.get_absolute_url()
    assert params["callback_url"] == "https://najiz.example.sa/payments/callback/"
    signature = params.pop("signature")
    assert callbacks.verify(urlencode(sorted(params.items())).encode(), signature)
    assert not GatewaySession.objects.exists()
    too_much = client.post(reverse("payments:pay", args=[invoice.bill_number]), {"amount": "1500.01"})
    assert too_much.status_code == 400


@override_settings(PAYMENT_GATEWAY="http", PAYMENT_GATEWAY_URL="")
def test_an_http_adapter_without_a_gateway_offers_no_online_payment(client, invoice):
    client.force_login(invoice.payer_user)
    html = client.get(invoice.get_absolute_url()).content.decode()
    assert 'data-testid="online-payment-unavailable"' in html and 'name="amount"' not in html


def _errors(**overrides):
    with override_settings(**overrides):
        return {message.id for message in run_checks(tags=["security"]) if message.id.startswith("najiz.")}


def test_the_system_check_refuses_a_simulator_in_production():
    assert _errors(**PRODUCTION) == set()
    assert _errors(**{**PRODUCTION, "PAYMENT_GATEWAY_SIMULATOR": True}) == {"najiz.E002"}
    assert _errors(**{**PRODUCTION, "NAFATH_SIMULATOR": True}) == {"najiz.E001"}
    assert _errors(**{**PRODUCTION, "PAYMENT_GATEWAY": "http"}) == {"najiz.E004"}
    assert _errors(**{**PRODUCTION, **HOSTED}) == set()
    assert _errors(PAYMENT_GATEWAY="paypal") == {"najiz.E003"}
    assert _errors() == set()  # development and tests: both simulators on


def _production(*args, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "NAJIZ_TESTING", "DJANGO_ENV"}
    }
    env = {**clean, "DJANGO_ENV": "production", "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "x" * 20,
           "ALLOWED_HOSTS": "najiz.example", "GATEWAY_SECRET": "gateway-secret", **env}
    return subprocess.run([sys.executable, *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_turn_every_simulator_off():
    code = (
        "import django; django.setup(); from django.conf import settings; from "
        "django.urls import resolve, Resolver404\n"
        f"print([getattr(settings, name) for name in {list(PRODUCTION)!r}])\n"
        "for path in ('/gateway/s/abc/', '/gateway/s/abc/otp/', '/nafath/', '/nafath/requests/1/answer/'):\n"
        "    try: resolve(path); print('mounted', path)\n"
        "    except Resolver404: pass\n"
    )
    run = _production("-c", code, DJANGO_SETTINGS_MODULE="najiz.settings")
    assert run.stdout.strip() == repr(list(PRODUCTION.values())), run.stdout + run.stderr


def test_check_deploy_fails_with_a_simulator_on_in_production():
    run = _production("manage.py", "check", "--deploy", PAYMENT_GATEWAY_SIMULATOR="true", NAFATH_SIMULATOR="true")
    assert run.returncode != 0
    assert "najiz.E001" in run.stderr and "najiz.E002" in run.stderr
