"""The automatic steps of the virtual enforcement court — audit, referral, execution order —
run for a batch of requests in one transaction.

A task names one request; the batch takes that request and the other requests freshly waiting
for an automatic step (up to ENFORCEMENT_BATCH_SIZE, rows locked, SKIP LOCKED so two workers
never share one), reads the registries once for the whole batch and writes its rows in bulk.
Within the batch the requests move one after another in id order, so each step sees exactly
what it would see in a transaction of its own (the other requests on an instrument, the
circuits' loads). A request submitted while a batch is asked for and not yet started sends no
task of its own (see dispatch); requests idle longer than STALLED_AFTER are the stalled sweep's.

Each request's steps run in a savepoint of their own: a request whose step fails is rolled back
alone, set aside (quarantine) and left out of the batch's writes, and the others are written
together in the same pass. Requests set aside are in no fresh batch; they are retried alone.
"""

import logging
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.functional import lazy, lazystr

from najiz.casefile import services as casefile
from najiz.casefile.rules import failed, result
from najiz.common import clock
from najiz.common.bulk import update_rows
from najiz.registries.cities import city_label

from . import dispatch, quarantine, rules
from .audit import AuditFacts
from .models import Circuit, EnforcementRequest, ExecutionOrder, StepFailure
from .services import WORKFLOW
from .states import OPEN, Status

logger = logging.getLogger(__name__)

CAPITAL = "riyadh"
STEPS = (Status.SUBMITTED, Status.ACCEPTED, Status.REFERRED)  # the states an automatic step leaves


def open_counts(circuits):
    """(circuit id, open requests) pairs. COUNT(*), not of a column: the partial index
    request_open_per_circuit answers it alone, without visiting the hundreds of thousands of
    rows it counts."""
    return (
        EnforcementRequest.objects.filter(circuit__in=circuits, status__in=OPEN)
        .values_list("circuit").annotate(n=Count("*")).order_by()
    )


class CircuitLoads:
    """Every circuit with its open requests, read once; kept current as a batch refers requests.

    Counting the open requests of a circuit reads every one of them (a few hundred thousand in a
    year's history), so the counts are kept in the cache for ENFORCEMENT_LOADS_CACHE_SECONDS:
    every referral adds to them once committed, and they are counted afresh when they lapse. A
    request that leaves the open states is seen at the next count, so a load may run high by
    that much for that long; the referral's decision records the loads it used."""

    KEY = "enforcement:open-load:{}"

    def __init__(self):
        circuits = list(Circuit.objects.all())
        loads = self._loads(circuits)
        for circuit in circuits:
            circuit.open_load = loads.get(circuit.pk, 0)
        self.by_city = {}
        for circuit in circuits:
            self.by_city.setdefault(circuit.city, []).append(circuit)
        self.circuits = circuits
        self.referrals = Counter()
        if settings.ENFORCEMENT_LOADS_CACHE_SECONDS:
            transaction.on_commit(self._add_referrals)

    def _loads(self, circuits) -> dict[int, int]:
        seconds = settings.ENFORCEMENT_LOADS_CACHE_SECONDS
        keys = {circuit.pk: self.KEY.format(circuit.pk) for circuit in circuits}
        if seconds:
            try:
                cached = cache.get_many(keys.values())
            except Exception:
                cached = {}
            if len(cached) == len(keys):
                return {pk: cached[key] for pk, key in keys.items()}
        counted = dict(open_counts(circuits))
        if seconds:
            try:
                cache.set_many({key: counted.get(pk, 0) for pk, key in keys.items()}, seconds)
            except Exception:
                logger.warning("could not keep the circuits' loads in the cache")
        return counted

    def _add_referrals(self) -> None:
        for pk, count in self.referrals.items():
            try:
                cache.incr(self.KEY.format(pk), count)
            except ValueError:  # lapsed meanwhile: the next count includes these
                pass
            except Exception:
                logger.warning("could not add referrals to circuit %s's load in the cache", pk)

    def least_loaded(self, city: str) -> list[Circuit]:
        return sorted(self.by_city.get(city, []), key=lambda c: (c.open_load, c.code))

    def choose(self, request: EnforcementRequest):
        """The circuit in the debtor's city with the fewest open requests (the capital's if none
        sits there), with the facts and the reason for the record."""
        debtors = list(request.debtors.all())
        debtor = debtors[0] if debtors else None
        city = getattr(debtor.party, "city", "") if debtor and debtor.party else ""
        candidates = self.least_loaded(city) or self.least_loaded(CAPITAL)
        if not candidates:
            return None, {"debtor_city": city, "loads": {}}, None
        circuit = candidates[0]
        fallback = circuit.city != city
        inputs = {
            "debtor_city": city,
            "loads": {c.code: c.open_load for c in candidates},
            "fallback_to_capital": fallback,
        }
        reason = (
            result("circuit_city", True, rules.REFERRAL_FALLBACK, city=lazy(city_label, str)(city) if city else "-")
            if fallback
            else result("circuit_city", True, rules.REFERRAL_BY_CITY, circuit=lazystr(circuit), load=circuit.open_load)
        )
        return circuit, inputs, reason

    def referred(self, circuit: Circuit) -> None:
        circuit.open_load += 1
        self.referrals[circuit.pk] += 1

    def undo_since(self, referrals: Counter) -> None:
        """Take back the referrals made since `referrals` (a copy of self.referrals)."""
        for circuit in self.circuits:
            circuit.open_load -= self.referrals[circuit.pk] - referrals[circuit.pk]
        self.referrals = referrals


