"""The gateway simulator's pages (/gateway/). A checkout is reached by its unguessable token,
as on a real hosted payment page; the payer need not be signed in to the portal here. Mounted
only with PAYMENT_GATEWAY_SIMULATOR, and each page refuses without it even if mounted."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from najiz.common.money import format_sar

from . import conf, gateway
from .forms import BankTransferForm, CardForm, MethodForm, OtpForm, SadadForm
from .models import GatewaySession, PaymentMethod, SessionState


def simulator_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not conf.simulator_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _session_or_404(token) -> GatewaySession:
    try:
        return gateway.get(token)
    except GatewaySession.DoesNotExist:
        raise Http404 from None


def _form_class(session):
    """The form the session's current step asks for (None once it has ended)."""
    if session.state == SessionState.OTP_SENT:
        return OtpForm
    if session.state == SessionState.STARTED:
        return {PaymentMethod.MADA: CardForm, PaymentMethod.SADAD: SadadForm}.get(session.method, MethodForm)
    return None


def _page(request, session, *, form=None, error=None, status=200):
    if form is None and _form_class(session) is not None:
        form = _form_class(session)()
    context = {
        "session": session,
        "invoice": session.invoice,
        "form": form,
        "error": error,
        "failure": gateway.failure_message(session),
        "test_cards": [
            (conf.CARD_APPROVED, _("Approved (asks for the one-time password)")),
            (conf.CARD_DECLINED, _("Declined by the issuer")),
            (conf.CARD_TIMEOUT, _("The bank does not answer (timeout)")),
        ],
    }
    return render(request, "payments/gateway/session.html", context, status=status)


def _after_step(request, session):
    """Where the payer goes after a step: back to the portal once paid or cancelled."""
    if session.state == SessionState.SUCCEEDED:
        if GatewaySession.objects.filter(pk=session.pk, callback_acknowledged_at__isnull=False).exists():
            messages.success(
                request,
                _("Payment of %(amount)s received. Your receipt is below.") % {"amount": format_sar(session.amount)},
            )
        else:
            messages.info(request, _("The payment succeeded. The confirmation will reach the invoice shortly."))
        return redirect(session.invoice.get_absolute_url())
    if session.state == SessionState.CANCELLED:
        messages.info(request, _("You cancelled the payment. Nothing was charged."))
        return redirect(session.invoice.get_absolute_url())
    return redirect(reverse("gateway:session", args=[session.token]))


@simulator_only
@require_GET
@never_cache
def session_page(request, token):
    return _page(request, _session_or_404(token))


def _step(request, token, form_class, action):
    session = _session_or_404(token)
    if _form_class(session) is not form_class:
        message = (
            _("This payment session has already ended.") if session.is_final else _("This step is not available now.")
        )
        return _page(request, session, error=message, status=409)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, session, form=form, status=400)
    try:
        session = action(session, form.cleaned_data)
    except gateway.StepError as error:
        session = _session_or_404(token)
        keep_form = form if _form_class(session) is form_class else None
        return _page(request, session, form=keep_form, error=error.message, status=error.status_code)
    return _after_step(request, session)


@simulator_only
@require_POST
def choose_method(request, token):
    return _step(request, token, MethodForm, lambda s, data: gateway.choose_method(s.token, data["method"]))


@simulator_only
@require_POST
def card(request, token):
    return _step(request, token, CardForm, lambda s, data: gateway.submit_card(s.token, number=data["number"]))


@simulator_only
@require_POST
def otp(request, token):
    return _step(request, token, OtpForm, lambda s, data: gateway.submit_otp(s.token, data["otp"]))


@simulator_only
@require_POST
def sadad(request, token):
    return _step(
        request,
        token,
        SadadForm,
        lambda s, data: gateway.pay_sadad(s.token, bill_number=data["bill_number"], outcome=data["outcome"]),
    )


@simulator_only
@require_POST
def cancel(request, token):
    session = _session_or_404(token)
    if session.is_final:
        return _page(request, session, error=_("This payment session has already ended."), status=409)
    return _after_step(request, gateway.cancel(session.token))


@simulator_only
@require_http_methods(["GET", "POST"])
@never_cache
def bank(request):
    """The simulated bank's transfer screen: a transfer to the escrow account with the invoice's
    reference; the bank then confirms it to the portal by the signed callback."""
    if request.method == "GET":
        form = BankTransferForm(initial={"reference": str(request.GET.get("reference", ""))[:30]})
        return _bank_page(request, form)
    form = BankTransferForm(request.POST)
    if not form.is_valid():
        return _bank_page(request, form, status=400)
    try:
        session = gateway.bank_transfer(reference=form.cleaned_data["reference"], amount=form.cleaned_data["amount"],
                                        user=request.user)
    except gateway.StepError as error:
        form.add_error("reference", error.message)
        return _bank_page(request, form, status=error.status_code)
    if GatewaySession.objects.filter(pk=session.pk, callback_acknowledged_at__isnull=False).exists():
        messages.success(request, _("Transfer of %(amount)s received.") % {"amount": format_sar(session.amount)})
    else:
        messages.info(request, _("The transfer was sent. The confirmation will reach the invoice shortly."))
    return redirect(session.invoice.get_absolute_url())


def _bank_page(request, form, status=200):
    from . import services

    context = {"form": form, "iban": services.escrow_iban()}
    return render(request, "payments/gateway/bank.html", context, status=status)
