"""The client's network address, as far as this site can tell.

Behind TRUSTED_PROXY_COUNT reverse proxies (each appending to X-Forwarded-For) the client is the
entry that many places from the right; entries further left are whatever the client sent, so they
are never read. An IPv6 client is taken as its /64 network: one subscriber usually holds a whole
/64 and could otherwise change address for every request.
"""

import ipaddress

from django.conf import settings


def _parsed(value: str):
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request) -> str:
    """The address (IPv4) or network (IPv6 /64) the request came from; "" when none is known."""
    address = None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _parsed(forwarded[-proxies])
    if address is None:
        address = _parsed(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return ""
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
