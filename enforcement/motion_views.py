"""The parties' motions from the request page: the debtor objects or asks for a grace period;
the creditor grants one or reactivates enforcement early. Who may is checked here, on the server,
with enforcement's selectors; what applies now is checked again by the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from . import motions, selectors, settlement
from .motion_forms import GraceForm, ObjectionForm, PlanAnswerForm, PlanEndForm, PlanForm, ReactivateForm

# name: (side, form, whether it applies now, command, done)
MOTIONS = {
    "objection": (
        "debtor", ObjectionForm, motions.can_object,
        lambda req, user, debtor, data: motions.file_objection(
            req, user=user, debtor=debtor, grounds=data["grounds"], reference=data["reference"],
            statement=data["statement"],
        ),
        _("Your objection was filed; the supervising judge will decide it."),
    ),
    "grace_request": (
        "debtor", GraceForm, motions.can_ask_grace,
        lambda req, user, debtor, data: motions.request_grace(
            req, user=user, debtor=debtor, days=data["days"], reason=data["reason"]
        ),
        _("Your request for a grace period was filed; the supervising judge will decide it."),
    ),
    "grace": (
        "creditor", GraceForm, motions.can_grant_grace,
        lambda req, user, debtor, data: motions.grant_grace(req, user=user, days=data["days"], reason=data["reason"]),
        _("The grace period was granted: the measures are lifted until it ends."),
    ),
    "reactivate": (
        "creditor", ReactivateForm, motions.can_reactivate,
        lambda req, user, debtor, data: motions.reactivate(req, user=user),
        _("Enforcement was reactivated."),
    ),
    "plan": (
        "debtor", PlanForm, settlement.can_propose,
        lambda req, user, debtor, data: settlement.propose(
            req, user=user, debtor=debtor, count=data["count"], amount=data["amount"], first_due=data["first_due"],
            statement=data["statement"],
        ),
        _("Your instalment plan was sent to the creditor, who will accept or decline it."),
    ),
    "plan_accept": (
        "creditor", PlanAnswerForm, settlement.can_answer,
        lambda req, user, debtor, data: settlement.accept(req, user=user, reason=data["reason"]),
        _("The plan was accepted: the measures are lifted and each instalment has its own invoice."),
    ),
    "plan_decline": (
        "creditor", PlanAnswerForm, settlement.can_answer,
        lambda req, user, debtor, data: settlement.decline(req, user=user, reason=data["reason"]),
        _("The plan was declined; enforcement goes on."),
    ),
    "plan_end": (
        "creditor", PlanEndForm, settlement.can_end_early,
        lambda req, user, debtor, data: settlement.end_early(req, user=user, reason=data["reason"]),
        _("The plan was ended: its unpaid instalments' bills are cancelled and enforcement is reactivated."),
    ),
}

NOT_NOW = _("This motion does not apply to the request in its current state.")


def _debtor_of(http_request, enforcement_request):
    """The debtor row the signed-in person stands for (None if they are not a debtor)."""
    if not selectors.is_debtor(http_request.user, http_request.acting_entity, enforcement_request):
        return None
    if selectors.is_filer(http_request.user, http_request.acting_entity, enforcement_request):
        return None
    return selectors.debtor_row(http_request.user, http_request.acting_entity, enforcement_request)


def context(http_request, enforcement_request, *, is_debtor: bool, is_filer: bool, forms=None) -> dict:
    """What the request page shows of motions: the record, and the forms of those that apply now."""
    side = "debtor" if is_debtor else "creditor" if is_filer else None
    forms = forms or {}
    filed = motions.motions_of(enforcement_request)  # the record, and what the rules below look at
    offered = {
        name: forms.get(name) or form_class(prefix=name, enforcement_request=enforcement_request)
        for name, (who, form_class, applies, _command, _done) in MOTIONS.items()
        if who == side and applies(enforcement_request, filed)
    }
    plans = settlement.plans_of(enforcement_request, filed)
    for motion in filed:
        motion.plan = plans.get(motion.pk, [])
    return {"motions": filed, "motion_forms": offered}


@login_required
def file(http_request, number, name):
    """POST a motion. Anyone but the side it belongs to gets 404; a motion that does not apply
    now, 409; bad input, 400 with the form's messages."""
    if http_request.method != "POST" or name not in MOTIONS:
        raise Http404
    from .views import _detail_context

    enforcement_request = selectors.request_for(http_request, number)
    side, form_class, applies, command, done = MOTIONS[name]
    is_filer = selectors.is_filer(http_request.user, http_request.acting_entity, enforcement_request)
    debtor = _debtor_of(http_request, enforcement_request)
    if (side == "debtor" and debtor is None) or (side == "creditor" and not is_filer):
        raise Http404

    def page(status, **extra):
        return render(http_request, "enforcement/detail.html",
                      _detail_context(http_request, enforcement_request, **extra), status=status)

    if not applies(enforcement_request):
        return page(409, action_error=NOT_NOW)
    form = form_class(http_request.POST, prefix=name, enforcement_request=enforcement_request)
    if not form.is_valid():
        return page(400, motion_forms={name: form})
    try:
        command(enforcement_request, http_request.user, debtor, form.cleaned_data)
    except motions.MotionRefused as refusal:
        enforcement_request = selectors.request_for(http_request, number)
        return page(409, action_error=str(refusal.message))
    messages.success(http_request, done)
    return redirect("enforcement:detail", number=enforcement_request.number)
