"""Judicial supervision screens: the review queue, a decision's file ("why did the system do
this?"), the judge's actions, replay with today's rules, and circuit statistics."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi, gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from enforcement import selectors as enforcement_selectors
from enforcement.states import AUTOMATIC, ENFORCING, OPEN, Status, TransitionError
from najiz.casefile.inputs import readable
from najiz.casefile.models import ReviewState
from najiz.casefile.rules import message_for, rule_name

from . import charts, replay as replays, selectors, services
from .forms import QueueFilterForm, ReasonForm
from .labels import outcome_label, step_label

PAGE_SIZE = 25


def supervisor_required(view):
    """Staff only (others go to the staff sign-in); the view gets the user's reach."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("accounts:staff_login"))
        return view(request, selectors.supervisor(request.user), *args, **kwargs)

    return wrapper


def _row(decision) -> dict:
    return {
        "decision": decision,
        "number": getattr(decision.case, "number", None) or "—",
        "step": step_label(decision.step),
        "outcome": outcome_label(decision.outcome, decision),
        "failed": [message_for(rule) for rule in decision.failed_rules()],
    }


@never_cache
@require_GET
@supervisor_required
def queue(request, sup):
    form = QueueFilterForm(request.GET or None)
    page = Paginator(selectors.queue(sup, form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": [_row(decision) for decision in page.object_list],
        "counts": selectors.counts(sup),
        "sup": sup,
    }
    return render(request, "supervision/queue.html", context)


def _actions(decision, file) -> list[str]:
    """The actions that make sense now (each is checked again by its service)."""
    if file["is_enforcement"] and decision.step in services.MOTION_STEPS:
        return _motion_actions(decision, file["case"].status)
    available = ["confirm"] if decision.review_state == ReviewState.PENDING else []
    if not file["is_enforcement"]:
        return available
    status = file["case"].status
    if decision.step == "audit" and status == Status.REJECTED:
        if decision.outcome == Status.REJECTED:
            available.append("reverse")
        available.append("rerun")
    pending = decision.review_state == ReviewState.PENDING
    if decision.step == "disclosure" and decision.outcome == "measures_limited" and pending:
        available.append("overrule")
    if decision.step == enforcement_selectors.SET_ASIDE_STEP and status in AUTOMATIC:
        available.append("retry")
    if status in OPEN:
        available.append("suspend")
    if status == Status.SUSPENDED:
        available.append("resume")
    if any(measure.status == "applied" for measure in file["measures"]):
        available.append("lift")
    if status in OPEN | {Status.SUSPENDED}:
        available.append("end")
    return available


def _motion_actions(decision, status) -> list[str]:
    """A motion awaiting the judge is ruled on, not confirmed."""
    if decision.review_state != ReviewState.PENDING:
        return []
    if decision.step == "objection":
        return [*(["suspend"] if status in ENFORCING else []), "dismiss", "uphold"]
    if decision.step == "grace_request":
        return ["grant", "refuse"]
    return []


ACTION_LABELS = {
    "confirm": gettext_lazy("Confirm the decision"),
    "reverse": gettext_lazy("Reverse the rejection"),
    "rerun": gettext_lazy("Run the audit again"),
    "retry": gettext_lazy("Run the automatic steps again"),
    "lift": gettext_lazy("Lift a measure"),
    "suspend": gettext_lazy("Suspend the request"),
    "resume": gettext_lazy("Resume the request"),
    "end": gettext_lazy("End the request"),
    "dismiss": gettext_lazy("Dismiss the objection (enforcement goes on)"),
    "uphold": gettext_lazy("Uphold the objection (the request ends)"),
    "grant": gettext_lazy("Allow the grace period (measures lifted until it ends)"),
    "refuse": gettext_lazy("Refuse the grace period"),
    "overrule": gettext_lazy("Overrule the disclosure (the measures apply in full)"),
}
DANGEROUS = {"reverse", "end", "suspend", "lift", "uphold", "overrule"}


def _decision_context(decision, form=None, action="", error=None) -> dict:
    if form is not None:
        form.auto_id = f"{action}-%s"
    file = selectors.decision_file(decision)
    rules = [{**rule, "name": rule_name(rule["id"]), "message": message_for(rule)} for rule in decision.rules]
    return {
        **file,
        "decision": decision,
        "step": step_label(decision.step),
        "outcome": outcome_label(decision.outcome, decision),
        "rules": rules,
        "facts": readable(decision.inputs),
        "history": [
            {"decision": d, "step": step_label(d.step), "outcome": outcome_label(d.outcome, d)}
            for d in file["decisions"]
        ],
        "action_forms": [
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "danger": name in DANGEROUS,
                "open": name == action,
                "form": form if (form is not None and name == action) else ReasonForm(auto_id=f"{name}-%s"),
            }
            for name in _actions(decision, file)
        ],
        "applied_measures": [m for m in file["measures"] if m.status == "applied"],
        "error": error,
        "replayable": replays.replayable(decision),
        "number": getattr(file["case"], "number", None) or "—",
    }


