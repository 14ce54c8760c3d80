"""Where a `next` parameter may send a person: somewhere on this site, never elsewhere."""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate) -> str | None:
    """`candidate` if it is a path on this site ("/...") or a URL of this host, else None.

    A bare word ("0", "home") is refused too: redirect() would take it for a view name.
    """
    if not candidate or not isinstance(candidate, str):
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(candidate)
    if parts.netloc or candidate.startswith("/"):
        return candidate
    return None
