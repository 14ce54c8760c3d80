"""The pay button's way to a payment gateway, chosen by settings.PAYMENT_GATEWAY.

* `simulator`: the built-in simulator (payments/gateway.py), only while PAYMENT_GATEWAY_SIMULATOR.
* `http`: a real gateway's hosted payment page at PAYMENT_GATEWAY_URL. The payer is redirected
  there with the bill, the amount and a return URL, signed with GATEWAY_SECRET; the gateway
  confirms the payment by its signed server-to-server callback to /payments/callback/
  (payments/callbacks.py), which alone records money. docs/operations.md describes the contract.
* anything else, or an adapter not configured: no online payment (`current()` is None) and the
  invoice page shows the SADAD bill number to pay at a bank.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.urls import reverse

from najiz.common import clock

from . import callbacks, conf, gateway
from .models import Invoice

SIMULATOR, HTTP = "simulator", "http"


class Simulator:
    name = SIMULATOR

    def checkout_url(self, invoice: Invoice, amount, *, user=None) -> str:
        return gateway.start_session(invoice, amount, user=user).get_absolute_url()


def checkout_params(invoice: Invoice, amount, *, merchant: str = "", now: datetime | None = None) -> dict:
    """What the hosted payment page is sent, signature last: HMAC-SHA256 (GATEWAY_SECRET) of the
    other parameters url-encoded in key order, so neither the amount nor the return URL can be
    changed on the way."""
    expires = (now or clock.now()) + conf.gateway_session_ttl()
    params = {
        "amount": str(gateway.check_amount(invoice, amount)),
        "bill_number": invoice.bill_number,
        "callback_url": conf.site_url() + reverse("payments:callback"),
        "currency": "SAR",
        "expires": str(int(expires.timestamp())),
        "merchant": merchant,
        "return_url": conf.site_url() + invoice.get_absolute_url(),
    }
    params["signature"] = callbacks.signature(urlencode(sorted(params.items())).encode())
    return params


@dataclass(frozen=True)
class HostedPage:
    url: str
    merchant: str = ""
    name = HTTP

    @property
    def origin(self) -> str:
        """Where the pay form's redirect leads: the page's form-action must allow it."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def checkout_url(self, invoice: Invoice, amount, *, user=None) -> str:
        separator = "&" if "?" in self.url else "?"
        return self.url + separator + urlencode(checkout_params(invoice, amount, merchant=self.merchant))


def current() -> Simulator | HostedPage | None:
    """The configured adapter, or None when online payment is not available."""
    name = conf.gateway_adapter()
    if name == SIMULATOR and conf.simulator_enabled():
        return Simulator()
    if name == HTTP and conf.gateway_url() and conf.gateway_secret():
        return HostedPage(conf.gateway_url(), conf.merchant_id())
    return None
