"""Project-level pages: the home page, the health check and the error pages.

The user-facing text of these pages lives in their templates (templates/home.html,
templates/400.html, ...), so it is extracted into the project catalogue (locale/).
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from . import money, todo

logger = logging.getLogger(__name__)


def home(request):
    """Service tiles for enforcement and real-estate services (and supervision for staff), and
    for a signed-in person what waits for them ("my tasks", from every service's provider)."""
    user = request.user
    return render(request, "home.html", {
        "show_supervision": user.is_authenticated and user.is_staff,
        "tasks": todo.tasks_for(user, getattr(request, "acting_entity", None)),
    })


# The help page of each service (templates/help/), with the figures of the settings they quote.
HELP_PAGES = {"enforcement": "help/enforcement.html", "conveyance": "help/conveyance.html",
              "instruments": "help/instruments.html"}


def help_page(request, service):
    template = HELP_PAGES.get(service)
    if template is None:
        raise Http404
    return render(request, template, {
        "payment_days": settings.ENFORCEMENT_PAYMENT_PERIOD.days,
        "notice_days": settings.ENFORCEMENT_NOTICE_AFTER.days,
        "offer_hours": int(settings.CONVEYANCE_OFFER_TTL.total_seconds() // 3600),
        "max_price": money.parse_amount(settings.CONVEYANCE_MAX_PRICE),
    })


def accessibility(request):
    return render(request, "accessibility.html")


@never_cache
def healthz(request):
    """Liveness and database check for load balancers and `docker compose` health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _standalone(template_name, status, request=None):
    """Render an error page without context processors: no database query, no session read.

    The page needs only the active language (set by LocaleMiddleware) and static file URLs.
    With a request (403, 404) it also offers the language switch; without one (400, where the
    request itself may be the problem, and 500, where the site may be broken) it does not.
    """
    context = {}
    if request is not None:
        context.update(csrf_token=get_token(request), next_path=request.get_full_path())
    body = loader.get_template(template_name).render(context)
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


@requires_csrf_token
def bad_request(request, exception=None):
    return _standalone("400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _standalone("403.html", status=403, request=request)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _standalone("404.html", status=404, request=request)


@requires_csrf_token
def server_error(request):
    try:
        return _standalone("500.html", status=500)
    except Exception:  # the error page itself must never fail
        logger.exception("Rendering the 500 page failed")
        return HttpResponseServerError(
            "<!doctype html><title>500</title><h1>500</h1>", content_type="text/html; charset=utf-8"
        )
