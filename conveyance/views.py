"""Conveyance screens: my deeds (a deed's page, its PDF), new conveyance (live validation), my conveyances as
seller / buyer, a conveyance's file with its timeline, the consent and offer screens, and the
public deed verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from najiz.casefile.rules import failed, message_for
from najiz.casefile.selectors import decisions_of, timeline as case_timeline
from najiz.common import pdf, screens
from najiz.common.addresses import client_address
from najiz.common.identifiers import normalize_digits
from najiz.common.pagination import page_of
from najiz.registries import services as registries
from payments import selectors as payment_selectors

from . import deeds, precheck, selectors, services
from .forms import LIVE_FIELDS, ConveyanceForm
from .states import AUTOMATIC, CANCELLABLE, TONES, Answer, BuyersPay, Capacity, Status, TaxPayer

PAGE_SIZE = 20


def badge(conveyance) -> dict:
    return {"label": Status(conveyance.status).label, "tone": TONES.get(conveyance.status, "neutral")}


# --- deeds ----------------------------------------------------------------------------------


@login_required
@require_GET
def my_deeds(request):
    person, rows = selectors.my_deeds(request.user, request.acting_entity)
    return render(request, "conveyance/deeds.html", {"person": person, "rows": rows})


@login_required
@require_GET
def deed_detail(request, number):
    """One deed as its owner sees it: everything the deed holds, its PDF and its verification link."""
    deed = selectors.deed_for_owner(request.user, number, request.acting_entity)
    return render(request, "conveyance/deed.html", selectors.deed_file(deed, request))


@login_required
@require_GET
def deed_pdf(request, number):
    deed = selectors.deed_for_owner(request.user, number, request.acting_entity)
    return pdf.pdf_response(deeds.deed_pdf(deed, request=request), f"deed-{deed.number}.pdf")


# --- filing ---------------------------------------------------------------------------------


def _form(request, data=None, initial=None):
    return ConveyanceForm(data, initial=initial, user=request.user, acting_entity=request.acting_entity)


def _precheck(form) -> dict:
    """The eligibility rules on what is typed so far (conveyance.precheck): the blockers of the
    fields typed, by field, for the page and the submit button (call after form.is_valid())."""
    blockers = precheck.blockers(precheck.run(form), precheck.typed(form))
    return {"blockers": blockers, "count": len(blockers), "by_field": precheck.by_field(blockers)}


_FIELDS = ConveyanceForm.base_fields
# What a deed picked from the list carries (?deed=&poa=&heirs=).
PICK_LIMITS = {
    "deed": (_FIELDS["deed_number"].label, _FIELDS["deed_number"].max_length),
    "poa": (_FIELDS["poa_number"].label, _FIELDS["poa_number"].max_length),
    "heirs": (_FIELDS["heirs_deed_number"].label, _FIELDS["heirs_deed_number"].max_length),
}


def _initial(request) -> dict:
    """What a deed picked from the list fills in (?deed=&capacity=&poa=&heirs=)."""
    capacity = request.GET.get("capacity", "")
    return {
        "deed_number": normalize_digits(request.GET.get("deed", ""))[:20],
        "capacity": capacity if capacity in Capacity.values else Capacity.OWNER,
        "poa_number": normalize_digits(request.GET.get("poa", ""))[:20],
        "heirs_deed_number": normalize_digits(request.GET.get("heirs", ""))[:20],
    }


def _page(request, form, *, status=200, confirm=False):
    context = {"form": form, "confirm": confirm,
               "deed_choices": selectors.deeds_to_sell(request.user, request.acting_entity)}
    if form.is_bound:
        context["precheck"] = _precheck(form)
    return render(request, "conveyance/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """A conveyance the pre-check finds blockers in is filed only once the seller confirms it."""
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid():
            if precheck.needs_confirmation(_precheck(form)["blockers"]) and request.POST.get("confirm_blockers") != "1":
                return _page(request, form, confirm=True)
            data = form.cleaned_data
            try:
                conveyance = services.file(
                    user=request.user,
                    acting_entity=request.acting_entity,
                    capacity=data["capacity"],
                    deed_number=data["deed_number"],
                    heirs_deed_number=data["heirs_deed_number"],
                    poa_number=data["poa_number"],
                    buyers=form.buyers,
                    share_only=data["share_only"],
                    buyers_pay=data["buyers_pay"] or BuyersPay.EACH,
                    price=data["price"],
                    payment_method=data["payment_method"],
                    tax_payer=data["tax_payer"] or TaxPayer.SELLER,
                )
            except services.ConveyanceError as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("Your conveyance %(number)s was filed.") % {"number": conveyance.number})
                return redirect("conveyance:detail", number=conveyance.number)
        return _page(request, form, status=400)
    refused = screens.too_long(request, PICK_LIMITS)
    if refused is not None:
        return refused
    return _page(request, _form(request, initial=_initial(request)))


@login_required
@require_POST
def check(request):
    """The pre-check of the whole form as typed: the blocker count for the submit button, and each
    field's blockers swapped in beside it (htmx out-of-band)."""
    refused = screens.too_long(request, screens.limits_of(ConveyanceForm))
    if refused is not None:
        return refused
    form = _form(request, request.POST)
    form.is_valid()
    return render(request, "conveyance/_precheck.html", {"precheck": _precheck(form)})


