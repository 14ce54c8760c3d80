import math

from django.conf import settings
from django.contrib.auth import login as auth_login, logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from najiz.common import clock
from najiz.common.addresses import client_address
from najiz.common.redirects import safe_next

from . import selectors, services, session_expiry, sessions
from .forms import ActAsForm, NafathStartForm, SimulatorAnswerForm, SimulatorLookupForm, StaffLoginForm, lock_message
from .models import NafathChallenge

Status = NafathChallenge.Status
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_from(request) -> str | None:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _refusal_text(refusal: services.SignInRefused) -> str:
    if refusal.locked_until:
        return lock_message(refusal.locked_until)
    return str(refusal.message)


def _sign_in_page(request, template, context, *, locked_until=None):
    """A sign-in page: 400 when it shows the form again after a refusal (as every form does),
    429 with Retry-After saying when to try again while the id is locked."""
    if locked_until:
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(max(1, math.ceil((locked_until - clock.now()).total_seconds())))
        return response
    return render(request, template, context, status=400 if context["form"].is_bound else 200)


# --- Nafath-style sign-in -------------------------------------------------------------------


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request):
    """Step 1: the person types their id; a request is opened and its number shown."""
    next_url = _next_from(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = NafathStartForm(request.POST if request.method == "POST" else None)
    locked_until = None
    if form.is_valid():
        try:
            challenge = services.start_nafath_login(
                form.cleaned_data["national_id"], client_address=client_address(request),
                replacing_token=request.session.get(sessions.NAFATH_CHALLENGE),
            )
        except services.SignInRefused as refusal:
            form.add_error("national_id", _refusal_text(refusal))
            locked_until = refusal.locked_until
        else:
            request.session[sessions.NAFATH_CHALLENGE] = challenge.token
            request.session[sessions.NAFATH_NEXT] = next_url
            return redirect("accounts:nafath_wait")
    return _sign_in_page(
        request, "accounts/login.html", {"form": form, "next": next_url or ""}, locked_until=locked_until
    )


def _forget_challenge(request):
    request.session.pop(sessions.NAFATH_CHALLENGE, None)
    request.session.pop(sessions.NAFATH_NEXT, None)


def _sign_in(request, challenge):
    """The request is confirmed: sign the browser in (once). Returns (redirect URL, refusal text)."""
    next_url = request.session.get(sessions.NAFATH_NEXT)
    try:
        user = services.complete_nafath_login(challenge.token)
    except services.SignInRefused as refusal:
        _forget_challenge(request)
        return None, _refusal_text(refusal)
    _forget_challenge(request)
    auth_login(request, user, backend=MODEL_BACKEND)
    return safe_next(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL), None


def _status_context(request):
    """Where the browser's request stands: a redirect URL once signed in, else what to show."""
    challenge = services.challenge_outcome(request.session.get(sessions.NAFATH_CHALLENGE))
    context = {"challenge": challenge, "message": None, "redirect_to": None}
    if challenge is None or challenge.used_at is not None:
        context["message"] = _("There is no sign-in request waiting in this browser. Start again.")
    elif challenge.status == Status.PENDING:
        context["seconds_left"] = services.seconds_left(challenge)
    elif challenge.status == Status.CONFIRMED:
        context["redirect_to"], context["message"] = _sign_in(request, challenge)
    elif challenge.status == Status.REJECTED:
        until = services.nafath_locked_until(challenge.national_id, challenge.client_address)
        if until:  # this refusal locked the id here: say until when, rather than "start again"
            context["message"] = lock_message(until)
        else:
            context["message"] = _("The number chosen was wrong, so the request was refused. Start again.")
    elif challenge.status == Status.EXPIRED:
        context["message"] = _("The request expired before it was confirmed. Try again.")
    else:
        context["message"] = _("This request was replaced by a newer one. Start again.")
    if context["message"]:
        _forget_challenge(request)
    return context


@never_cache
@require_GET
def nafath_wait(request):
    """Step 2: "open the Nafath app and choose the number NN", polling the status below."""
    context = _status_context(request)
    if context["redirect_to"]:
        return redirect(context["redirect_to"])
    if context["challenge"] is None:
        return redirect("accounts:login")
    return render(request, "accounts/nafath_wait.html", context)


@never_cache
@require_GET
def nafath_status(request):
    """Polled by the waiting page (htmx, every 2 s): the status partial, or HX-Redirect once in."""
    context = _status_context(request)
    if context["redirect_to"]:
        if request.htmx:
            return HttpResponseClientRedirect(context["redirect_to"])
        return HttpResponseRedirect(context["redirect_to"])
    if not request.htmx:
        return redirect("accounts:nafath_wait") if context["challenge"] else redirect("accounts:login")
    return render(request, "accounts/_nafath_status.html", context)


# --- staff password sign-in, sign-out -------------------------------------------------------


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def staff_login(request):
    next_url = _next_from(request)
    form = StaffLoginForm(request, request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.clear_staff_failures(form.cleaned_data["national_id"])
        auth_login(request, form.user, backend=MODEL_BACKEND)
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return _sign_in_page(
        request, "accounts/staff_login.html", {"form": form, "next": next_url or ""}, locked_until=form.locked_until
    )


@require_POST
def logout(request):
    auth_logout(request)
    target = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


# --- the session's end ----------------------------------------------------------------------

SESSION_WARNING = "accounts/_session_warning.html"


@never_cache
@require_GET
def session_status(request):
    """The warning, afresh (htmx, a background request): hidden until the session's end is near.

    Once the session has ended the middleware answers instead, sending the page to the sign-in."""
    if not request.user.is_authenticated:
        target = resolve_url(settings.LOGIN_URL)
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if not request.htmx:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, SESSION_WARNING)


@never_cache
@require_POST
def session_extend(request):
    """The warning's "stay signed in": activity, so the idle time starts again."""
    if not request.user.is_authenticated:
        return redirect_to_login(_next_from(request) or reverse(settings.LOGIN_REDIRECT_URL))
    session_expiry.record_activity(request.session, clock.now(), force=True)
    if request.htmx:
        return render(request, SESSION_WARNING)
    return redirect(
        _next_from(request) or safe_next(request, request.headers.get("referer")) or settings.LOGIN_REDIRECT_URL
    )


# --- acting as an entity --------------------------------------------------------------------


@login_required
@require_POST
def act_as(request):
    """Act for an entity the person represents (field `entity`: CR number), or for themselves."""
    form = ActAsForm(request.POST)
    back = (
        _next_from(request)
        or safe_next(request, request.headers.get("referer"))
        or reverse(settings.LOGIN_REDIRECT_URL)
    )
    if not form.is_valid():
        return render(
            request, "accounts/act_as_refused.html", {"message": _("Choose an entity from the list.")}, status=400
        )
    cr_number = form.cleaned_data["entity"]
    if not cr_number:
        request.session.pop(sessions.ACTING_AS, None)
        return redirect(back)
    entity = services.entity_by_cr(cr_number)
    if entity is None:
        return render(
            request,
            "accounts/act_as_refused.html",
            {"message": _("No entity with this commercial registration number was found.")},
            status=404,
        )
    if not services.may_act_for(services.person_of(request.user), entity):
        return render(
            request,
            "accounts/act_as_refused.html",
            {"message": _("You are not registered as a representative of this entity.")},
            status=403,
        )
    request.session[sessions.ACTING_AS] = entity.cr_number
    return redirect(back)


# --- the Nafath app simulator (only with NAFATH_SIMULATOR) ----------------------------------


def _simulator_enabled():
    if not settings.NAFATH_SIMULATOR:
        raise Http404


OUTCOMES = {
    Status.CONFIRMED: "confirmed",
    Status.REJECTED: "rejected",
    Status.EXPIRED: "expired",
    Status.CANCELLED: "cancelled",
}


@never_cache
@require_GET
def nafath_simulator(request):
    """Stands in for the phone app: the waiting requests for an id, each with three numbers."""
    _simulator_enabled()
    form = SimulatorLookupForm(request.GET if "national_id" in request.GET else None)
    challenges, answered = [], None
    if form.is_valid():
        national_id = form.cleaned_data["national_id"]
        challenges = [
            {
                "challenge": challenge,
                "choices": services.number_choices(challenge),
                "seconds_left": services.seconds_left(challenge),
            }
            for challenge in selectors.waiting_challenges_for(national_id)
        ]
        answered_id = request.GET.get("answered", "")
        if answered_id.isdigit() and len(answered_id) < 19:
            found = NafathChallenge.objects.filter(pk=int(answered_id), national_id=national_id).first()
            if found is not None:
                answered = OUTCOMES.get(services.expire_if_due(found).status)
    return render(
        request, "accounts/nafath_simulator.html", {"form": form, "challenges": challenges, "answered": answered},
    )


@csrf_protect
@require_POST
def nafath_answer(request, pk):
    """The person picks a number for request `pk`: the right one confirms, another rejects."""
    _simulator_enabled()
    challenge = NafathChallenge.objects.filter(pk=pk).first()
    if challenge is None:
        raise Http404
    form = SimulatorAnswerForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/nafath_simulator.html",
            {"form": SimulatorLookupForm(initial={"national_id": challenge.national_id}), "challenges": [],
             "answered": None, "answer_error": _("Choose one of the numbers shown.")},
            status=400,
        )
    try:
        services.answer_challenge(challenge.pk, form.cleaned_data["number"])
    except services.ChallengeClosed:
        pass  # the outcome page says what became of it
    return redirect(f"{reverse('nafath:simulator')}?national_id={challenge.national_id}&answered={challenge.pk}")