@never_cache
@require_GET
@supervisor_required
def decision(request, sup, pk):
    return render(request, "supervision/decision.html", _decision_context(selectors.decision_for(sup, pk)))


ACTION_DONE = {
    "confirm": gettext_lazy("The decision was confirmed."),
    "reverse": gettext_lazy("The rejection was reversed; the request continues from acceptance."),
    "rerun": gettext_lazy("The audit was run again."),
    "retry": gettext_lazy("The automatic steps were asked to run again."),
    "lift": gettext_lazy("The measure was lifted."),
    "suspend": gettext_lazy("The request was suspended."),
    "resume": gettext_lazy("The request was resumed."),
    "end": gettext_lazy("The request was ended."),
    "dismiss": gettext_lazy("The objection was dismissed; enforcement goes on."),
    "uphold": gettext_lazy("The objection was upheld; the request was ended."),
    "grant": gettext_lazy("The grace period was allowed."),
    "refuse": gettext_lazy("The grace period was refused."),
    "overrule": gettext_lazy("The disclosure was overruled; the measures apply in full."),
}


@require_POST
@supervisor_required
def act(request, sup, pk, action):
    service = services.ACTIONS.get(action)
    if service is None:
        raise Http404
    decision = selectors.decision_for(sup, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, "supervision/decision.html", _decision_context(decision, form, action), status=400)
    extra = {"measure_id": form.cleaned_data["measure"]} if action == "lift" else {}
    if action == "lift" and not form.cleaned_data["measure"]:
        raise Http404
    try:
        service(
            decision, judge=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], **extra
        )
    except TransitionError:
        error = _("This action is not possible in the request's current state.")
        return render(
            request, "supervision/decision.html", _decision_context(decision, form, action, error), status=409
        )
    except services.SupervisionError as refusal:
        return render(
            request,
            "supervision/decision.html",
            _decision_context(decision, form, action, str(refusal.message)),
            status=409,
        )
    messages.success(request, str(ACTION_DONE[action]))
    return redirect("supervision:decision", pk=decision.pk)


@never_cache
@require_GET
@supervisor_required
def replay(request, sup, pk):
    decision = selectors.decision_for(sup, pk)
    result = replays.replay(decision)
    context = {"decision": decision, "replay": result, "outcome": outcome_label(decision.outcome, decision),
               "outcome_now": outcome_label(result.outcome) if result else "",
               "comparison": [
                   {**row, "name": rule_name(row["id"]),
                    "then_message": message_for(row["then"]) if row["then"] else "",
                    "now_message": message_for(row["now"]) if row["now"] else ""}
                   for row in (result.comparison() if result else [])
               ]}
    template = "supervision/_replay.html" if request.htmx else "supervision/replay.html"
    return render(request, template, context)


@never_cache
@require_GET
@supervisor_required
def statistics(request, sup):
    circuits = selectors.circuits_of(sup)
    chosen = [c for c in circuits if c.code == request.GET.get("circuit")]
    selected = chosen[0] if chosen else None
    ids = [selected.pk] if selected else [c.pk for c in circuits]
    stats = selectors.statistics(ids) if ids else None
    chart = charts.bar_chart(stats["by_state"], title=_("Requests by state"), rtl=get_language_bidi()) if stats else ""
    overrides = [(rule_name(rule_id), n) for rule_id, n in stats["overrides"]] if stats else []
    context = {"circuits": circuits, "selected": selected, "stats": stats, "chart": chart, "average": "", "rate": "",
               "overrides": overrides}
    if stats and stats["average_to_order"] is not None:
        context["average"] = _duration(stats["average_to_order"])
    if stats and stats["collection_rate"] is not None:
        context["rate"] = f"{stats['collection_rate']}%"
    return render(request, "supervision/statistics.html", context)


def _duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return _("%(days)s d %(hours)s h %(minutes)s min") % {"days": days, "hours": hours, "minutes": minutes}