def choose_circuit(request: EnforcementRequest):
    return CircuitLoads().choose(request)


class Batch:
    """The requests of one transaction and what their steps write, flushed in bulk at the end.

    Each request's steps run in a savepoint of their own (run): a request whose step fails is
    rolled back, its staged writes dropped, and it is left out of the flush (self.failures)."""

    RESTORED = ("status", "status_changed_at", "circuit", "notified_at", "deadline")  # what the steps change

    def __init__(self, requests: list[EnforcementRequest]):
        self.requests = requests
        self.facts = AuditFacts(requests) if any(r.status == Status.SUBMITTED for r in requests) else None
        self.loads = CircuitLoads() if any(r.status in STEPS for r in requests) else None
        self.stage = WORKFLOW.stage()  # the moves, written at the end
        self.decisions, self.notices = [], []
        self.orders = []  # (request, order, debtors) waiting for their notices
        self.step = {}  # request pk -> the step it is taking (or took last)
        self.failures = []  # quarantine.Failure of the requests left out

    # --- recording ---

    def decide(self, request, step, *, checks, outcome, inputs, amount, circuit):
        decision = casefile.new_decision(
            request, step, rules=checks, outcome=outcome, inputs=inputs, rules_version=rules.RULES_VERSION,
            amount=amount, circuit=circuit,
        )
        self.decisions.append(decision)
        return decision

    def move(self, request, to, *, decision=None, params=None):
        """transition() for a request of the batch: checked now, written at the flush."""
        self.stage.move(request, to, decision=decision, params=params)
        if self.facts is not None:
            self.facts.moved(request)

    # --- the steps ---

    def audit(self, request):
        inputs = self.facts.inputs_for(request)
        results = rules.run_audit(inputs)
        outcome = Status.REJECTED if failed(results) else Status.ACCEPTED
        supervising, _, _ = self.loads.choose(request)  # whose judges review this audit
        decision = self.decide(request, "audit", checks=results, outcome=outcome, inputs=inputs,
                               amount=request.amount_claimed, circuit=supervising)
        self.move(request, Status.AUDITED, decision=decision)
        self.move(request, outcome, decision=decision)
        if outcome == Status.REJECTED:
            from .alerts import creditor_notices

            self.notices.extend(creditor_notices(request, "enforcement.rejected"))

    def refer(self, request):
        circuit, inputs, reason = self.loads.choose(request)
        request.circuit = circuit
        self.loads.referred(circuit)
        decision = self.decide(request, "referral", checks=[reason], outcome=circuit.code, inputs=inputs,
                               amount=request.amount_claimed, circuit=circuit)
        self.move(request, Status.REFERRED, decision=decision, params={"circuit": circuit.code})

    def order(self, request):
        """The Art. 34 order; its notices, invoice and decision follow once the batch's debtors
        have their accounts (issue_orders). A debtor no account can be made for fails the step
        here, for this request alone, rather than the batch's accounts all together."""
        from najiz.accounts.services import check_account_possible

        debtors = list(request.debtors.all())
        for debtor in debtors:
            if debtor.person_id and debtor.user_id is None:
                check_account_possible(debtor.person)
        order = ExecutionOrder(
            request=request, number=request.number.replace("EN-", "EO-"), amount=request.outstanding,
            period_days=settings.ENFORCEMENT_PAYMENT_PERIOD.days, issued_at=clock.now(),
        )
        self.orders.append((request, order, debtors))

    def issue_orders(self):
        """Accounts for the batch's debtors, then the orders, invoices and every notice of the
        batch at once; each order's decision records the channels that reached its debtors."""
        from najiz.accounts.services import users_for_persons
        from notifications.services import notify_many
        from payments import services as payments

        from .alerts import creditor_notices, debtor_notices, reached

        if not self.orders:
            if self.notices:
                notify_many(self.notices)
            return
        period = settings.ENFORCEMENT_PAYMENT_PERIOD
        users = users_for_persons(d.person for _r, _o, debtors in self.orders for d in debtors if d.person_id)
        changed_debtors = []
        for _request, _order, debtors in self.orders:
            for debtor in debtors:
                if debtor.person_id and debtor.user_id is None:
                    debtor.user = users[debtor.person.national_id]
                    changed_debtors.append(debtor)
        update_rows(changed_debtors, ["user"])
        ExecutionOrder.objects.bulk_create([order for _r, order, _d in self.orders])
        payments.create_invoices([
            {"purpose": request, "payer": debtors[0].party, "payer_user": debtors[0].user, "amount": order.amount,
                 "allow_partial": True, "description_ar": f"طلب التنفيذ {request.number}",
                 "description_en": f"Enforcement request {request.number}"}
            for request, order, debtors in self.orders
        ])
        debtor_sets = [debtor_notices(request, debtors, "enforcement.order_issued", users)
                       for request, _o, debtors in self.orders]
        creditors = [notice for request, _o, _d in self.orders
                     for notice in creditor_notices(request, "enforcement.order_issued_creditor")]
        made = iter(
            notify_many(self.notices + [n for notices in debtor_sets for n in notices] + creditors)[len(self.notices) :]
        )
        for (request, order, _debtors), notices in zip(self.orders, debtor_sets, strict=True):
            channels = reached([next(made) for _notice in notices])
            inputs = {"amount": str(order.amount), "period_days": period.days, "channels": channels}
            checks = [result("order_art34", True, rules.ORDER_ART34, days=period.days)]
            decision = self.decide(request, "order", checks=checks, outcome="order_issued", inputs=inputs,
                                   amount=order.amount, circuit=request.circuit)
            if channels:
                request.notified_at = clock.now()
                request.deadline = request.notified_at + period
            self.move(request, Status.ORDER_ISSUED, decision=decision, params={"order": order.number})

    def run(self) -> None:
        for request in self.requests:
            self._isolated(request)
        if self.failures:
            left_out = {failure.request.pk for failure in self.failures}
            self.requests = [r for r in self.requests if r.pk not in left_out]
        self.issue_orders()
        self.stage.flush(self.requests, changed=["circuit", "notified_at", "deadline"], decisions=self.decisions)

    def _steps(self, request):
        if request.status == Status.SUBMITTED:
            self.step[request.pk] = "audit"
            self.audit(request)
        if request.status == Status.ACCEPTED:
            self.step[request.pk] = "referral"
            self.refer(request)
        if request.status == Status.REFERRED:
            self.step[request.pk] = "order"
            self.order(request)

    def _isolated(self, request):
        """The request's steps in a savepoint: if they fail, what they wrote is rolled back, what
        they staged dropped and the request restored, and the batch goes on without it."""
        mark = (len(self.decisions), len(self.notices), len(self.orders), self.stage.mark(),
                Counter(self.loads.referrals) if self.loads else None, {f: getattr(request, f) for f in self.RESTORED})
        try:
            with transaction.atomic():
                self._steps(request)
        except OperationalError:  # the database's fault, not the request's: the whole batch is retried
            raise
        except Exception as error:
            decisions, notices, orders, stage, referrals, fields = mark
            del self.decisions[decisions:], self.notices[notices:], self.orders[orders:]
            self.stage.undo(stage)
            if referrals is not None:
                self.loads.undo_since(referrals)
            for name, value in fields.items():
                setattr(request, name, value)
            if self.facts is not None:
                self.facts.moved(request)
            self.failures.append(quarantine.Failure(request, self.step.get(request.pk, ""), error))


