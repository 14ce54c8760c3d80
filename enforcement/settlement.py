"""Instalment settlement (تقسيط), a motion on an open request (docs/design.md §6).

The debtor proposes a plan: a number of monthly instalments of an amount, from a first due date;
the last instalment takes what is left, so the plan adds up to exactly what is owed. The creditor
accepts or declines. Once accepted the request is in settlement: its measures are lifted, the
request's invoice gives way to one invoice per instalment (a SADAD bill due on its date, through
the payments app: no second money path), and each payment is collected as any other. An
instalment still unpaid ENFORCEMENT_INSTALMENT_DEFAULT_DAYS after its due date ends the plan (the
instalments sweep): enforcement reactivates for the whole remainder and the measures apply again.
The creditor may end a plan early, with reasons, to the same effect (end_early). Each instalment
paid leaves a decision for the supervision queue. The last instalment closes the request as a full
payment does (services.settle_if_covered)."""

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor
from najiz.casefile.rules import failed, message_for, result
from najiz.common import clock
from najiz.common.money import ZERO, sar_text

from . import services
from .models import EnforcementRequest, Instalment, Motion
from .motions import MotionRefused, among, pending
from .signals import announce_motion
from .states import Status

RULES_VERSION = "settlement-1"
PLAN_FROM = frozenset({Status.ORDER_ISSUED, Status.MEASURES_APPLIED})
AWAITING_CREDITOR = "awaiting_creditor"


# --- rules: a plan as typed, on plain values ------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_instalment(count: int, amount: Decimal, outstanding: Decimal) -> Decimal:
    return outstanding - (count - 1) * amount


def schedule(count: int, amount: Decimal, first_due: date, outstanding: Decimal) -> list[tuple[int, Decimal, date]]:
    """(number, amount, due date) of each instalment: monthly, the last one what is left."""
    return [
        (n, amount if n < count else last_instalment(count, amount, outstanding), add_months(first_due, n - 1))
        for n in range(1, count + 1)
    ]


def plan_inputs(request, *, count: int, amount: Decimal, first_due: date) -> dict:
    return {"count": count, "amount": str(amount), "first_due": first_due.isoformat(),
            "outstanding": str(request.outstanding), "today": clock.today().isoformat()}


def plan_adds_up(inputs):
    count, amount, outstanding = inputs["count"], Decimal(inputs["amount"]), Decimal(inputs["outstanding"])
    last = last_instalment(count, amount, outstanding)
    params = {"count": count, "amount": sar_text(amount), "outstanding": sar_text(outstanding)}
    if ZERO < last <= amount:
        return result("plan_adds_up", True, _("%(count)s instalments of %(amount)s add up to the "
                                             "%(outstanding)s owed, the last one taking what is left."), **params)
    return result("plan_adds_up", False, _("%(count)s instalments of %(amount)s do not add up to the "
                                          "%(outstanding)s owed: the last one takes what is left, so it must be "
                                          "more than zero and no more than the others."), **params)


def plan_within_limits(inputs):
    limit = settings.ENFORCEMENT_INSTALMENTS_MAX
    if 2 <= inputs["count"] <= limit:
        return result("plan_within_limits", True, _("A plan has from 2 to %(max)s monthly instalments."), max=limit)
    return result("plan_within_limits", False, _("A plan has from 2 to %(max)s monthly instalments."), max=limit)


def first_due_in_time(inputs):
    first, today = date.fromisoformat(inputs["first_due"]), date.fromisoformat(inputs["today"])
    latest = settings.ENFORCEMENT_INSTALMENT_FIRST_DUE_MAX_DAYS
    if today <= first <= today + timedelta(days=latest):
        return result("first_due_in_time", True, _("The first instalment falls due within %(days)s days."),
                      days=latest)
    return result("first_due_in_time", False, _("The first instalment falls due from today and within %(days)s "
                                                "days, never on a date already past."), days=latest)


PLAN_RULES = (plan_within_limits, plan_adds_up, first_due_in_time)


def run_plan(inputs) -> list:
    return [rule(inputs) for rule in PLAN_RULES]


def creditor_answered(accepted: bool):
    if accepted:
        return result("creditor_accepted", True, _("The creditor accepted the debtor's plan."))
    return result("creditor_declined", False, _("The creditor declined the debtor's plan."))


