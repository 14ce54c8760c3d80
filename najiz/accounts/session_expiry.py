"""Signed-in sessions end: SESSION_IDLE_TIMEOUT after the person's last activity, and
SESSION_MAX_AGE after signing in whatever the activity. The server checks both on every request;
the warning in the page (accounts/_session_warning.html) only says so in time.

Activity is a page the person opens (any request not made by htmx) and anything they send (any
method but GET, HEAD and OPTIONS). An htmx GET is not: the notification bell, the case timelines
and the warning itself poll in the background, and counting them would keep a screen left open
signed in for ever. The one htmx GET a person clicks (supervision's replay) therefore does not
extend the session either; the warning offers to.
"""

import math
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout as auth_logout, user_logged_in
from django.dispatch import receiver
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from najiz.common import clock
from najiz.common.redirects import safe_next

from . import sessions

# Activity is written to the session at most this often: one write a minute for an active person,
# not one per request. The idle deadline may therefore come up to this much early.
ACTIVITY_RESOLUTION = timedelta(seconds=60)
IDLE, MAX_AGE = "idle", "max_age"


def _moment(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, (int, float)) else None


def is_activity(request) -> bool:
    """Whether the request shows the person at the screen (see the module's docstring)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return not getattr(request, "htmx", False)


def deadlines(session) -> tuple[datetime, datetime] | None:
    """(idle deadline, absolute deadline) of a signed-in session, or None if it keeps no times."""
    signed_in, active = _moment(session.get(sessions.SIGNED_IN_AT)), _moment(session.get(sessions.LAST_ACTIVE))
    if signed_in is None or active is None:
        return None
    return active + settings.SESSION_IDLE_TIMEOUT, signed_in + settings.SESSION_MAX_AGE


def ended(session, now: datetime) -> str | None:
    """IDLE or MAX_AGE once the session has ended, else None."""
    times = deadlines(session)
    if times is None:
        return None
    idle, absolute = times
    if now >= absolute:
        return MAX_AGE
    if now >= idle:
        return IDLE
    return None


def stamp_sign_in(session, now: datetime) -> None:
    session[sessions.SIGNED_IN_AT] = session[sessions.LAST_ACTIVE] = now.timestamp()
    _note_clock_offset(session, clock.demo_offset().total_seconds())


def _note_clock_offset(session, offset: float) -> None:
    if offset or sessions.CLOCK_OFFSET in session:
        session[sessions.CLOCK_OFFSET] = offset


def follow_the_clock(session) -> None:
    """Move the session's times by as much as the demo clock moved since they were written: the
    portal's time jumping days ahead is no inactivity of the person's."""
    offset = clock.demo_offset().total_seconds()
    moved = offset - session.get(sessions.CLOCK_OFFSET, 0)
    if not moved:
        return
    for key in (sessions.SIGNED_IN_AT, sessions.LAST_ACTIVE):
        if isinstance(session.get(key), (int, float)):
            session[key] += moved
    _note_clock_offset(session, offset)


def record_activity(session, now: datetime, *, force: bool = False) -> None:
    last = _moment(session.get(sessions.LAST_ACTIVE))
    if force or last is None or now - last >= ACTIVITY_RESOLUTION:
        session[sessions.LAST_ACTIVE] = now.timestamp()


@receiver(user_logged_in, dispatch_uid="accounts.session_expiry.stamp_sign_in")
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request.session, clock.now())


def _signed_out_message(reason: str) -> str:
    if reason == IDLE:
        return _("You were signed out because there was no activity for a while. Sign in again to continue.")
    return _("You were signed out because your session reached its time limit. Sign in again to continue.")


class SessionExpiryMiddleware:
    """Ends a signed-in session that has been idle or has lasted too long; records activity.

    An ended session is signed out and the request goes on as anyone's: a page that needs
    signing in sends to the sign-in page, the API answers 401. An htmx request instead gets
    HX-Redirect to the sign-in page, so a fragment never shows the sign-in form inside the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = clock.now()
            if sessions.SIGNED_IN_AT not in session:  # signed in before sessions kept their times
                stamp_sign_in(session, now)
            follow_the_clock(session)
            reason = ended(session, now)
            if reason:
                response = self._sign_out(request, reason)
                if response is not None:
                    return response
            elif is_activity(request):
                record_activity(session, now)
        return self.get_response(request)

    def _sign_out(self, request, reason):
        login_url = resolve_url("accounts:staff_login" if request.user.is_staff else settings.LOGIN_URL)
        auth_logout(request)
        messages.info(request, _signed_out_message(reason))
        if not request.htmx:
            return None
        back = safe_next(request, request.htmx.current_url_abs_path)
        return HttpResponseClientRedirect(f"{login_url}?{urlencode({'next': back})}" if back else login_url)


def session_expiry(request):
    """Template context for the warning: seconds until the session ends and whether it may be
    extended (an idle deadline) or not (the absolute one). Nothing for anonymous visitors."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {}
    times = deadlines(session)
    if times is None:
        return {}
    idle, absolute = times
    ends_at = min(idle, absolute)
    return {
        "session_ends_at": ends_at,
        "session_ends_in": max(0, math.ceil((ends_at - clock.now()).total_seconds())),
        "session_extendable": idle < absolute,
        "session_warn_before": int(settings.SESSION_IDLE_WARNING.total_seconds()),
    }
