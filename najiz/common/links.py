"""Absolute links printed on documents, in QR codes and on pages.

SITE_URL when it is set (always in production). In development without it, the request's own
scheme and host, so a link is right whatever port the portal runs on.
"""

from django.conf import settings


def site_url(request=None) -> str:
    """The base of absolute links, without a trailing slash."""
    if request is not None and not getattr(settings, "SITE_URL_SET", True) and not settings.PRODUCTION:
        try:
            return f"{request.scheme}://{request.get_host()}"
        except Exception:  # DisallowedHost: fall back to the configured base
            pass
    return settings.SITE_URL.rstrip("/")


def absolute(path: str, request=None) -> str:
    return site_url(request) + path