def instalment_overdue(inputs):
    return result("instalment_overdue", True, _("Instalment %(number)s, due on %(due_on)s, was still unpaid "
                                                "%(days)s days later."), **inputs)


def instalment_paid(inputs):
    params = {"number": inputs["number"], "count": inputs["count"], "due_on": inputs["due_on"],
              "paid_on": inputs["paid_on"], "amount": sar_text(Decimal(inputs["amount"])),
              "outstanding": sar_text(Decimal(inputs["outstanding"]))}
    if inputs["paid_on"] <= inputs["due_on"]:
        return result("instalment_paid", True, _("Instalment %(number)s of %(count)s (%(amount)s), due on "
                                                 "%(due_on)s, was paid on %(paid_on)s, in time: the measures stay "
                                                 "lifted; %(outstanding)s is still owed."), **params)
    return result("instalment_paid", True, _("Instalment %(number)s of %(count)s (%(amount)s), due on %(due_on)s, "
                                             "was paid late on %(paid_on)s, before the plan ended for want of it: "
                                             "the measures stay lifted; %(outstanding)s is still owed."), **params)


def ended_by_creditor(inputs):
    return result("plan_ended_by_creditor", True, _("The creditor ended the instalment plan with %(left)s of its "
                                                    "%(count)s instalments unpaid: enforcement reactivates for the "
                                                    "whole remainder."), left=len(inputs["unpaid"]),
                  count=inputs["count"])


def default_days() -> int:
    return settings.ENFORCEMENT_INSTALMENT_DEFAULT_DAYS


# --- when the motion applies --------------------------------------------------------------------


def can_propose(request, motions=None) -> bool:
    return request.status in PLAN_FROM and pending(request, Motion.Kind.SETTLEMENT, motions) is None


def can_answer(request, motions=None) -> bool:
    return request.status in PLAN_FROM and pending(request, Motion.Kind.SETTLEMENT, motions) is not None


def plan_in_force(request, motions=None) -> Motion | None:
    """The settlement granted and not ended; looked for in the request's `motions` when given."""
    if motions is not None:
        return next(iter(among(motions, Motion.Kind.SETTLEMENT, Motion.State.GRANTED, ongoing=True)), None)
    return request.motions.filter(kind=Motion.Kind.SETTLEMENT, status=Motion.State.GRANTED,
                                  ended_at__isnull=True).first()


def _refusal(checks) -> MotionRefused:
    return MotionRefused(" ".join(message_for(check.as_dict()) for check in failed(checks)))


def _alert_both(request, kind, **extra) -> None:
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, kind, **extra)
    alert_creditor(request, kind, **extra)


# --- the debtor proposes, the creditor answers ----------------------------------------------------


@transaction.atomic
def propose(request, *, user, debtor, count: int, amount: Decimal, first_due: date, statement: str = "") -> Motion:
    """The debtor's plan, checked by the rules; enforcement goes on until the creditor accepts."""
    request = services.locked(request.pk)
    if not can_propose(request):
        raise MotionRefused(_("A plan can be proposed after the order, while the request is under enforcement, "
                              "one at a time."))
    inputs = plan_inputs(request, count=count, amount=amount, first_due=first_due)
    checks = run_plan(inputs)
    if failed(checks):
        raise _refusal(checks)
    motion = Motion.objects.create(request=request, kind=Motion.Kind.SETTLEMENT, statement=statement, filed_by=user,
                                   debtor=debtor)
    Instalment.objects.bulk_create([
        Instalment(motion=motion, request=request, number=n, amount=part, due_on=due)
        for n, part, due in schedule(count, amount, first_due, request.outstanding)
    ])
    motion.decision = casefile.record_decision(
        request, "settlement_proposal", rules=checks, outcome=AWAITING_CREDITOR, rules_version=RULES_VERSION,
        amount=request.outstanding, circuit=request.circuit, inputs={"motion": motion.pk, **inputs},
    )
    motion.save(update_fields=["decision"])
    casefile.record_event(request, "enforcement.plan_proposed", actor=Actor.PERSON, user=user,
                          decision=motion.decision, params={"count": count, "amount": str(amount)})
    from .alerts import alert_creditor

    alert_creditor(request, "enforcement.plan_proposed", count=count, instalment=str(amount))
    announce_motion(request, motion, "motion.filed")
    return motion


