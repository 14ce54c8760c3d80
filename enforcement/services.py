"""Commands of the virtual enforcement court. Each is one transaction; tasks and notifications
go out on commit. Automatic steps lock the request row and do nothing if the step was done."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor
from najiz.casefile.rules import result
from najiz.common import clock
from najiz.registries import services as registries

from . import rules
from .audit import gather_audit_inputs, party
from .models import Circuit, EnforcementRequest, ExecutionOrder, RequestDebtor
from .states import OPEN, Status, TransitionError, can_move

CAPITAL = "riyadh"


def locked(request_id: int) -> EnforcementRequest:
    return EnforcementRequest.objects.select_for_update().get(pk=request_id)


def transition(request: EnforcementRequest, to: str, *, actor=Actor.SYSTEM, user=None, decision=None, params=None):
    """The one place a request changes state. The caller holds the row lock."""
    if not can_move(request.status, to):
        raise TransitionError(request.status, to)
    if to == Status.SUSPENDED:
        request.status_before_suspension = request.status
    request.status = to
    request.status_changed_at = clock.now()
    if to == Status.CLOSED:
        request.closed_at = request.status_changed_at
    request.save()
    casefile.record_event(request, f"enforcement.{to}", actor=actor, user=user, decision=decision, params=params or {})
    return request


def enqueue_advance(request: EnforcementRequest):
    from .tasks import advance

    request_id = request.pk
    transaction.on_commit(lambda: advance.delay(request_id))


# --- filing ---------------------------------------------------------------------------------


def _resolve_debtor(id_number: str) -> dict:
    person = registries.person(id_number)
    if person:
        return {"person": person}
    entity = registries.entity(id_number)
    return {"entity": entity} if entity else {}


@transaction.atomic
def save_draft(*, user, acting_entity, instrument_number="", debtor_ids=(), amount=None, iban="", request=None):
    """Keep what the creditor typed so far; a draft belongs to whoever filed it."""
    if request is None:
        request = EnforcementRequest(filed_by=user)
    elif request.status != Status.DRAFT:
        raise TransitionError(request.status, Status.DRAFT)
    if acting_entity is not None:
        request.creditor_entity, request.creditor_person = acting_entity, None
    else:
        request.creditor_person, request.creditor_entity = registries.person(user.national_id), None
    request.instrument_number = (instrument_number or "").strip()
    request.instrument = registries.instrument(request.instrument_number)
    request.amount_claimed = amount if amount is not None else Decimal("0.00")
    request.creditor_iban = iban
    request.save()
    request.debtors.exclude(id_number__in=list(debtor_ids)).delete()
    for id_number in debtor_ids:
        RequestDebtor.objects.update_or_create(request=request, id_number=id_number, defaults=_resolve_debtor(id_number))
    return request


@transaction.atomic
def submit(request: EnforcementRequest, *, user) -> EnforcementRequest:
    request = locked(request.pk)
    if request.status != Status.DRAFT:
        return request
    request.number = casefile.next_case_number("EN")
    request.submitted_at = clock.now()
    transition(request, Status.SUBMITTED, actor=Actor.PERSON, user=user, params={"number": request.number})
    enqueue_advance(request)
    return request


# --- automatic steps ------------------------------------------------------------------------


def audit(request: EnforcementRequest):
    inputs = gather_audit_inputs(request)
    results = rules.run_audit(inputs)
    outcome = Status.REJECTED if rules_failed(results) else Status.ACCEPTED
    decision = casefile.record_decision(
        request, "audit", rules=results, outcome=outcome, inputs=inputs, rules_version=rules.RULES_VERSION,
        amount=request.amount_claimed,
    )
    transition(request, Status.AUDITED, decision=decision)
    transition(request, outcome, decision=decision)
    if outcome == Status.REJECTED:
        from .alerts import alert_creditor

        alert_creditor(request, "enforcement.rejected")


def rules_failed(results) -> bool:
    return any(r.passed is False for r in results)


def circuit_loads(city: str):
    return (
        Circuit.objects.filter(city=city)
        .annotate(open_load=Count("requests", filter=Q(requests__status__in=OPEN)))
        .order_by("open_load", "code")
    )


def refer(request: EnforcementRequest):
    debtor = request.debtors.select_related("person", "entity").first()
    city = getattr(debtor.party, "city", "") if debtor and debtor.party else ""
    candidates = list(circuit_loads(city)) or list(circuit_loads(CAPITAL))
    fallback = not Circuit.objects.filter(city=city).exists()
    circuit = candidates[0]
    inputs = {"debtor_city": city, "loads": {c.code: c.open_load for c in candidates}, "fallback_to_capital": fallback}
    reason = (
        result("circuit_city", True, rules.REFERRAL_FALLBACK, city=city or "-")
        if fallback
        else result("circuit_city", True, rules.REFERRAL_BY_CITY, circuit=circuit.code, load=circuit.open_load)
    )
    request.circuit = circuit
    decision = casefile.record_decision(
        request, "referral", rules=[reason], outcome=circuit.code, inputs=inputs, rules_version=rules.RULES_VERSION,
        amount=request.amount_claimed, circuit=circuit,
    )
    transition(request, Status.REFERRED, decision=decision, params={"circuit": circuit.code})


def issue_order(request: EnforcementRequest):
    from payments import services as payments

    from .alerts import notify_debtors

    period = settings.ENFORCEMENT_PAYMENT_PERIOD
    order = ExecutionOrder.objects.create(
        request=request, number=request.number.replace("EN-", "EO-"), amount=request.outstanding, period_days=period.days
    )
    debtor = request.debtors.select_related("person", "entity").first()
    payments.create_invoice(
        purpose=request, payer=debtor.party, payer_user=_user_of(debtor), amount=order.amount, allow_partial=True,
        description_ar=f"طلب التنفيذ {request.number}", description_en=f"Enforcement request {request.number}",
    )
    reached = notify_debtors(request, "enforcement.order_issued")
    inputs = {"amount": str(order.amount), "period_days": period.days, "channels": reached}
    checks = [result("order_art34", True, rules.ORDER_ART34, days=period.days)]
    decision = casefile.record_decision(
        request, "order", rules=checks, outcome="order_issued", inputs=inputs, rules_version=rules.RULES_VERSION,
        amount=order.amount, circuit=request.circuit,
    )
    if reached:
        request.notified_at = clock.now()
        request.deadline = request.notified_at + period
    transition(request, Status.ORDER_ISSUED, decision=decision, params={"order": order.number})


def _user_of(debtor: RequestDebtor):
    """The debtor's portal account (made from the civil registry if they never signed in)."""
    from najiz.accounts.services import user_for_person

    if debtor.person is None:
        return None
    if debtor.user_id is None:
        debtor.user = user_for_person(debtor.person)
        debtor.save(update_fields=["user"])
    return debtor.user


AUTOMATIC_STEPS = {
    Status.SUBMITTED: audit,
    Status.ACCEPTED: refer,
    Status.REFERRED: issue_order,
}


def advance_once(request_id: int) -> bool:
    """Run the next automatic step of a request, if it has one. True if a step ran."""
    with transaction.atomic():
        request = locked(request_id)
        step = AUTOMATIC_STEPS.get(request.status)
        if step is None:
            return False
        step(request)
        return True


def advance(request_id: int) -> str:
    """Push a request through every automatic step it can take now; each step commits alone."""
    while advance_once(request_id):
        pass
    return EnforcementRequest.objects.values_list("status", flat=True).get(pk=request_id)