@login_required
@require_POST
def validate(request, field):
    template = "conveyance/_feedback.html"
    return screens.field_feedback(request, field, live_fields=LIVE_FIELDS, form_for=_form, template=template)


# --- lists ----------------------------------------------------------------------------------


@login_required
@require_GET
def conveyance_list(request):
    role = "buyer" if request.GET.get("as") == "buyer" else "seller"
    query = selectors.as_buyer if role == "buyer" else selectors.as_seller
    queryset = query(request.user, request.acting_entity)
    page = page_of(queryset, request.GET.get("page"), PAGE_SIZE)
    rows = [{"conveyance": c, "badge": badge(c)} for c in page.object_list]
    return render(request, "conveyance/list.html", {"page_obj": page, "rows": rows, "role": role})


# --- a conveyance ---------------------------------------------------------------------------


def _reasons(conveyance) -> list[str]:
    if conveyance.status != Status.REJECTED:
        return []
    decision = decisions_of(conveyance).filter(step__in=["eligibility", "consents", "transfer"]).last()
    return [message_for(rule) for rule in failed(decision.rules)] if decision else []


def _timeline_context(conveyance) -> dict:
    return {
        "cv": conveyance,
        "events": case_timeline(conveyance),
        "running": conveyance.status in AUTOMATIC,
        "badge": badge(conveyance),
    }


def _conveyance_for(request, number):
    return selectors.conveyance_for(request.user, number, request.acting_entity)


@screens.case_screen(_conveyance_for)
def detail(request, conveyance):
    user = request.user
    purchase = selectors.purchase_of(user, conveyance)
    is_buyer = purchase is not None or conveyance.buyer_user_id == user.pk
    context = {
        **_timeline_context(conveyance),
        "is_filer": conveyance.filed_by_id == user.pk,
        "is_buyer": is_buyer,
        "consents": conveyance.consents.select_related("person").order_by("id"),
        "buyers": conveyance.buyers.select_related("person").order_by("id"),
        "purchase": purchase,
        "my_consent": selectors.pending_consent(user, conveyance)
        if conveyance.status == Status.AWAITING_CONSENTS
        else None,
        "can_cancel": conveyance.filed_by_id == user.pk and conveyance.status in CANCELLABLE,
        "reasons": _reasons(conveyance),
        "invoice": (purchase.invoice if purchase else None) if conveyance.status == Status.AWAITING_PAYMENT else None,
        "tax_invoice": conveyance.tax_invoice
        if conveyance.status == Status.AWAITING_PAYMENT and not conveyance.tax_paid
        and getattr(services.tax_payer_user(conveyance), "pk", None) == user.pk
        else None,
        "new_deed": conveyance.new_deed if is_buyer else None,
        "tax_payout": selectors.tax_payout(conveyance),
    }
    context["transfer"] = payment_selectors.transfer_details(context["invoice"])
    return render(request, "conveyance/detail.html", context)


