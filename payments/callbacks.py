"""The gateway's server-to-server confirmation: signed body in, payment recorded.

The gateway POSTs JSON {txn_id, bill_number, amount, method, status} with the header
`X-Gateway-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with GATEWAY_SECRET>`.
A bank transfer (method `transfer`) names the transfer reference the payer wrote
(`reference`, "NJZ" and the bill number) in place of `bill_number`.
A confirmation sent again is acknowledged and records nothing more; the same txn_id with another
amount, method or bill is refused (409).
`process()` is shared by the HTTP endpoint and the in-process simulator, so both go through the
same checks: signature first (nothing is read or changed before it verifies), then the body.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from najiz.common.money import checked_amount

from . import conf, services
from .models import Invoice, PaymentMethod

SIGNATURE_HEADER = "X-Gateway-Signature"
TXN_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,48}$")
SUCCEEDED = "succeeded"
STATUSES = {"succeeded", "failed", "cancelled", "timed_out"}


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: dict


def signature(raw_body: bytes) -> str:
    return "sha256=" + hmac.new(conf.gateway_secret(), raw_body, hashlib.sha256).hexdigest()


def verify(raw_body: bytes, header: str | None) -> bool:
    if not conf.gateway_secret() or not header:
        return False
    return hmac.compare_digest(header.strip().encode(), signature(raw_body).encode())


def encode(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _problem(status_code: int, message: str) -> Outcome:
    return Outcome(status_code, {"error": message})


def process(raw_body: bytes, header: str | None) -> Outcome:
    if not header:
        return _problem(401, "missing signature")
    if not verify(raw_body, header):
        return _problem(403, "invalid signature")
    try:
        payload = json.loads(raw_body, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _problem(400, "body is not JSON")
    if not isinstance(payload, dict):
        return _problem(400, "body must be a JSON object")
    method = payload.get("method")
    # A bank transfer names the transfer reference the payer wrote; the gateway names the bill.
    bill_key = "reference" if method == PaymentMethod.TRANSFER else "bill_number"
    missing = [key for key in ("txn_id", bill_key, "amount", "method", "status") if key not in payload]
    if missing:
        return _problem(400, f"missing fields: {', '.join(missing)}")
    txn_id, status = payload["txn_id"], payload["status"]
    if not isinstance(txn_id, str) or not TXN_ID_RE.match(txn_id):
        return _problem(400, "txn_id must be 6-48 letters, digits, - or _")
    if method not in PaymentMethod.values:
        return _problem(400, f"method must be one of {', '.join(PaymentMethod.values)}")
    if bill_key == "reference":
        reference = payload["reference"]
        bill_number = services.bill_number_of_reference(reference) if isinstance(reference, str) else None
        if bill_number is None:
            return _problem(400, "reference must be the transfer reference of an invoice (NJZ and its bill number)")
    else:
        bill_number = payload["bill_number"]
        if not isinstance(bill_number, str) or not services.is_valid_bill_number(bill_number):
            return _problem(400, "bill_number must be an 11-digit bill number")
    if status not in STATUSES:
        return _problem(400, f"status must be one of {', '.join(sorted(STATUSES))}")
    if isinstance(payload["amount"], bool) or not isinstance(payload["amount"], str | int | Decimal):
        return _problem(400, "amount must be a decimal string such as \"150.00\"")
    try:
        amount = checked_amount(payload["amount"], signed=True)
    except ValidationError:
        return _problem(400, "amount must be a decimal string with at most two decimal places")
    if amount <= 0:
        return _problem(400, "amount must be more than zero")
    if status != SUCCEEDED:
        return Outcome(200, {"result": "ignored", "txn_id": txn_id})
    if not Invoice.objects.filter(bill_number=bill_number).exists():
        return _problem(404, "unknown transfer reference" if bill_key == "reference" else "unknown bill number")
    payment, created = services.record_gateway_payment(bill_number, txn_id, amount, method)
    if not created and (payment.amount, payment.method, payment.invoice.bill_number) != (amount, method, bill_number):
        # the same transaction told again with other figures: nothing is recorded, and it is said
        return _problem(409, "txn_id was already recorded with another amount, method or bill")
    return Outcome(
        200,
        {
            "result": "recorded" if created else "already recorded",
            "txn_id": payment.gateway_txn_id,
            "receipt": payment.receipt_number,
            "applied": str(payment.applied_amount),
            "refunded": str(payment.refunded_amount),
        },
    )
