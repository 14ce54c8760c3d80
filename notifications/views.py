"""Screens of the notifications app: the list, marking read, and the bell fragment."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from najiz.common.redirects import safe_next

from . import selectors, services
from .models import Notification


@require_GET
@login_required
def notification_list(request):
    page = selectors.notifications_of(request.user, page=request.GET.get("page"))
    unread = selectors.unread_count(request.user)
    request.notifications_unread = unread  # the bell in the header reuses it
    return render(request, "notifications/list.html", {"page_obj": page, "unread": unread})


@require_POST
@login_required
def mark_read(request, pk: int):
    """Mark one notification read; then open its page (or go back to `next`). htmx: the row and bell."""
    try:
        notification = services.mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        return render(request, "notifications/_marked_read.html", {"notification": notification})
    target = (
        safe_next(request, request.POST.get("next", ""))
        or safe_next(request, notification.url)
        or reverse("notifications:list")
    )
    return redirect(target)


@require_POST
@login_required
def mark_all_read(request):
    services.mark_all_read(request.user)
    return redirect(safe_next(request, request.POST.get("next", "")) or reverse("notifications:list"))


@require_GET
@never_cache
def bell(request):
    """The bell fragment the header polls. Signed out it is empty, which removes the bell and stops
    the polling (rather than swapping the sign-in page into the header).

    Polled by every open page, so it is kept to one query of its own: rendered without the
    context processors (which may look up more than the bell needs)."""
    html = get_template("notifications/_bell.html").render({"user": request.user, "request": request})
    return HttpResponse(html)
