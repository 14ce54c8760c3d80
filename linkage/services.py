"""Commands of the business linkage. Each is one transaction; deliveries go out on commit."""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from najiz.common import clock
from najiz.registries import services as registries

from .models import ApiToken, Failure, IdempotencyKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "nzj_"


# --- API tokens -----------------------------------------------------------------------------


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(*, entity, user, name: str, rate_limit: int = 120) -> tuple[ApiToken, str]:
    """A new token for the entity; returns (token, secret). The secret is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        entity=entity, created_by=user, name=name.strip()[:80], prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest(secret), rate_limit=rate_limit,
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, user) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = clock.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token with this secret whose creator still represents its entity, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("entity", "created_by")
        .filter(digest=digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    person = registries.person(token.created_by.national_id)
    if person is None or not registries.represents(person, token.entity):
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# While the shared cache (Redis) is unreachable, each process counts the calls itself (so a token
# gets at most its limit per process) and tries the cache again after CACHE_RETRY_SECONDS.
CACHE_RETRY_SECONDS = 30
_cache_down_until = 0.0
_local_calls: dict[tuple[int, int], int] = {}
_local_lock = threading.Lock()


def _count_in_cache(key: str) -> int:
    cache.add(key, 0, timeout=90)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return 1


def _count_in_process(token_pk: int, window: int) -> int:
    with _local_lock:
        for old in [key for key in _local_calls if key[1] != window]:
            del _local_calls[old]
        _local_calls[token_pk, window] = used = _local_calls.get((token_pk, window), 0) + 1
    return used


def rate_limited(token: ApiToken) -> int:
    """0 if the token may make another call this minute, else the seconds to wait."""
    global _cache_down_until
    seconds = int(clock.now().timestamp())
    window = seconds // 60
    used = None
    if time.monotonic() >= _cache_down_until:
        try:
            used = _count_in_cache(f"linkage:rate:{token.pk}:{window}")
        except Exception as error:  # whatever the cache backend raises when it cannot be reached
            _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
            logger.warning(
                "cache unreachable, API rate limits counted in this process for %ss: %s", CACHE_RETRY_SECONDS, error
            )
    if used is None:
        used = _count_in_process(token.pk, window)
    if used > token.rate_limit:
        return max(1, 60 - seconds % 60)
    return 0


# --- filing through the API -------------------------------------------------------------------


class IdempotencyConflict(Exception):
    """The key was used before with a different request body."""


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def scope_of(user, entity) -> str:
    return f"entity:{entity.cr_number}" if entity is not None else f"user:{user.pk}"


def earlier_filing(*, scope: str, key: str, print_: str):
    """The request filed before with this key (same body), None if the key is new."""
    found = IdempotencyKey.objects.select_related("request").filter(scope=scope, key=key).first()
    if found is None:
        return None
    if found.fingerprint != print_:
        raise IdempotencyConflict
    return found.request


def file_request(*, user, entity, cleaned: dict, idempotency_key: str = "", print_: str = ""):
    """File and submit a request already checked (enforcement.validators.filing); returns (request, created).

    With an idempotency key the key is claimed in the same transaction: a concurrent duplicate
    waits on the unique index, then finds the request the first one filed."""
    from enforcement import services as enforcement

    scope = scope_of(user, entity)
    try:
        with transaction.atomic():
            draft = enforcement.save_draft(
                user=user, acting_entity=entity, instrument_number=cleaned["instrument_number"],
                debtor_ids=cleaned["debtor_ids"], amount=cleaned["amount"], iban=cleaned["iban"],
            )
            if idempotency_key:
                IdempotencyKey.objects.create(scope=scope, key=idempotency_key, fingerprint=print_, request=draft)
            return enforcement.submit(draft, user=user), True
    except IntegrityError:
        earlier = earlier_filing(scope=scope, key=idempotency_key, print_=print_) if idempotency_key else None
        if earlier is None:
            raise
        return earlier, False


# --- webhooks -------------------------------------------------------------------------------


class UnsafeWebhookURL(ValueError):
    pass


class WebhookHostNotFound(Exception):
    """The URL's name does not resolve (now)."""


