"""The demo clock's two buttons: move forward (then the sweeps run) and reset. Development only:
with DEMO_CLOCK off (and always in production) both are a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from najiz.common import clock
from najiz.common.redirects import safe_next

from . import clock as demo_clock


def _back(request):
    return redirect(safe_next(request, request.POST.get("next")) or "home")


def _portal_date() -> str:
    return date_format(localtime(clock.now()), "Y-m-d H:i")


@require_POST
def clock_move(request):
    if not clock.demo_clock_on():
        raise Http404
    step = request.POST.get("step", "")
    if step == demo_clock.NEXT:
        deadline = demo_clock.move_to_next_deadline()
        if deadline is None:
            messages.info(request, _("No deadline is pending: the clock did not move."))
        else:
            messages.success(request, _("The portal's clock moved past the next deadline (%(what)s, %(number)s) to "
                                        "%(date)s, and the periodic jobs ran.")
                             % {"what": deadline.what, "number": deadline.number, "date": _portal_date()})
        return _back(request)
    if step not in demo_clock.STEPS:
        return HttpResponseBadRequest(_("Choose how far to move the clock: 1, 5 or 20 days, or the next deadline."),
                                      content_type="text/plain; charset=utf-8")
    demo_clock.move(demo_clock.STEPS[step])
    messages.success(request, _("The portal's clock moved to %(date)s, and the periodic jobs ran.")
                     % {"date": _portal_date()})
    return _back(request)


@require_POST
def clock_reset(request):
    if not clock.demo_clock_on():
        raise Http404
    demo_clock.reset()
    messages.success(request, _("The portal's clock is back to the real time. What happened meanwhile stays done."))
    return _back(request)