def _pending_plan(request) -> tuple[EnforcementRequest, Motion]:
    request = services.locked(request.pk)
    motion = pending(request, Motion.Kind.SETTLEMENT)
    if motion is None or request.status not in PLAN_FROM:
        raise MotionRefused(_("There is no plan awaiting your answer on this request."))
    return request, motion


def _instalment_bills(request, motion, instalments) -> list[dict]:
    debtor = motion.debtor or request.debtors.select_related("person", "entity").first()
    bills = []
    for instalment in instalments:
        # the bill takes no payment from the day the plan ends for want of it
        expires = timezone.make_aware(datetime.combine(instalment.due_on + timedelta(days=default_days()), time.min))
        params = {"n": instalment.number, "count": len(instalments), "number": request.number,
                  "due": instalment.due_on.isoformat()}
        bills.append({
            "purpose": request, "payer": debtor.party, "payer_user": debtor.user, "amount": instalment.amount,
            "allow_partial": False, "expires_at": expires,
            "description_ar": "القسط {n} من {count} لطلب التنفيذ {number}، يستحق في {due}".format(**params),
            "description_en": "Instalment {n} of {count}, enforcement request {number}, due on {due}".format(**params),
        })
    return bills


@transaction.atomic
def accept(request, *, user, reason: str = "") -> Motion:
    """The creditor accepts: measures lifted, an invoice per instalment, the request in settlement."""
    from payments import services as payments

    request, motion = _pending_plan(request)
    instalments = list(motion.instalments.order_by("number"))
    inputs = plan_inputs(request, count=len(instalments), amount=instalments[0].amount,
                         first_due=instalments[0].due_on)
    checks = run_plan(inputs)
    if failed(checks):  # what is owed changed since the plan was proposed (a seizure, a payment)
        raise MotionRefused(_("The plan no longer matches what is owed; decline it and the debtor may propose "
                              "another.") + " " + str(_refusal(checks).message))
    now = clock.now()
    decision = casefile.record_decision(
        request, "settlement", rules=[*checks, creditor_answered(True)], outcome=Status.SETTLEMENT,
        rules_version=RULES_VERSION, amount=request.outstanding, circuit=request.circuit,
        inputs={"motion": motion.pk, **inputs, "reason": reason},
    )
    motion.status, motion.decided_by, motion.decided_at, motion.reasons = Motion.State.GRANTED, user, now, reason
    motion.starts_at, motion.period_left = now, timedelta(0)
    motion.save(update_fields=["status", "decided_by", "decided_at", "reasons", "starts_at", "period_left"])
    services.lift_all_measures(request, actor=Actor.PERSON, user=user)
    services.cancel_open_invoices(request)
    invoices = payments.create_invoices(_instalment_bills(request, motion, instalments))
    for instalment, invoice in zip(instalments, invoices, strict=True):
        instalment.invoice = invoice
    Instalment.objects.bulk_update(instalments, ["invoice"])
    services.transition(request, Status.SETTLEMENT, actor=Actor.PERSON, user=user, decision=decision,
                        params={"count": len(instalments), "first_due": instalments[0].due_on.isoformat()})
    _alert_both(request, "enforcement.plan_accepted", count=len(instalments),
                first_due=instalments[0].due_on.isoformat(), instalment=str(instalments[0].amount))
    announce_motion(request, motion, "motion.decided")
    announce_motion(request, motion, "plan.accepted")
    return motion


@transaction.atomic
def decline(request, *, user, reason: str = "") -> Motion:
    """The creditor declines: enforcement goes on as it was; the debtor may propose another plan."""
    request, motion = _pending_plan(request)
    decision = casefile.record_decision(
        request, "settlement", rules=[creditor_answered(False)], outcome="declined", rules_version=RULES_VERSION,
        amount=request.outstanding, circuit=request.circuit, inputs={"motion": motion.pk, "reason": reason},
    )
    motion.status, motion.decided_by, motion.decided_at, motion.reasons = (
        Motion.State.DECLINED, user, clock.now(), reason)
    motion.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    casefile.record_event(request, "enforcement.plan_declined", actor=Actor.PERSON, user=user, decision=decision,
                          params={"reason": reason or "—"})
    from .alerts import notify_debtors

    notify_debtors(request, "enforcement.plan_declined", reason=reason or "—")
    announce_motion(request, motion, "motion.decided")
    return motion