@dataclass(frozen=True)
class WebhookTarget:
    """Where a delivery goes: the name (for the Host header and TLS) and the checked address."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?", re.IGNORECASE)


def private_addresses_allowed() -> bool:
    """Only a test or a developer's own receiver needs these; production never allows them."""
    return bool(getattr(settings, "LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)) and not settings.PRODUCTION


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for any address that is not plainly on the public internet."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def _numeric_host(host: str):
    """The address a numeric host stands for, in every spelling a resolver takes (2130706433,
    0x7f000001, 127.1, 0177.0.0.1, 0), or None for a name. No lookup is made."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _resolve(host: str, port: int) -> list:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookHostNotFound(host) from None
    addresses = [ipaddress.ip_address(sockaddr[0].split("%")[0]) for family, _t, _p, _c, sockaddr in found
                 if family in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise WebhookHostNotFound(host)
    return addresses


def webhook_target(url: str) -> WebhookTarget:
    """http(s) only (https only in production); the host is resolved, and refused when any of its
    addresses is internal. Raises UnsafeWebhookURL, or WebhookHostNotFound for a name that does
    not resolve."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeWebhookURL(url)
    if settings.PRODUCTION and parts.scheme != "https":
        raise UnsafeWebhookURL(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeWebhookURL(url) from None
    numeric = _numeric_host(parts.hostname)
    if numeric is not None:
        host, addresses = str(numeric), [numeric]
    else:
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnsafeWebhookURL(url) from None
        if not _HOSTNAME.fullmatch(host):
            raise UnsafeWebhookURL(url)
        addresses = _resolve(host, port)
    if not private_addresses_allowed() and any(is_internal(address) for address in addresses):
        raise UnsafeWebhookURL(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.scheme, host, port, path, str(addresses[0]))


def check_webhook_url(url: str) -> str:
    """The URL, if a webhook may be registered there. A name that does not resolve yet is taken:
    each delivery checks the address again."""
    try:
        webhook_target(url)
    except WebhookHostNotFound:
        pass
    return url


@transaction.atomic
def register_webhook(*, entity, user, url: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        entity=entity, created_by=user, url=check_webhook_url(url), secret=secrets.token_hex(32)
    )


@transaction.atomic
def disable_webhook(endpoint: WebhookEndpoint, *, user) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.active:
        endpoint.active, endpoint.disabled_at = False, clock.now()
        endpoint.save(update_fields=["active", "disabled_at"])
        endpoint.deliveries.filter(state=WebhookDelivery.State.PENDING).update(state=WebhookDelivery.State.CANCELLED)
    return endpoint


def _iso(at) -> str:
    return at.isoformat() if hasattr(at, "isoformat") else str(at)


def queue_status_event(*, request_id: int, number: str, status: str, at) -> list[int]:
    """One delivery per active endpoint of the creditor entity; the sending goes out on commit."""
    from enforcement.selectors import creditor_entity_id
    from enforcement.signals import StatusMove

    entity_id = creditor_entity_id(request_id)
    return queue_status_events([StatusMove(request_id, number, status, at, entity_id)])


def queue_status_events(moves) -> list[int]:
    """queue_status_event for each move (enforcement.signals.StatusMove) of an entity's request,
    in order; no query at all when no move is an entity's."""
    entity_ids = {move.creditor_entity_id for move in moves if move.creditor_entity_id}
    if not entity_ids:
        return []
    with transaction.atomic():
        return _queue_status_events(moves, entity_ids)


def _queue_status_events(moves, entity_ids) -> list[int]:
    endpoints = {}
    for endpoint in WebhookEndpoint.objects.filter(entity_id__in=entity_ids, active=True).order_by("pk"):
        endpoints.setdefault(endpoint.entity_id, []).append(endpoint)
    created = []
    for move in moves:
        for endpoint in endpoints.get(move.creditor_entity_id, []):
            delivery, new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, request_id=move.request_id, event_type="request.status_changed",
                request_status=move.status, occurred_at=move.at, defaults={"request_number": move.number or ""},
            )
            if new:
                delivery.payload = {
                    "id": str(delivery.event_id), "type": "request.status_changed", "occurred_at": _iso(move.at),
                    "data": {"number": move.number, "status": move.status},
                }
                delivery.save(update_fields=["payload"])
                created.append(delivery.pk)
                _enqueue(endpoint.pk, move.request_id)
    return created


def queue_motion_event(event) -> list[int]:
    """A motion's event (enforcement.signals.MotionEvent: motion.filed, motion.decided,
    grace.started, grace.ended, plan.accepted, plan.defaulted, plan.ended) for each active endpoint of the
    request's creditor entity, in the order of the request's other events."""
    if not event.creditor_entity_id:
        return []
    created = []
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.filter(entity_id=event.creditor_entity_id, active=True).order_by("pk"):
            delivery, new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, request_id=event.request_id, event_type=event.type, request_status=event.status,
                occurred_at=event.at, defaults={"request_number": event.number or ""},
            )
            if new:
                delivery.payload = {
                    "id": str(delivery.event_id), "type": event.type, "occurred_at": _iso(event.at),
                    "data": {"number": event.number, "status": event.status,
                             "motion": {"id": event.motion_id, "kind": event.kind, "status": event.motion_status}},
                }
                delivery.save(update_fields=["payload"])
                created.append(delivery.pk)
                _enqueue(endpoint.pk, event.request_id)
    return created


def conveyance_data(conveyance) -> dict:
    """What a conveyance's webhook event says of it: its status, deed and price, the transaction
    tax, each seller's exact share (a fraction, "7/24") and Nafath approval, each buyer's share,
    answer and approval (and, as before, the first buyer's as `buyer`), and the new deed once
    transferred."""
    return {
        "number": conveyance.number,
        "status": conveyance.status,
        "kind": conveyance.kind,
        "deed_number": conveyance.deed.number,
        "price": str(conveyance.price),
        "new_deed_number": conveyance.new_deed.number if conveyance.new_deed_id else None,
        "tax": {
            "transaction_number": conveyance.tax_number or None,
            "amount": str(conveyance.tax_amount),
            "exempt_amount": str(conveyance.tax_exempt_amount),
            "payer": conveyance.tax_payer,
            "is_paid": conveyance.tax_paid,
            "receipt_number": conveyance.tax_receipt_number or None,
        },
        "sellers": [
            {"name": c.person.display_name, "role": c.role, "share": c.share_label, "answer": c.answer,
             "approved_by_nafath": c.approved_at is not None}
            for c in conveyance.consents.select_related("person").order_by("id")
        ],
        "share_only": conveyance.share_only,
        "buyers": [
            {"name": b.person.display_name, "share": b.share_label, "answer": b.answer,
             "approved_by_nafath": b.approved_at is not None}
            for b in conveyance.buyers.select_related("person").order_by("id")
        ],
        "buyer": {"answer": conveyance.buyer_answer, "approved_by_nafath": conveyance.buyer_approved_at is not None},
    }


def queue_conveyance_event(event) -> list[int]:
    """A conveyance's event (conveyance.signals.ConveyanceEvent) for each active endpoint of the
    entities party to it, in the order of the conveyance's other events."""
    if not event.entity_ids:
        return []
    conveyance = event.conveyance
    created = []
    with transaction.atomic():
        endpoints = WebhookEndpoint.objects.filter(entity_id__in=event.entity_ids, active=True).order_by("pk")
        for endpoint in endpoints:
            delivery, new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, conveyance_id=conveyance.pk, event_type=event.type,
                request_status=conveyance.status, occurred_at=event.at,
                defaults={"request_number": conveyance.number or ""},
            )
            if new:
                delivery.payload = {
                    "id": str(delivery.event_id), "type": event.type, "occurred_at": _iso(event.at),
                    "data": conveyance_data(conveyance),
                }
                delivery.save(update_fields=["payload"])
                created.append(delivery.pk)
                _enqueue(endpoint.pk, None, conveyance_id=conveyance.pk)
    return created