def _lock_batch(request_id: int | None, size: int, *, alone: bool = False) -> list[EnforcementRequest]:
    """The named request (if it waits for a step) and, up to `size` in all, the oldest others
    freshly waiting (moved within STALLED_AFTER), locked. Requests set aside are left out, except
    that `alone` takes the named request only if it is set aside and due for its retry."""
    waiting = EnforcementRequest.objects.filter(status__in=STEPS)
    set_aside = StepFailure.objects.filter(request=OuterRef("pk"))
    ids = []
    if request_id is not None:
        named = waiting.filter(Exists(set_aside.filter(retry_at__lte=clock.now())) if alone else ~Exists(set_aside))
        ids = list(named.filter(pk=request_id).select_for_update(skip_locked=True).values_list("pk", flat=True))
    if size > len(ids):
        fresh = waiting.filter(~Exists(set_aside), status_changed_at__gte=clock.now() - settings.STALLED_AFTER,
                               status_changed_at__lte=clock.now())
        ids += list(
            fresh.exclude(pk__in=ids).select_for_update(skip_locked=True).order_by("pk")
            .values_list("pk", flat=True)[: size - len(ids)]
        )
    return _load(ids) if ids else []


def _load(ids) -> list[EnforcementRequest]:
    return list(
        EnforcementRequest.objects.filter(pk__in=ids).order_by("pk")
        .select_related("creditor_person", "creditor_entity", "filed_by", "circuit")
        .prefetch_related("debtors__person", "debtors__entity", "debtors__user")
    )