# --- payments and the plan's end ----------------------------------------------------------------


def record_payment(request, invoice) -> None:
    """An instalment's invoice paid in full (services.record_invoice_payment, the row locked): a
    decision for the supervision queue says which instalment was paid, when and what is left, and
    the timeline both parties read shows it."""
    from payments.models import InvoiceStatus

    instalment = request.instalments.filter(invoice_id=invoice.pk, paid_at__isnull=True).first()
    if instalment is None or invoice.status != InvoiceStatus.PAID:
        return
    instalment.paid_at = clock.now()
    instalment.save(update_fields=["paid_at"])
    count = instalment.motion.instalments.count()
    inputs = {"motion": instalment.motion_id, "number": instalment.number, "count": count,
              "amount": str(instalment.amount), "due_on": instalment.due_on.isoformat(),
              "paid_on": clock.today().isoformat(), "bill": invoice.bill_number,
              "outstanding": str(max(request.outstanding, ZERO))}
    decision = casefile.record_decision(
        request, "instalment_paid", rules=[instalment_paid(inputs)], outcome="instalment_paid",
        rules_version=RULES_VERSION, inputs=inputs, amount=instalment.amount, circuit=request.circuit,
    )
    casefile.record_event(request, "enforcement.instalment_paid", decision=decision,
                          params={"n": instalment.number, "count": count, "amount": str(instalment.amount)})
    _alert_both(request, "enforcement.instalment_paid", n=instalment.number, count=count)


def sync_instalments(request) -> None:
    """The open instalment invoices ask for no more than is still owed (services._sync_invoice in
    settlement): a claim reduced or a payment certified shortens the plan from its last instalment;
    nothing owed ends it."""
    from payments import selectors as payment_selectors, services as payments

    motion = plan_in_force(request)
    if motion is None:
        return
    open_bills = [i.invoice for i in motion.instalments.select_related("invoice").order_by("-number")
                  if i.invoice is not None and i.invoice.is_payable]
    excess = sum((bill.outstanding for bill in open_bills), ZERO) - request.outstanding
    for bill in open_bills:
        if excess <= 0:
            break
        if excess >= bill.outstanding:
            excess -= bill.outstanding
            payments.cancel_invoice_remainder(bill)
        else:
            payments.amend_invoice_amount(bill, bill.amount - excess)
            excess = ZERO
    if request.outstanding <= 0:
        motion.ended_at = clock.now()
        motion.save(update_fields=["ended_at"])
        for bill in payment_selectors.invoices_for(request).filter(pk__in=[b.pk for b in open_bills]):
            payments.cancel_invoice_remainder(bill)


def overdue_on(today: date) -> date:
    """Instalments due on or before this day are past their time (unpaid that many days after)."""
    return today - timedelta(days=default_days())


def defaults_due(today: date, limit: int = 500) -> list[int]:
    """The requests in settlement with an instalment unpaid past its time (the sweep's batch)."""
    return list(
        EnforcementRequest.objects.filter(
            status=Status.SETTLEMENT,
            pk__in=Instalment.objects.filter(
                paid_at__isnull=True, due_on__lte=overdue_on(today), motion__status=Motion.State.GRANTED,
                motion__ended_at__isnull=True,
            ).values("request_id"),
        ).order_by("pk").values_list("pk", flat=True)[:limit]
    )


def _reactivate_for_remainder(request, motion, decision, *, kind: str, params: dict, actor=Actor.SYSTEM,
                              user=None) -> None:
    """The plan ends and enforcement reactivates for the whole remainder: the instalments' bills
    left stop taking money, one invoice asks for what is still owed, and the request is back at the
    order with its period lapsed (the caller applies the measures then). The row is locked."""
    from payments import services as payments

    now = clock.now()
    motion.ended_at = now
    motion.save(update_fields=["ended_at"])
    services.cancel_open_invoices(request)
    debtor = motion.debtor or request.debtors.select_related("person", "entity").first()
    payments.create_invoice(
        purpose=request, payer=debtor.party, payer_user=debtor.user, amount=request.outstanding,
        allow_partial=True, description_ar=f"طلب التنفيذ {request.number}",
        description_en=f"Enforcement request {request.number}",
    )
    request.deadline = now
    services.transition(request, Status.ORDER_ISSUED, actor=actor, user=user, decision=decision, kind=kind,
                        params=params, changed=["deadline"])