def _enqueue(endpoint_id: int, request_id: int | None, countdown: float = 0, *, conveyance_id=None) -> None:
    from najiz.common.tasks import enqueue_on_commit

    from .tasks import deliver_webhooks

    if conveyance_id:
        enqueue_on_commit(deliver_webhooks, endpoint_id, None, conveyance_id, countdown=countdown or None)
    else:
        enqueue_on_commit(deliver_webhooks, endpoint_id, request_id, countdown=countdown or None)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def backoff(attempts: int) -> float:
    base = float(getattr(settings, "LINKAGE_WEBHOOK_RETRY_SECONDS", 30))
    return min(base * (2 ** max(attempts - 1, 0)), float(getattr(settings, "LINKAGE_WEBHOOK_RETRY_MAX_SECONDS", 3600)))


def max_attempts() -> int:
    return int(getattr(settings, "LINKAGE_WEBHOOK_MAX_ATTEMPTS", 10))


class _Pinned:
    """Connects to the address that was checked, never to a second lookup of the name; the Host
    header and TLS (SNI and the certificate check) still use the name."""

    def __init__(self, target: WebhookTarget, **kwargs):
        super().__init__(target.host, target.port, **kwargs)
        self._create_connection = lambda _address, timeout, source: socket.create_connection(
            (target.address, target.port), timeout, source)


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