def _run(requests: list[EnforcementRequest]) -> list:
    """Run the batch in a savepoint; the failures (quarantine.Failure) of the requests it left out.

    A request's own steps fail alone (Batch._isolated). Should the batch's shared writes fail
    (the accounts, orders, invoices and notices of issue_orders, or the flush), no one request is
    to blame: each half is run again, freshly read, down to the request at fault, a few more
    bulk passes in the same transaction rather than one transaction per request."""
    batch = None
    try:
        with transaction.atomic():
            batch = Batch(requests)
            batch.run()
    except OperationalError:
        raise
    except Exception as error:
        if len(requests) == 1:
            step = batch.step.get(requests[0].pk, "") if batch else ""
            return [quarantine.Failure(requests[0], step, error)]
        logger.warning("an enforcement batch's writes failed; running each half of it again", exc_info=True)
        ids = [r.pk for r in requests]
        middle = len(ids) // 2
        return _run(_load(ids[:middle])) + _run(_load(ids[middle:]))
    return batch.failures


def advance_batch(request_id: int | None = None, *, alone: bool = False) -> list[int]:
    """Run every automatic step the batch's requests can take now, in one transaction; the ids
    of the requests it moved. Those whose step failed are set aside (quarantine). `alone`: the
    named request only, set aside and due for its retry (it leaves the quarantine if it passes)."""
    with transaction.atomic():
        requests = _lock_batch(request_id, 0 if alone else settings.ENFORCEMENT_BATCH_SIZE, alone=alone)
        if len(requests) >= settings.ENFORCEMENT_BATCH_SIZE:
            dispatch.ask_for_next_batch()
        failures = _run(requests) if requests else []
        quarantine.set_aside(failures)
        failed = {failure.request.pk for failure in failures}
        if alone and requests:
            quarantine.release([r.pk for r in requests if r.pk not in failed])
    return [r.pk for r in requests if r.pk not in failed]


def _status(request_id: int | None) -> str:
    if request_id is None:
        return ""
    return EnforcementRequest.objects.values_list("status", flat=True).get(pk=request_id)


def advance(request_id: int | None) -> str:
    """Push a request (and a batch of others waiting) through every automatic step it can take;
    its status after ("" when no request is named).

    A request whose step fails, named or not, is set aside and the others go on. A full batch
    asks for the next as soon as it has its rows, so another worker takes that one meanwhile."""
    dispatch.batch_started()
    advance_batch(request_id)
    return _status(request_id)


def retry(request_id: int) -> str:
    """Retry a request set aside, alone, once its backoff has passed; its status after."""
    advance_batch(request_id, alone=True)
    return _status(request_id)