def end_plan(request_id: int) -> bool:
    """The sweep: an instalment unpaid past its time ends the plan, and enforcement reactivates for
    the whole remainder: a new invoice for it, and the measures at once (the period has lapsed)."""
    with transaction.atomic():
        request = services.locked(request_id)
        motion = plan_in_force(request) if request.status == Status.SETTLEMENT else None
        overdue = None if motion is None else motion.instalments.filter(
            paid_at__isnull=True, due_on__lte=overdue_on(clock.today())).order_by("number").first()
        if overdue is None:
            return False
        inputs = {"number": overdue.number, "due_on": overdue.due_on.isoformat(), "days": default_days(),
                  "motion": motion.pk, "today": clock.today().isoformat(), "outstanding": str(request.outstanding)}
        decision = casefile.record_decision(
            request, "settlement_default", rules=[instalment_overdue(inputs)], outcome="reactivated",
            rules_version=RULES_VERSION, inputs=inputs, amount=request.outstanding, circuit=request.circuit,
        )
        _reactivate_for_remainder(request, motion, decision, kind="enforcement.plan_defaulted",
                                  params={"n": overdue.number, "due_on": overdue.due_on.isoformat()})
        _alert_both(request, "enforcement.plan_defaulted", n=overdue.number, due_on=overdue.due_on.isoformat())
        announce_motion(request, motion, "plan.defaulted")
        services.apply_measures(request.pk)
        return True


def can_end_early(request, motions=None) -> bool:
    """The creditor may end a plan in force before its last instalment and reactivate enforcement."""
    return request.status == Status.SETTLEMENT and plan_in_force(request, motions) is not None


@transaction.atomic
def end_early(request, *, user, reason: str) -> Motion:
    """The creditor ends the plan before its end: enforcement reactivates for the whole remainder,
    as on a default (the unpaid instalments' bills cancelled, one invoice for what is owed, the
    measures applied again at once), with the creditor's reasons on the decision."""
    request = services.locked(request.pk)
    motion = plan_in_force(request) if request.status == Status.SETTLEMENT else None
    if motion is None:
        raise MotionRefused(_("Only an instalment plan in force can be ended."))
    plan = list(motion.instalments.order_by("number"))
    unpaid = [i.number for i in plan if i.paid_at is None]
    inputs = {"motion": motion.pk, "count": len(plan), "paid": len(plan) - len(unpaid), "unpaid": unpaid,
              "outstanding": str(request.outstanding), "today": clock.today().isoformat(), "reason": reason}
    decision = casefile.record_decision(
        request, "settlement_ended", rules=[ended_by_creditor(inputs)], outcome="reactivated",
        rules_version=RULES_VERSION, inputs=inputs, amount=request.outstanding, circuit=request.circuit,
    )
    _reactivate_for_remainder(request, motion, decision, kind="enforcement.plan_ended", actor=Actor.PERSON, user=user,
                              params={"reason": reason})
    _alert_both(request, "enforcement.plan_ended", reason=reason)
    announce_motion(request, motion, "plan.ended")
    services.apply_measures(request.pk)
    return motion


# --- for the request page -----------------------------------------------------------------------


def plans_of(request, motions=None) -> dict[int, list[Instalment]]:
    """Each settlement motion's instalments, by motion id. Given the request's `motions`, the
    instalments are read only if one of them is a settlement."""
    plans: dict[int, list[Instalment]] = {}
    if motions is not None and not among(motions, Motion.Kind.SETTLEMENT):
        return plans
    for instalment in request.instalments.select_related("invoice").order_by("motion_id", "number"):
        plans.setdefault(instalment.motion_id, []).append(instalment)
    return plans


def next_invoice(request):
    """The invoice of the next instalment still to pay, while the plan is in force."""
    motion = plan_in_force(request)
    if motion is None:
        return None
    for instalment in motion.instalments.select_related("invoice").order_by("number"):
        if instalment.paid_at is None and instalment.invoice is not None and instalment.invoice.is_payable:
            return instalment.invoice
    return None