@dataclass
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _failure_of(code: int) -> str:
    if 200 <= code < 300:
        return ""
    return {3: Failure.HTTP_3XX, 4: Failure.HTTP_4XX, 5: Failure.HTTP_5XX}.get(code // 100, Failure.INVALID)


def _failure_class(error: Exception) -> str:
    for kind, failure in (
        (UnsafeWebhookURL, Failure.NOT_ALLOWED),
        (WebhookHostNotFound, Failure.NOT_FOUND),
        (ssl.SSLError, Failure.TLS),
        (TimeoutError, Failure.TIMED_OUT),
        (ConnectionRefusedError, Failure.REFUSED),
        (http.client.HTTPException, Failure.INVALID),
    ):
        if isinstance(error, kind):
            return failure
    return Failure.CONNECTION


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> Outcome:
    """One signed POST to the checked address; a redirect is not followed. The error kept is a
    class of failure; the details go to the operators' log only."""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Najiz-Webhooks/1",
        "Najiz-Event-Id": str(delivery.event_id),
        "Najiz-Event-Type": delivery.event_type,
        "Najiz-Delivery-Attempt": str(delivery.attempts + 1),
        "Najiz-Signature": sign(endpoint.secret, timestamp, body),
    }
    timeout = float(getattr(settings, "LINKAGE_WEBHOOK_TIMEOUT_SECONDS", 5))
    started = time.monotonic()
    connection = None
    try:
        target = webhook_target(endpoint.url)
        if target.scheme == "https":
            connection = _PinnedHTTPS(target, timeout=timeout, context=ssl.create_default_context())
        else:
            connection = _PinnedHTTP(target, timeout=timeout)
        connection.request("POST", target.path, body=body, headers=headers)
        code = connection.getresponse().status
        error = _failure_of(code)
    except (UnsafeWebhookURL, WebhookHostNotFound, OSError, http.client.HTTPException) as exc:
        code, error = None, _failure_class(exc)
        logger.info("webhook %s to endpoint %s: %s (%s)", delivery.event_id, endpoint.pk, error, exc)
    finally:
        if connection is not None:
            connection.close()
    return Outcome(code, str(error), int((time.monotonic() - started) * 1000))


def _chain(request_id, conveyance_id) -> dict:
    return {"conveyance_id": conveyance_id} if conveyance_id else {"request_id": request_id}


def deliver_next(endpoint_id: int, request_id: int | None, conveyance_id: int | None = None) -> float | None:
    """Send the oldest undelivered event of this request (or of this conveyance) to this endpoint.

    Returns 0 to go on with the next event, the seconds to wait before trying again, or None
    when nothing is left. The endpoint row is locked (FOR NO KEY UPDATE, so new events can still
    be queued) while sending, so events of one endpoint never overtake each other."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update(no_key=True).filter(pk=endpoint_id).first()
        if endpoint is None:
            return None
        delivery = (
            WebhookDelivery.objects.filter(
                endpoint=endpoint, state=WebhookDelivery.State.PENDING, **_chain(request_id, conveyance_id)
            )
            .order_by("occurred_at", "id")
            .first()
        )
        if delivery is None or not endpoint.active:
            return None
        now = clock.now()
        if delivery.next_attempt_at > now:
            return max((delivery.next_attempt_at - now).total_seconds(), 0.05)
        outcome = post(endpoint, delivery)
        WebhookAttempt.objects.create(delivery=delivery, status_code=outcome.status_code, error=outcome.error,
                                      duration_ms=outcome.duration_ms)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        if outcome.ok:
            delivery.state, delivery.delivered_at = WebhookDelivery.State.DELIVERED, clock.now()
            wait = 0.0
        elif delivery.attempts >= max_attempts():
            delivery.state = WebhookDelivery.State.FAILED
            wait = 0.0
        else:
            wait = backoff(delivery.attempts)
            delivery.next_attempt_at = clock.now() + timedelta(seconds=wait)
        delivery.save()
        return wait


def stalled_chains(*, batch: int = 500, case: str = "request") -> list[tuple[int, int]]:
    """(endpoint, request) pairs with an event due and not sent: the safety net for a lost task
    (with case="conveyance", the (endpoint, conveyance) pairs)."""
    from django.db.models import Exists, OuterRef, Q

    key = f"{case}_id"
    pending = WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, **{f"{key}__isnull": False})
    earlier = pending.filter(endpoint_id=OuterRef("endpoint_id"), **{key: OuterRef(key)}).filter(
        Q(occurred_at__lt=OuterRef("occurred_at")) | Q(occurred_at=OuterRef("occurred_at"), id__lt=OuterRef("id"))
    )
    due = (
        pending.filter(endpoint__active=True, next_attempt_at__lte=clock.now())
        .exclude(Exists(earlier))  # only the head of each chain: the rest wait behind it
        .order_by().values_list("endpoint_id", key).distinct()
    )
    return list(due[:batch])
