"""Errors of the API as problem details (najiz.common.problems), in the caller's language."""

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from najiz.common.problems import api_language, response

logger = logging.getLogger(__name__)


class ApiProblem(Exception):
    """Raised by handlers; turned into a problem response by the API's exception handler."""

    def __init__(self, status: int, code: str, title, detail="", errors=None, headers=None, params=None):
        super().__init__(code)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.params = params or {}
        self.errors, self.headers = errors or [], headers or {}


def validation_errors(errors) -> tuple[int, str, str, list]:
    """ninja/pydantic errors → (status, code, title, [{field, code, message}]) in our own words."""
    fields = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        kind = str(error.get("type", ""))
        where = loc[0] if loc else ""
        names = [part for part in loc[1:] if part not in ("payload", "filters")]
        if where == "body" and not names and kind in ("model_attributes_type", "dict_type", "model_type"):
            return 400, "malformed-body", _("The request body must be a JSON object."), []
        if kind == "missing":
            message = _("This field is required.")
        elif kind in ("too_long", "string_too_long", "too_short", "string_too_short", "list_type"):
            message = _("This value does not have an acceptable length or form.")
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            message = _("This value is out of range.")
        elif kind == "amount":
            message = _("Enter an amount in riyals, e.g. 1500.00.")
        elif kind.startswith("decimal") or kind in ("int_parsing", "int_type", "float_parsing"):
            message = _("Enter a number.")
        elif kind.startswith("date"):
            message = _("Enter a date as YYYY-MM-DD.")
        else:
            message = _("Enter a valid value.")
        fields.append({"field": ".".join(names) or None, "in": where, "code": kind or "invalid", "message": message})
    return 422, "validation", _("The request has invalid fields."), fields


def install(api) -> None:
    """Problem responses for every error the API can meet, never an HTML page."""
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
    from django.http import Http404
    from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

    def in_language(handler):
        def wrapped(request, exc):
            with translation.override(api_language(request)):
                return handler(request, exc)
        return wrapped

    @in_language
    def on_problem(request, exc: ApiProblem):
        title = str(exc.title) % exc.params if exc.params else exc.title
        return response(request, status=exc.status, code=exc.code, title=title, detail=exc.detail, errors=exc.errors,
                        headers=exc.headers)

    @in_language
    def on_validation(request, exc: ValidationError):
        status, code, title, errors = validation_errors(exc.errors)
        return response(request, status=status, code=code, title=title, errors=errors)

    @in_language
    def on_authentication(request, exc):
        return response(request, status=401, code="unauthenticated",
                        title=_("Authentication credentials were not provided or are not valid."),
                        headers={"WWW-Authenticate": 'Bearer realm="najiz"'})

    @in_language
    def on_http_error(request, exc: HttpError):
        if isinstance(exc, Throttled):
            return response(request, status=429, code="rate-limited", title=_("Too many requests. Try again later."))
        if exc.status_code == 400:  # the body could not be parsed
            return response(request, status=400, code="malformed-body", title=_("The request body is not valid JSON."))
        if exc.status_code == 403:
            return response(request, status=403, code="forbidden", title=_("You may not do this."))
        return response(
            request, status=exc.status_code, code="http-error", title=_("The request could not be handled.")
        )

    @in_language
    def on_not_found(request, exc):
        return response(request, status=404, code="not-found", title=_("Not found."))

    @in_language
    def on_suspicious(request, exc):
        if isinstance(exc, RequestDataTooBig):
            return response(request, status=413, code="too-large", title=_("The request body is too large."))
        return response(request, status=400, code="bad-request", title=_("The request could not be understood."))

    @in_language
    def on_error(request, exc):
        logger.exception("API error on %s", request.path, exc_info=exc)
        return response(
            request, status=500, code="server-error", title=_("Something went wrong on our side. Try again later.")
        )

    api.add_exception_handler(Exception, on_error)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(ApiProblem, on_problem)