@screens.case_screen(_conveyance_for)
def timeline(request, conveyance):
    context = _timeline_context(conveyance)
    return screens.poll(request, "conveyance/_timeline.html", context, running=context["running"])


def _nafath_step(request, conveyance, template, context):
    """An approval without a confirmed Nafath request: show the request's number (a new request if
    the last was answered wrong, expired or used) and let the party come back once they chose it."""
    try:
        challenge, was_wrong = services.approval_to_answer(conveyance, user=request.user,
                                                           client_address=client_address(request))
    except services.ConveyanceError as refused:
        messages.error(request, str(refused.message))
        return redirect("conveyance:detail", number=conveyance.number)
    if was_wrong:
        messages.error(request, _("The number chosen in Nafath was wrong, so the approval was refused. "
                                  "A new request was sent."))
    return render(request, template, {**context, "challenge": challenge})


def _answer(request, conveyance, command, success, template, context):
    accept = request.POST.get("answer") == "accept"
    try:
        command(conveyance, user=request.user, accept=accept)
    except services.ConveyanceError as refused:
        if accept and refused.code == "nafath":
            return _nafath_step(request, conveyance, template, context)
        messages.error(request, str(refused.message))
    else:
        messages.success(request, success[accept])
    return redirect("conveyance:detail", number=conveyance.number)


@login_required
@require_http_methods(["GET", "POST"])
def consent(request, number):
    """A co-owner's or heir's own screen: what is sold, to whom, for how much; approve by Nafath
    or refuse."""
    conveyance = selectors.conveyance_for(request.user, number, request.acting_entity)
    mine = selectors.pending_consent(request.user, conveyance)
    if mine is None or conveyance.status != Status.AWAITING_CONSENTS:
        return redirect("conveyance:detail", number=conveyance.number)
    context = {"cv": conveyance, "consent": mine, "badge": badge(conveyance),
               "encumbrances": registries.active_encumbrances(conveyance.deed)}
    if request.method == "POST":
        return _answer(
            request,
            conveyance,
            services.answer_consent,
            {True: _("You consented to the conveyance."), False: _("You refused the conveyance; it was stopped.")},
            "conveyance/consent.html", context,
        )
    return render(request, "conveyance/consent.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, number):
    """The buyer reviews the deed, the price, the tax and the sellers; approves by Nafath and
    accepts, or declines."""
    conveyance = selectors.conveyance_for(request.user, number, request.acting_entity)
    purchase = selectors.purchase_of(request.user, conveyance)
    if purchase is None:
        raise Http404
    if conveyance.status != Status.AWAITING_BUYER or purchase.answer != Answer.PENDING:
        return redirect("conveyance:detail", number=conveyance.number)
    context = {"cv": conveyance, "badge": badge(conveyance), "consents": conveyance.consents.select_related("person"),
               "buyers": conveyance.buyers.select_related("person"), "purchase": purchase,
               "encumbrances": registries.active_encumbrances(conveyance.deed)}
    if request.method == "POST":
        return _answer(request, conveyance, services.answer_offer,
                       {True: _("You accepted the offer. Pay the price in full to complete the conveyance."),
                        False: _("You declined the offer.")},
                       "conveyance/offer.html", context)
    return render(request, "conveyance/offer.html", context)


@login_required
@require_POST
def cancel(request, number):
    conveyance = selectors.conveyance_for(request.user, number, request.acting_entity)
    try:
        services.cancel(conveyance, user=request.user)
    except services.ConveyanceError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The conveyance was cancelled."))
    return redirect("conveyance:detail", number=conveyance.number)


# --- public verification --------------------------------------------------------------------


@require_GET
def verify_deed(request, number):
    """Public: is this deed valid and current? Nothing about its owners."""
    number = normalize_digits(number)[:20]
    deed = registries.deed(number) if number.isdigit() else None
    code = request.GET.get("code", "")
    context = {
        "number": number,
        "deed": deed,
        "current": deed is not None and not deed.is_closed,
        "code_given": bool(code),
        "code_ok": deed is not None and bool(code) and deeds.code_matches(deed.number, code),
    }
    return render(request, "conveyance/verify.html", context, status=200 if deed else 404)
