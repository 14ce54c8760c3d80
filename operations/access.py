"""Who may read /metrics: the operators' scraper, and nobody else.

METRICS_TOKEN           a bearer token the scraper sends (`Authorization: Bearer <token>`).
METRICS_ALLOWED_NETWORKS  networks (CIDR) the scraper calls from, by the client address of
                          najiz.common.addresses (behind TRUSTED_PROXY_COUNT proxies).

Each one that is set must hold; with neither set, nobody may. Everyone refused gets the same
404 as for a page that does not exist, so the endpoint gives nothing away.
"""

import hmac
import ipaddress

from django.conf import settings

from najiz.common.addresses import client_address


def _token_ok(request, token: str) -> bool:
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _network_ok(request, networks) -> bool:
    address = client_address(request)
    if not address:
        return False
    client = ipaddress.ip_network(address, strict=False)  # an IPv6 client is its /64
    return any(
        client.version == network.version and client.subnet_of(network)
        for network in (ipaddress.ip_network(value, strict=False) for value in networks)
    )


def may_read_metrics(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", [])
    if not token and not networks:
        return False
    return (not token or _token_ok(request, token)) and (not networks or _network_ok(request, networks))
