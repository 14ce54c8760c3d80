"""Errors as RFC 9457 problem details (application/problem+json), in the caller's language:
`Accept-Language` picks English or Arabic; without it, the site's language. The API answers with
them (linkage.problems), and so does the portal's input guard for anything under /api/."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation

PROBLEM_TYPE = "urn:najiz:problem:"
CONTENT_TYPE = "application/problem+json"


def api_language(request) -> str:
    """'en' or 'ar' from Accept-Language (highest quality first), else the active language."""
    header = request.headers.get("Accept-Language", "") if request is not None else ""
    choices = []
    for position, part in enumerate(header.split(",")):
        code, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, position, code.strip().lower()))
    for _q, _p, code in sorted(choices):
        if code.startswith("en"):
            return "en"
        if code.startswith("ar"):
            return "ar"
    return (translation.get_language() or "ar")[:2]


def response(request, *, status: int, code: str, title, detail="", errors=None, headers=None) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": str(title),
        "status": status,
        "detail": str(detail or title),
        "instance": request.path if request is not None else "",
    }
    if errors:
        body["errors"] = [{**error, "message": str(error["message"])} for error in errors]
    http = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    http["Content-Language"] = translation.get_language() or "ar"
    for name, value in (headers or {}).items():
        http[name] = value
    return http
