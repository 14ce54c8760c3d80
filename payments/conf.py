"""Settings of the payments app, each with a default so none is required.

PAYMENTS_BILLER_CODE            SADAD biller code shown with every bill number ("090").
PAYMENTS_GATEWAY_SESSION_TTL    how long a payer has to finish a gateway checkout (timedelta, 15 min).
PAYMENTS_GATEWAY_OTP_ATTEMPTS   wrong OTPs allowed before the simulator fails the payment (3).
PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS  bank attempts before a disbursement is marked failed (10).
PAYMENTS_DISBURSEMENT_RETRY_BACKOFF_MAX  ceiling of the retry backoff, in seconds (600).
PAYMENTS_HOLDING_PREFIXES       {app_label: ledger account prefix} for the money a purpose holds;
                                default {"conveyance": "escrow"}, every other app "case_payable".
PAYMENTS_BANK_TRANSFER_MIN      the smallest outstanding amount a bank transfer is offered for (Decimal,
                                100,000.00 SAR): large prices, beyond a card's limits.
GATEWAY_SECRET                  shared HMAC-SHA256 key of the gateway callback (project setting).
PAYMENT_GATEWAY_SIMULATOR       the simulator exists (its pages, sessions and callbacks); default off.
PAYMENT_GATEWAY                 the pay button's adapter: "simulator", "http" or "" (none).
PAYMENT_GATEWAY_URL             the hosted payment page the "http" adapter redirects to.
PAYMENT_GATEWAY_MERCHANT_ID     the portal's merchant id at that gateway, sent with every checkout.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from najiz.common.money import to_sar


def biller_code() -> str:
    return str(getattr(settings, "PAYMENTS_BILLER_CODE", "090"))


def gateway_secret() -> bytes:
    return str(getattr(settings, "GATEWAY_SECRET", "")).encode()


def simulator_enabled() -> bool:
    return bool(getattr(settings, "PAYMENT_GATEWAY_SIMULATOR", False))


def gateway_adapter() -> str:
    return str(getattr(settings, "PAYMENT_GATEWAY", "") or "")


def gateway_url() -> str:
    return str(getattr(settings, "PAYMENT_GATEWAY_URL", "") or "")


def merchant_id() -> str:
    return str(getattr(settings, "PAYMENT_GATEWAY_MERCHANT_ID", "") or "")


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")


def gateway_session_ttl() -> timedelta:
    return getattr(settings, "PAYMENTS_GATEWAY_SESSION_TTL", timedelta(minutes=15))


def otp_attempts() -> int:
    return int(getattr(settings, "PAYMENTS_GATEWAY_OTP_ATTEMPTS", 3))


def disbursement_max_attempts() -> int:
    return int(getattr(settings, "PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS", 10))


def disbursement_backoff_max() -> int:
    return int(getattr(settings, "PAYMENTS_DISBURSEMENT_RETRY_BACKOFF_MAX", 600))


def stalled_after() -> timedelta:
    """Project setting STALLED_AFTER: when the sweeps consider a queued step lost."""
    return getattr(settings, "STALLED_AFTER", timedelta(minutes=3))


def bank_transfer_min() -> Decimal:
    return to_sar(str(getattr(settings, "PAYMENTS_BANK_TRANSFER_MIN", "100000.00")))


def holding_prefixes() -> dict:
    return {"conveyance": "escrow", **getattr(settings, "PAYMENTS_HOLDING_PREFIXES", {})}


# The simulator's test cards (Luhn-valid numbers on a Mada BIN): what each does at the "bank".
CARD_APPROVED = "4464040000000007"
CARD_DECLINED = "4464040000000015"
CARD_TIMEOUT = "4464040000000023"
