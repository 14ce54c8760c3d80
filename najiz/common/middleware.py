import logging

from django.conf import settings
from django.core.exceptions import BadRequest, MiddlewareNotUsed, PermissionDenied, SuspiciousOperation
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import views


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    """Arabic unless the person chose another language with the switch (the language cookie).

    Django's own middleware would follow the browser's Accept-Language; a Saudi government
    service opens in Arabic for everyone and offers English on request.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: htmx runs with allowEval off
        "style-src 'self'",
        "img-src 'self' data:",  # QR codes and charts may be data URIs
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and Permissions-Policy on every response (Django's
    SecurityMiddleware covers HSTS, nosniff, referrer policy and COOP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# What the web server lets through in a request line (gunicorn --limit-request-line 8190), with
# room for the method and path: longer query strings are refused the same way behind any server.
MAX_QUERY_STRING = 4096
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Uploads whose view parses the body itself, with its own size limit and in-memory handler
# (najiz.common.verify): reading it here first would take in a body of any size.
OWN_UPLOAD_PATHS = frozenset({"/verify/"})


def _fields(request):
    """The query parameters, and the form fields of a form POST."""
    yield lambda: request.GET
    if request.method == "POST" and request.content_type in FORM_TYPES and request.path_info not in OWN_UPLOAD_PATHS:
        yield lambda: (request.body, request.POST)[1]  # the body first, so views may still read it


def _has_nul(request) -> bool:
    """A NUL byte in the path, a query parameter or a form field (names included)."""
    if "\x00" in request.path_info:
        return True
    for source in _fields(request):
        try:
            items = source().lists()
        except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
            continue  # too many fields, too large, unreadable: the view meets the same error as before
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in items):
            return True
    return False


class InputGuardMiddleware:
    """Refuses, in one place, input that no page or API operation takes: a NUL byte in the path,
    a query parameter or a form field (PostgreSQL refuses NUL in text, so it would surface as a
    500 in whatever query it reached) is a 400; a query string over 4 KB is a 414. The portal
    answers with its error page, the API (/api/) with a problem response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return self.refuse(request, 414, "uri-too-long", _("The query string is too long."))
        if _has_nul(request):
            return self.refuse(
                request, 400, "nul-character", _("The request contains a NUL character, which no field accepts.")
            )
        return self.get_response(request)

    def refuse(self, request, status: int, code: str, title):
        if request.path_info.startswith("/api/"):
            from najiz.common.problems import api_language, response

            with translation.override(api_language(request)):
                return response(request, status=status, code=code, title=title)
        from najiz.common.views import bad_request

        refused = bad_request(request)
        refused.status_code = status
        return refused


class PortalErrorPagesMiddleware:
    """With DEBUG on (`make run`), the portal's own 403, 404 and 500 pages, not Django's technical
    pages, which list every URL pattern or show a traceback to whoever asks. The 500's traceback
    goes to the log (the console of `make run`). DEBUG_TECHNICAL_ERRORS = True (environment
    variable of that name) brings the technical pages back for a developer. Off when DEBUG is
    off: Django then uses the handlers of najiz/urls.py itself."""

    def __init__(self, get_response):
        if not settings.DEBUG or getattr(settings, "DEBUG_TECHNICAL_ERRORS", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        # An address no pattern answers is refused here, before the resolver's technical 404;
        # CommonMiddleware (outside this one) still adds a missing trailing slash.
        try:
            resolve(request.path_info)
        except Resolver404:
            return views.page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return None  # Django answers these with the portal's 400 even when DEBUG
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=(type(exception), exception, exception.__traceback__)
        )
        return views.server_error(request)
