"""Commands of the virtual enforcement court. Each is one transaction; tasks and notifications
go out on commit. Automatic steps lock the request row and do nothing if the step was done."""

import contextlib
import logging
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor
from najiz.casefile.rules import failed
from najiz.casefile.selectors import decision_counts, decisions_of
from najiz.casefile.workflow import TransitionError, Workflow
from najiz.common import clock
from najiz.common.bulk import update_rows
from najiz.common.money import ZERO, to_sar
from najiz.common.tasks import enqueue
from najiz.registries import services as registries
from notifications import services as notifications

from . import rules
from .audit import gather_audit_inputs
from .models import Collection, EnforcementRequest, ExecutionOrder, Measure, MeasureKind, RequestDebtor
from .signals import StatusMove, request_status_changed
from .states import AUTOMATIC, ENFORCING, MACHINE, OPEN, Status

logger = logging.getLogger(__name__)


def _announce_moves(moves: list[StatusMove]) -> None:
    """Tell listeners inside the transaction of the moves: what they record (a webhook event, a
    note's status) commits with them, in the order the row locks give the moves, or not at all."""
    request_status_changed.send(sender=EnforcementRequest, moves=moves)


WORKFLOW = Workflow(MACHINE, EnforcementRequest, snapshot=StatusMove.of, announce=_announce_moves)
locked = WORKFLOW.locked
# The one place a request changes state (the caller holds the row lock); `changed`: the other
# fields the caller set.
transition = WORKFLOW.move


def enqueue_advance(request: EnforcementRequest):
    """Once committed, have the request's automatic steps run (in a batch, see pipeline)."""
    from .dispatch import ask_for_batch

    transaction.on_commit(lambda: ask_for_batch(request.pk))


# --- filing ---------------------------------------------------------------------------------


def _resolve_debtor(id_number: str) -> dict:
    from najiz.accounts.models import User

    person = registries.person(id_number)
    if person:
        return {"person": person, "user": User.objects.filter(national_id=person.national_id).first()}
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
    request.amount_claimed = amount if amount is not None else ZERO
    request.creditor_iban = iban
    request.save()
    request.debtors.exclude(id_number__in=list(debtor_ids)).delete()
    for id_number in debtor_ids:
        RequestDebtor.objects.update_or_create(
            request=request, id_number=id_number, defaults=_resolve_debtor(id_number)
        )
    return request


@transaction.atomic
def submit(request: EnforcementRequest, *, user) -> EnforcementRequest:
    request = locked(request.pk)
    if request.status != Status.DRAFT:
        return request
    request.number = casefile.next_case_number("EN")
    request.submitted_at = clock.now()
    transition(request, Status.SUBMITTED, actor=Actor.PERSON, user=user, params={"number": request.number},
               changed=["number", "submitted_at"])
    enqueue_advance(request)
    return request


# --- automatic steps (enforcement.pipeline runs them, in batches) -------------------------


def advance(request_id: int) -> str:
    """Push a request through every automatic step it can take now."""
    from .pipeline import advance

    return advance(request_id)


# --- Art. 46 measures -----------------------------------------------------------------------

def _measure(request, debtor, kind, *, target="", amount=None, decision=None, ref="") -> Measure:
    measure, _ = Measure.objects.get_or_create(
        request=request, debtor=debtor, kind=kind, target=target, status=Measure.State.APPLIED,
        defaults={"amount": amount, "decision": decision, "ref": ref},
    )
    _remember(request, measure)
    return measure


def _new_measure(request, debtor, kind, *, target="", amount=None, decision=None, ref="") -> Measure:
    """A measure the caller has just seen is not in force (under the request's row lock): one
    INSERT, without get_or_create's read and savepoint (a national sweep places 160,000)."""
    measure = Measure(request=request, debtor=debtor, kind=kind, target=target, amount=amount, decision=decision,
                      ref=ref, status=Measure.State.APPLIED)
    later = getattr(request, "_measures_to_insert", None)
    if later is None:
        measure.save(force_insert=True)
    else:
        later.append(measure)
    _remember(request, measure)
    return measure


def _in_force_key(kind, target, debtor_id) -> tuple:
    return (kind, target) if target else (kind, "", debtor_id)


@contextlib.contextmanager
def _measures_read_once(request, *, inserted_at_end=False, into=None):
    """Within it, in_force_on answers from one read of the request's measures in force, kept up
    to date by the measures placed meanwhile, instead of a query each time (a round of measures
    asks about seven times). Nothing may lift a measure of the request within it. With
    `inserted_at_end`, the measures _new_measure makes are inserted together when the block ends,
    so nothing within it may read them from the database; given `into` (a list), they are left
    in it for the caller to insert."""
    kept = getattr(request, "_measures_in_force", None) is not None  # the page's (_read_page), kept for it
    if not kept:
        _keep_measures_in_force(request, request.measures.filter(status=Measure.State.APPLIED))
    if inserted_at_end or into is not None:
        request._measures_to_insert = into if into is not None else []
    try:
        yield
        later = getattr(request, "_measures_to_insert", None)
        if later and into is None:
            Measure.objects.bulk_create(later)
    finally:
        if not kept:
            del request._measures_in_force
        request._measures_to_insert = None


def _keep_measures_in_force(request, measures) -> None:
    memo = request._measures_in_force = {}
    for measure in measures:  # in Meta.ordering, as .first()
        memo.setdefault(_in_force_key(measure.kind, measure.target, measure.debtor_id), measure)


def _remember(request, measure) -> None:
    memo = getattr(request, "_measures_in_force", None)
    if memo is not None:
        memo.setdefault(_in_force_key(measure.kind, measure.target, measure.debtor_id), measure)


def disclose_assets(debtor) -> dict:
    """What the registries hold for a debtor: bank accounts and (for persons) deeds."""
    party_ = debtor.party
    accounts = registries.accounts_of(party_) if party_ else []
    return _assets(accounts, registries.deed_numbers_of(party_) if debtor.person_id else [])


def _assets(accounts, deed_numbers) -> dict:
    return {
        "accounts": [{"iban": a.iban, "available": str(a.balance - a.frozen)} for a in accounts],
        "deeds": deed_numbers,
    }


def _debtors(request) -> list[RequestDebtor]:
    """The request's debtors with their person or entity, read once per request object (a round
    of measures asks three times; nothing in it changes who the debtors are)."""
    cached = getattr(request, "_debtors_read", None)
    if cached is None:
        cached = request._debtors_read = list(request.debtors.select_related("person", "entity"))
    return cached


def gather_measure_inputs(request) -> dict:
    from .disclosure import covering_snapshot

    read = getattr(request, "_page_reads", None)
    assets = read.assets if read else {}
    return {
        "now": clock.now().isoformat(),
        "deadline": request.deadline.isoformat() if request.deadline else None,
        "outstanding": str(request.outstanding),
        "debtors": {d.id_number: assets[d.pk] if d.pk in assets else disclose_assets(d) for d in _debtors(request)},
        # the debtor's disclosure in force, valued now
        "disclosure": covering_snapshot(request, read.disclosure) if read else covering_snapshot(request),
    }


class _PageReads(NamedTuple):
    """What _read_page read for one request's round of measures (gather_measure_inputs, _apply_measures)."""

    assets: dict  # debtor pk -> disclose_assets(debtor), for the debtors on no other request of the page
    disclosure: object  # the disclosure in force (disclosure.in_force), or None
    earlier_rounds: int  # the request's earlier "measures" decisions


def _read_page(request_ids, freezes) -> dict[int, EnforcementRequest]:
    """A sweep page's requests locked in one statement, in id order (as locked() takes them one by
    one), each with what its round of measures reads: its debtors, their accounts and deeds, its
    disclosure in force, its measures in force and its earlier rounds; and what its notices read:
    its circuit, creditor and filer. A debtor on two of the page's requests has their assets read
    by each round itself: the first round's freezes change what the second finds. The other
    debtors' accounts are locked (after the requests, as a round locks them) and given to
    `freezes` (a registries.FreezePlan)."""
    from collections import Counter, defaultdict

    from .models import Motion

    requests = {request.pk: request for request in EnforcementRequest.objects.select_for_update(of=("self",))
                .select_related("circuit", "creditor_person", "creditor_entity", "filed_by")
                .filter(pk__in=request_ids).order_by("pk")}
    if not requests:
        return requests
    debtors, measures, disclosures = defaultdict(list), defaultdict(list), {}
    rows = list(RequestDebtor.objects.filter(request_id__in=list(requests)).select_related("person", "entity")
                .order_by("pk"))
    for debtor in rows:
        debtors[debtor.request_id].append(debtor)
    for measure in Measure.objects.filter(request_id__in=list(requests), status=Measure.State.APPLIED):
        measures[measure.request_id].append(measure)
    for motion in (Motion.objects.filter(request_id__in=list(requests), kind=Motion.Kind.DISCLOSURE,
                                         status=Motion.State.GRANTED, ended_at__isnull=True)
                   .order_by("request_id", "-filed_at", "-id")):
        disclosures.setdefault(motion.request_id, motion)
    earlier = decision_counts(requests.values(), "measures")
    seen = Counter(debtor.party for debtor in rows if debtor.party is not None)
    once = [debtor for debtor in rows if debtor.party is not None and seen[debtor.party] == 1]
    accounts = registries.accounts_of_many([debtor.party for debtor in once], lock=True)
    freezes.accounts.update((row.iban, row) for rows_ in accounts.values() for row in rows_)
    deeds = registries.deed_numbers_of_many([debtor.person for debtor in once if debtor.person_id])
    for pk, request in requests.items():
        request._debtors_read = debtors[pk]
        _keep_measures_in_force(request, measures[pk])
        request._page_reads = _PageReads(
            assets={debtor.pk: _assets(accounts[debtor.party], deeds.get(debtor.party, []))
                    for debtor in debtors[pk] if debtor.party in accounts},
            disclosure=disclosures.get(pk), earlier_rounds=earlier.get(pk, 0),
        )
    return requests


def in_force_on(request, debtor, kind, target="") -> Measure | None:
    """The measure of this kind in force on the request: for an account or a deed, whoever's it is
    (one seizure of an asset per request); otherwise the debtor's own."""
    memo = getattr(request, "_measures_in_force", None)
    if memo is not None:
        return memo.get(_in_force_key(kind, target, debtor.pk))
    measures = request.measures.filter(kind=kind, status=Measure.State.APPLIED)
    return (measures.filter(target=target) if target else measures.filter(debtor=debtor, target="")).first()


def _held(request, debtor, kind, *, target, amount, decision, ref) -> Measure:
    """A freeze or seizure of an account's money: one measure in force per account and request. A
    later round that takes more of the account (money that came in since) adds it to that measure;
    what it froze is seized at once, so no hold is left that the measure would not release."""
    measure = in_force_on(request, debtor, kind, target)
    if measure is None:
        return _new_measure(request, debtor, kind, target=target, amount=amount, decision=decision, ref=ref)
    if measure.ref != ref:
        measure.amount = (measure.amount or ZERO) + amount
        measure.save(update_fields=["amount"])
    return measure


class FrozenBalance(NamedTuple):
    """A balance frozen for a request and not yet seized (apply_measures_batch seizes it last)."""

    debtor: RequestDebtor
    iban: str
    amount: Decimal
    decision: object
    ref: str


def _owed_after(request, seizures) -> Decimal:
    """What the request will still be owed once the balances frozen for it are seized."""
    return request.outstanding - sum((frozen.amount for frozen in seizures or ()), ZERO)


def _seize_balances(request, debtor, assets, decision, ref, seizures=None, freezes=None) -> None:
    """Freeze each account up to what is still owed, then seize what was frozen into the court,
    or, given `seizures` (a list), leave the seizure to the caller. Given `freezes` (a
    registries.FreezePlan), the accounts it holds are frozen in it."""
    for account in assets["accounts"]:
        owed = _owed_after(request, seizures)
        if owed <= 0:
            return
        if freezes is not None and freezes.holds(account["iban"]):
            frozen = freezes.freeze(account["iban"], owed, ref)
        else:
            frozen = registries.freeze(account["iban"], owed, ref)
        if frozen <= 0:
            continue
        _held(request, debtor, MeasureKind.FREEZE_BALANCE, target=account["iban"], amount=frozen, decision=decision,
              ref=ref)
        if seizures is None:
            _seize_frozen(request, FrozenBalance(debtor, account["iban"], frozen, decision, ref))
        else:
            seizures.append(FrozenBalance(debtor, account["iban"], frozen, decision, ref))


def _seize_frozen(request, frozen: FrozenBalance) -> None:
    """Seize a frozen balance into the court trust account and count it collected. This locks
    the trust account (one row every seizure writes) until the transaction commits."""
    from payments import services as payments

    _count_seized(request, frozen, payments.seize_to_trust(request, frozen.iban, ref=frozen.ref))


def _seize_page(staged) -> list[list[tuple[FrozenBalance, Decimal]]]:
    """The frozen balances of a page's requests, seized together: for each (request, its frozen
    balances), each balance with the amount seized."""
    from payments import services as payments

    amounts = iter(payments.seize_to_trust_many(
        payments.Seizure(request, frozen.iban, frozen.ref) for request, seizures in staged for frozen in seizures
    ))
    return [[(frozen, next(amounts)) for frozen in seizures] for _request, seizures in staged]


def _count_seized(request, frozen: FrozenBalance, seized: Decimal, notices=None, paid_later=False,
                  writes=None) -> None:
    """A seizure's measure and its collection, on the request (its notice left in `notices`, if
    given; with `paid_later`, the creditor's payout is left to the caller; `writes`: see _collect)."""
    if seized > 0:
        _held(request, frozen.debtor, MeasureKind.SEIZE_BALANCE, target=frozen.iban, amount=seized,
              decision=frozen.decision, ref=frozen.ref)
        where = frozen.iban if frozen.ref == request.number else f"{frozen.ref}/{frozen.iban}"
        _collect(request, Collection.Source.SEIZURE, f"seizure/{where}", seized, notices, paid_later=paid_later,
                 writes=writes)


def _in_both_languages(subject) -> tuple[str, str]:
    """A name as the Arabic and the English reader see it (a registry keeps both)."""
    from django.utils import translation

    names = []
    for language in ("ar", "en"):
        with translation.override(language):
            names.append(str(subject or ""))
    return names[0], names[1]


class StagedRestriction(NamedTuple):
    """A ban, stop, bar, report or deed seizure to place with the others of a sweep's page
    (_place_restrictions)."""

    request: EnforcementRequest
    debtor: RequestDebtor
    kind: str
    decision: object
    # registries.Restriction (the registry, the subject, the ref, the amount reported) or
    # registries.DeedSeizure (the deed, who seizes it, the ref)
    restriction: object

    @property
    def target(self) -> str:
        return self.restriction.deed if isinstance(self.restriction, registries.DeedSeizure) else ""

    @property
    def amount(self):
        details = getattr(self.restriction, "details", {})
        return details.get("amount")


def _restrict(request, debtor, assets, decision, ref, owed: Decimal, restrictions=None) -> None:
    """The measures that press a debtor whose money did not cover the debt. Each is placed at the
    registry once: one still in force on the request (a deed seized in an earlier round) is kept
    under its own reference, which is the one its lifting uses, and nothing is placed twice.
    Given `restrictions` (a list), the bans, stops, bars, reports and deed seizures are left in
    it, to be placed with the page's others (_place_restrictions)."""
    subject = debtor.party

    def stage(kind, restriction):
        staged = StagedRestriction(request, debtor, kind, decision, restriction)
        if restrictions is None:
            _place_restrictions([staged])
        else:
            restrictions.append(staged)

    def restrict(kind, registry, amount=None):
        if in_force_on(request, debtor, kind) is None:
            details = {"amount": amount} if amount is not None else {}
            stage(kind, registries.Restriction(registry, subject, ref, details))

    if debtor.person_id:
        restrict(MeasureKind.TRAVEL_BAN, "travel")
        restrict(MeasureKind.STOP_POA, "poa_issuing")
        by_ar, by_en = _in_both_languages(request.circuit)
        for number in assets["deeds"]:
            if in_force_on(request, debtor, MeasureKind.DEED_SEIZURE, number) is None:
                stage(MeasureKind.DEED_SEIZURE, registries.DeedSeizure(number, by_ar, ref, by_en))
    restrict(MeasureKind.CREDIT_REPORT, "credit", amount=owed)
    restrict(MeasureKind.DEALINGS_BAR, "dealings")


def _place_restrictions(staged) -> None:
    """Place the staged restrictions and deed seizures at their registries together and record
    their measures in one insert."""
    if not staged:
        return
    deeds = [item.restriction for item in staged if item.kind == MeasureKind.DEED_SEIZURE]
    others = [item.restriction for item in staged if item.kind != MeasureKind.DEED_SEIZURE]
    if deeds:
        registries.place_seizures(deeds)
    if others:
        registries.place_restrictions(others)
    measures = Measure.objects.bulk_create([
        Measure(request=item.request, debtor=item.debtor, kind=item.kind, target=item.target, amount=item.amount,
                decision=item.decision, ref=item.restriction.ref, status=Measure.State.APPLIED)
        for item in staged
    ])
    for item, measure in zip(staged, measures, strict=True):
        _remember(item.request, measure)


def _apply_measures(request, inputs, checks, seizures=None, restrictions=None, rounds=None):
    """The measures' decision, and each measure applied in order (the caller holds the row lock).
    Applied again after a reactivation, they act under the round's own registry reference; one
    still in force from an earlier round is kept under its own, never placed a second time.
    Given `seizures` (a list), the balances are frozen and left in it to seize (_seize_frozen);
    given `restrictions`, the bans, stops, bars, reports and deed seizures are left in it
    (_place_restrictions); given `rounds` (_StagedRounds), the decision and the measures are left
    in it to be written with the page's others, unless a disclosure is in force (its seizures
    are made, and written, at once)."""
    read = getattr(request, "_page_reads", None)
    earlier = read.earlier_rounds if read else decisions_of(request).filter(step="measures").count()
    ref = request.number if not earlier else f"{request.number}/{earlier + 1}"
    staged = rounds is not None and not inputs.get("disclosure")
    decision = (casefile.new_decision if staged else casefile.record_decision)(
        request, "measures", rules=checks, outcome="measures_applied", inputs=inputs,
        rules_version=rules.RULES_VERSION, amount=request.outstanding, circuit=request.circuit,
    )
    if staged:
        rounds.decisions.append(decision)
    from .disclosure import limit_to_disclosure

    if limit_to_disclosure(request, inputs, decision, ref):
        return decision  # the disclosed assets cover the debt: only they are seized
    debtors = _debtors(request)
    # its measures in one insert, or the page's
    with _measures_read_once(request, inserted_at_end=True, into=rounds.measures if staged else None):
        for debtor in debtors:
            assets = inputs["debtors"][debtor.id_number]
            if in_force_on(request, debtor, MeasureKind.DISCLOSE_ASSETS) is None:
                _new_measure(request, debtor, MeasureKind.DISCLOSE_ASSETS, decision=decision, ref=ref)
            _seize_balances(request, debtor, assets, decision, ref, seizures, rounds.freezes if staged else None)
        owed = _owed_after(request, seizures)
        if owed > 0:
            for debtor in debtors:
                _restrict(request, debtor, inputs["debtors"][debtor.id_number], decision, ref, owed, restrictions)
    return decision


def reapply_measures(request) -> bool:
    """Enforcement resumes on a request whose measures were lifted while it stood still (an
    objection's suspension): the measures apply again, as new rows, if the rules still hold (any
    still in force is kept as it is: each asset is seized once per request). The
    caller holds the row lock and has moved the request back to measures_applied."""
    inputs = gather_measure_inputs(request)
    checks = rules.run_measures(inputs)
    if request.status != Status.MEASURES_APPLIED or failed(checks):
        return False
    decision = _apply_measures(request, inputs, checks)
    casefile.record_event(request, "enforcement.measures_reapplied", decision=decision)
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, "enforcement.measures_applied")
    alert_creditor(request, "enforcement.measures_applied")
    settle_if_covered(request)
    return True


def apply_measures(request_id: int) -> str:
    """When the payment period has lapsed unpaid: Art. 46 measures, in order, once."""
    with transaction.atomic():
        request, applied = _measures_step(request_id)
        if applied:
            notices = []
            _finish_measures(request, notices)
            notifications.notify_many(notices)
        return request.status


def apply_measures_batch(request_ids) -> dict[int, str]:
    """The measures of many lapsed periods (a sweep's page) in one transaction: a national sweep's
    requests cost no task, commit or notice batch of their own.

    The page's requests are locked and read at once (_read_page). Each request's measures are
    applied in a savepoint of its own, their writes staged (_StagedRounds); one that fails is
    rolled back alone, its staged writes dropped, and sent to its own task (with that task's
    retries). The rounds' freezes, decisions, moves and measures are then written together, and
    the page's bans, stops, bars, credit reports and deed seizures placed together. The seizures
    come last, all together: each locks the court trust account until the commit, and so holds up
    the other workers' seizures only for that last part. Their collections are written together
    (_PageWrites), the creditors' payouts asked for together and made by one task after the
    commit, the invoices amended together. Should any of that fail, the page is rolled back and
    each of its requests sent to its own task."""
    from .tasks import apply_measures as apply_measures_task

    try:
        return _apply_measures_batch(sorted(set(request_ids)), apply_measures_task)
    except Exception:
        logger.exception("a batch of measures failed at its end; its requests are retried one by one")
        for request_id in request_ids:
            enqueue(apply_measures_task, request_id)
        return {}


def _apply_measures_batch(request_ids, apply_measures_task) -> dict[int, str]:
    from najiz.accounts.services import users_for_persons
    from payments.services import disbursements_together

    outcome, notices, staged, retry, restrictions, payouts, invoices_later = {}, [], [], [], [], [], []
    # the creditors' payouts of the whole page: one task after the commit
    with transaction.atomic(), disbursements_together():
        rounds = _StagedRounds()
        page = _read_page(request_ids, rounds.freezes)
        for request_id in request_ids:
            if request_id not in page:
                continue  # gone
            seizures, placed_later, mark = [], [], rounds.mark()
            try:
                with transaction.atomic():
                    request, applied = _measures_step(request_id, seizures, placed_later, page, rounds)
            except Exception:
                logger.exception("enforcement request %s: measures failed in a batch; retried on its own", request_id)
                rounds.undo(mark)
                retry.append(request_id)
                continue
            if applied:
                staged.append((request, seizures))
                restrictions += placed_later
            outcome[request_id] = request.status
        rounds.flush()
        _place_restrictions(restrictions)  # the page's bans, stops, bars, reports, deed seizures: a few statements
        users = users_for_persons(d.person for request, _s in staged for d in _debtors(request) if d.person_id)
        writes = _PageWrites([request for request, _s in staged])
        with registries.trust_credits_at_end():  # the trust account locked only from the page's end to its commit
            for (request, _seizures), seized in zip(staged, _seize_page(staged), strict=True):
                _finish_measures(request, notices, seized, payouts, invoices_later, users, writes)
                outcome[request.pk] = request.status
            writes.flush()
            _pay_creditors(payouts)
            _sync_invoices(invoices_later)
            notifications.notify_many(notices)
        for request_id in retry:
            transaction.on_commit(lambda request_id=request_id: enqueue(apply_measures_task, request_id))
    return outcome


class _StagedRounds:
    """The rounds of a page's requests, written together once every round has run (flush), before
    the page's restrictions and seizures, which point at their decisions: the decisions, the moves
    to measures_applied with their events, the measures the rounds placed and the accounts'
    freezes. A round that fails is dropped with its savepoint (undo)."""

    def __init__(self):
        self.stage, self.decisions, self.measures, self.requests = WORKFLOW.stage(), [], [], []
        self.freezes = registries.FreezePlan()  # the accounts' freezes (_read_page gives it the accounts)

    def mark(self) -> tuple:
        return (self.stage.mark(), len(self.decisions), len(self.measures), len(self.requests),
                self.freezes.mark())

    def undo(self, mark: tuple) -> None:
        self.stage.undo(mark[0])
        del self.decisions[mark[1]:], self.measures[mark[2]:], self.requests[mark[3]:]
        self.freezes.undo(mark[4])

    def flush(self) -> None:
        self.freezes.write()
        self.stage.flush(self.requests, decisions=self.decisions)
        Measure.objects.bulk_create(self.measures)


class _PageWrites:
    """The seizures' records of a page's requests that stay open, written together at the page's
    end (flush): their measures, collections, collected sums and events."""

    def __init__(self, requests):
        self.refs = set(Collection.objects.filter(request__in=list(requests)).values_list("request_id", "ref"))
        self.measures, self.collections, self.events, self.collected = [], [], [], {}

    def add_collection(self, collection) -> bool:
        """False if the request has counted this source already (one collection per source ref)."""
        key = (collection.request_id, collection.ref)
        if key in self.refs:
            return False
        self.refs.add(key)
        self.collections.append(collection)
        return True

    def flush(self) -> None:
        Measure.objects.bulk_create(self.measures)
        Collection.objects.bulk_create(self.collections)
        update_rows(self.collected.values(), ["collected"])
        casefile.save_all(events=self.events)


def _measures_step(request_id: int, seizures=None, restrictions=None, page=None,
                   rounds=None) -> tuple[EnforcementRequest, bool]:
    """Apply the measures to one request (row locked) if they are due: (the request, applied).
    Given `seizures` (a list), its frozen balances are left there for _finish_measures; given
    `restrictions`, its bans, stops, bars, reports and deed seizures (_place_restrictions); given
    `page` (_read_page), the request is taken from it, locked and read already; given `rounds`
    (_StagedRounds), its decision, measures and move are written with the page's others."""
    request = page[request_id] if page is not None else locked(request_id)
    try:
        inputs = gather_measure_inputs(request)
        checks = rules.run_measures(inputs)
        if request.status != Status.ORDER_ISSUED or failed(checks):
            return request, False
        decision = _apply_measures(request, inputs, checks, seizures, restrictions, rounds)
    finally:
        request._page_reads = None  # read for this round only
    if decision.pk is None:  # staged in `rounds`
        rounds.stage.move(request, Status.MEASURES_APPLIED, decision=decision)
        rounds.requests.append(request)
    else:
        transition(request, Status.MEASURES_APPLIED, decision=decision)
    return request, True


def _finish_measures(request, notices: list, seized=(), payouts=None, invoices_later=None, users=None,
                     writes=None) -> None:
    """Count what was seized of the balances left frozen (each with its amount), add the
    request's notices to `notices` and settle it if its claim is covered (its notices are then
    made at once, so the settlement's come after them). Given `payouts` (a list), a request that
    stays open is added to it for the caller to pay its creditor (_pay_creditors); one that
    settles is paid first, as its settlement counts what is on its way. `invoices_later`: see
    settle_if_covered; `users`: the debtors' accounts at hand (alerts.debtor_notices). Given
    `writes` (_PageWrites), the seizures of a request that stays open are recorded with the page's
    others; one that settles records its own first, as its settlement reads them."""
    from .alerts import creditor_notices, debtor_notices

    own = []  # the creditor's "money received" first, as when it was sent at once
    if seized:
        if writes is not None and request.outstanding - sum((amount for _frozen, amount in seized), ZERO) <= 0:
            writes = None
        with _measures_read_once(request, into=writes.measures if writes is not None else None):
            for frozen, amount in seized:
                _count_seized(request, frozen, amount, own, paid_later=True, writes=writes)
        if any(amount > 0 for _frozen, amount in seized):
            if payouts is None or request.outstanding <= 0:
                _pay_creditor(request)
            else:
                payouts.append(request)
    request._measures_in_force = None  # the page's (_read_page): its settlement may lift measures
    own += debtor_notices(request, _debtors(request), "enforcement.measures_applied", users)
    own += creditor_notices(request, "enforcement.measures_applied")
    if request.outstanding <= 0:
        notifications.notify_many(own)
    else:
        notices += own
    settle_if_covered(request, invoices_later)


# --- collection, disbursement, closure ------------------------------------------------------


def _collect(request, source, ref, amount, notices=None, *, paid_later=False, writes=None) -> bool:
    """Count money received on the request once per source ref; pay the creditor their part
    (with `paid_later`, the caller does: _pay_creditors). Only what the claim still needs is
    counted: money beyond it (a payment that raced a seizure) is the debtor's, refunded at
    closure, and never collected. The creditor is told at once, or, given `notices` (a list),
    their notice is left in it. Given `writes` (_PageWrites), the collection, the request's new
    sum and its event are written with the page's others."""
    amount = min(amount, request.outstanding)
    if writes is not None:
        if not writes.add_collection(Collection(request=request, ref=ref, source=source, amount=amount)):
            return False
    # the caller holds the request's row lock: a read, then an insert, without get_or_create's savepoint
    elif Collection.objects.filter(request=request, ref=ref).exists():
        return False
    else:
        Collection.objects.create(request=request, ref=ref, source=source, amount=amount)
    if amount > 0:
        request.collected += amount
        event = casefile.new_event(request, "enforcement.collected", params={"amount": str(amount), "source": source})
        if writes is None:
            request.save(update_fields=["collected"])
            event.save(force_insert=True)
        else:
            writes.collected[request.pk] = request
            writes.events.append(event)
    if not paid_later:
        _pay_creditor(request)
    if amount > 0:
        from .alerts import creditor_notices

        told = creditor_notices(request, "enforcement.money_received", amount=str(amount))
        if notices is None:
            notifications.notify_many(told)
        else:
            notices += told
    return True


def _pay_creditor(request) -> None:
    """Disburse what the court holds for the request to the creditor, up to the claim (what the
    debtor paid them outside the court aside)."""
    _pay_creditors([request])


def _pay_creditors(requests) -> None:
    """_pay_creditor for many requests, in a few statements for all (payments.pay_out_held_many)."""
    from payments import services as payments

    payments.pay_out_held_many([
        payments.Payout(request, request.creditor_iban, request.amount_claimed - request.paid_outside,
                        f"{request.number}/payout", str(request.creditor))
        for request in requests
    ])


@transaction.atomic
def record_invoice_payment(invoice, payment) -> None:
    """A payment of the request's invoice (partial or full) was confirmed by the gateway. Only
    the part applied to the invoice is collected: the gateway returned the rest to the payer."""
    request = locked(invoice.purpose_id)
    if _collect(request, Collection.Source.INVOICE, f"invoice/{payment.gateway_txn_id}", payment.applied_amount):
        if request.status == Status.SETTLEMENT:
            from .settlement import record_payment

            record_payment(request, invoice)
        settle_if_covered(request)


def record_disbursement_done(disbursement) -> None:
    record_disbursements_done([disbursement])


@transaction.atomic
def record_disbursements_done(disbursements) -> None:
    """The payouts (and refunds) done: each payout counted disbursed on its request, with its
    event, and a settled request closed once nothing of it is on its way. The requests are locked
    in one statement, in id order, and written in one update and one insert of events."""
    from payments.models import DisbursementKind

    ids = sorted({d.purpose_id for d in disbursements})
    requests = {r.pk: r for r in EnforcementRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    changed, events = {}, []
    for disbursement in disbursements:
        if disbursement.kind == DisbursementKind.PAYOUT:
            request = changed[disbursement.purpose_id] = requests[disbursement.purpose_id]
            request.disbursed += disbursement.amount
            events.append(casefile.new_event(request, "enforcement.disbursed",
                                             params={"amount": str(disbursement.amount)}))
    if changed:
        EnforcementRequest.objects.bulk_update(list(changed.values()), ["disbursed"])
        casefile.save_all(events=events)
    for request in requests.values():
        close_if_paid_out(request)


def _sync_invoice(request) -> None:
    """The open invoice asks for exactly what is still owed (nothing once the debt is covered);
    in settlement, the instalments' invoices together."""
    _sync_invoices([request])


def _sync_invoices(requests) -> None:
    """_sync_invoice for many requests (the caller holds their row locks): the open invoices
    locked in one statement and amended in one."""
    from payments import services as payments

    requests = list(requests)
    for request in requests:
        if request.status == Status.SETTLEMENT:
            from .settlement import sync_instalments

            sync_instalments(request)
    requests = [request for request in requests if request.status != Status.SETTLEMENT]
    invoices, amendments = payments.lock_open_invoices(requests), []
    for request in requests:
        invoice = invoices.get(request.pk)
        if invoice is None:
            continue
        if request.outstanding <= 0:
            payments.cancel_invoice_remainder(invoice)
        elif invoice.amount != invoice.paid + request.outstanding:
            amendments.append((invoice, invoice.paid + request.outstanding))
    payments.amend_locked_invoices(amendments)


LIFT = {
    MeasureKind.TRAVEL_BAN: lambda m, ref: registries.lift_travel_ban(m.debtor.party, ref),
    MeasureKind.STOP_POA: lambda m, ref: registries.resume_poa_issuing(m.debtor.party, ref),
    MeasureKind.DEED_SEIZURE: lambda m, ref: registries.lift_seizure(registries.deed(m.target), ref),
    MeasureKind.CREDIT_REPORT: lambda m, ref: registries.clear_default(m.debtor.party, ref),
    MeasureKind.DEALINGS_BAR: lambda m, ref: registries.lift_dealings_bar(m.debtor.party, ref),
    MeasureKind.FREEZE_BALANCE: lambda m, ref: registries.unfreeze(m.target, ref),
}


def lift_measure(measure: Measure, *, actor=Actor.SYSTEM, user=None) -> Measure:
    if measure.status == Measure.State.LIFTED:
        return measure
    lift = LIFT.get(measure.kind)
    if lift is not None:
        lift(measure, measure.ref or measure.request.number)
    measure.status = Measure.State.LIFTED
    measure.lifted_at = clock.now()
    measure.save(update_fields=["status", "lifted_at"])
    casefile.record_event(measure.request, "enforcement.measure_lifted", actor=actor, user=user,
                          params={"measure": measure.kind, "target": measure.target})
    return measure


def lift_all_measures(request, **who) -> None:
    for measure in request.measures.filter(status=Measure.State.APPLIED).select_related(
        "debtor__person", "debtor__entity"
    ):
        lift_measure(measure, **who)


def cancel_open_invoices(request) -> None:
    """Every invoice of the request stops taking money (an instalment plan has several)."""
    from payments import selectors as payment_selectors, services as payments

    while (invoice := payment_selectors.open_invoice_for(request)) is not None:
        payments.cancel_invoice_remainder(invoice)


def _refund_surplus(request) -> None:
    """Whatever the court still holds beyond the claim goes back to the debtor who paid it."""
    from payments import services as payments

    surplus = payments.available_for_disbursement(request)
    if surplus <= 0:
        return
    debtor = request.debtors.select_related("person", "entity").first()
    accounts = registries.accounts_of(debtor.party) if debtor and debtor.party else []
    if accounts:
        payments.refund(request, accounts[0].iban, surplus, ref=f"{request.number}/refund", beneficiary=str(debtor))
        casefile.record_event(request, "enforcement.refunded", params={"amount": str(surplus)})


def settle_if_covered(request, invoices_later=None) -> bool:
    """When the claim is covered: lift every measure, cancel the invoice remainder, refund any
    surplus, close. The caller holds the row lock. Given `invoices_later` (a list), a request
    not covered is added to it for the caller to bring its invoice up to date (_sync_invoices)."""
    if request.status not in ENFORCING or request.outstanding > 0:
        if invoices_later is None:
            _sync_invoice(request)
        else:
            invoices_later.append(request)
        return False
    lift_all_measures(request)
    _sync_invoice(request)
    _refund_surplus(request)
    transition(request, Status.SETTLED)
    close_if_paid_out(request)
    return True


def close_if_paid_out(request) -> bool:
    """A settled request closes once no payout or refund of it is still on its way, so the
    closure is the last thing on its timeline (after the creditor's last "paid to your account").
    The caller holds the row lock."""
    from payments.models import DisbursementStatus
    from payments.selectors import disbursements_for

    if request.status != Status.SETTLED:
        return False
    if disbursements_for(request).filter(status=DisbursementStatus.PENDING).exists():
        return False
    transition(request, Status.CLOSED)
    from .alerts import alert_creditor, notify_debtors

    alert_creditor(request, "enforcement.closed")
    notify_debtors(request, "enforcement.closed")
    return True


@transaction.atomic
def certify_paid_outside(request, *, user, amount: Decimal) -> EnforcementRequest:
    """The creditor certifies the debtor paid them directly (part or all of the claim)."""
    request = locked(request.pk)
    if request.status not in ENFORCING:
        raise TransitionError(request.status, "certify")
    amount = min(amount, request.outstanding)
    request.paid_outside += amount
    request.save(update_fields=["paid_outside"])
    casefile.record_event(
        request, "enforcement.paid_outside", actor=Actor.PERSON, user=user, params={"amount": str(amount)}
    )
    settle_if_covered(request)
    return request


@transaction.atomic
def reduce_claim(request, *, user, amount: Decimal) -> EnforcementRequest:
    """The creditor lowers the amount claimed (never below what was already collected)."""
    request = locked(request.pk)
    if not request.is_open or amount >= request.amount_claimed or amount < request.collected + request.paid_outside:
        raise TransitionError(request.status, "reduce")
    previous = request.amount_claimed
    request.amount_claimed = amount
    request.save(update_fields=["amount_claimed"])
    casefile.record_event(request, "enforcement.claim_reduced", actor=Actor.PERSON, user=user,
                          params={"from": str(previous), "to": str(amount)})
    settle_if_covered(request)
    return request


@transaction.atomic
def withdraw(request, *, user) -> EnforcementRequest:
    """The creditor ends an open request: measures lifted, invoice remainder cancelled, closed."""

    request = locked(request.pk)
    if not request.is_open:
        raise TransitionError(request.status, Status.WITHDRAWN)
    lift_all_measures(request, actor=Actor.PERSON, user=user)
    cancel_open_invoices(request)
    request.withdrawn = True
    transition(request, Status.WITHDRAWN, actor=Actor.PERSON, user=user, changed=["withdrawn"])
    transition(request, Status.CLOSED)
    return request


# --- deadlines ------------------------------------------------------------------------------


def publish_notice(request_id: int) -> bool:
    """Art. 34 fallback: no electronic channel reached the debtor in time, so the order is
    published as a newspaper notice; its cost joins the claim and the period runs from now."""
    with transaction.atomic():
        request = locked(request_id)
        if request.status != Status.ORDER_ISSUED or request.notified_at is not None:
            return False
        cost = to_sar(settings.ENFORCEMENT_NOTICE_COST)
        now = clock.now()
        request.amount_claimed += cost
        request.notified_at = now
        request.deadline = now + settings.ENFORCEMENT_PAYMENT_PERIOD
        request.save(update_fields=["amount_claimed", "notified_at", "deadline"])
        ExecutionOrder.objects.filter(request=request).update(published_at=now)
        casefile.record_event(request, "enforcement.notice_published", params={"cost": str(cost)})
        _sync_invoice(request)
        return True


def alert_deadline_near(request_id: int) -> bool:
    with transaction.atomic():
        request = locked(request_id)
        if request.status != Status.ORDER_ISSUED or request.deadline_alerted_at is not None:
            return False
        request.deadline_alerted_at = clock.now()
        request.save(update_fields=["deadline_alerted_at"])
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        from .alerts import notify_debtors

        notify_debtors(
            request, "enforcement.deadline_near", deadline=date_format(localtime(request.deadline), "Y-m-d H:i")
        )
        return True


# --- judicial supervision: the judge's actions go through the same services ----------------


def _judge_event(request, kind, judge, reason, decision=None, **params):
    casefile.record_event(
        request, kind, actor=Actor.JUDGE, user=judge, decision=decision, params={"reason": reason, **params}
    )


@transaction.atomic
def reverse_rejection(request, *, judge, reason: str, decision=None) -> EnforcementRequest:
    """A judge overrides the audit's rejection: the request continues from acceptance."""
    request = locked(request.pk)
    transition(request, Status.ACCEPTED, actor=Actor.JUDGE, user=judge, decision=decision, params={"reason": reason})
    enqueue_advance(request)
    return request


@transaction.atomic
def rerun_audit(request, *, judge, reason: str) -> EnforcementRequest:
    """Audit a rejected request again against the registries as they are now."""
    request = locked(request.pk)
    if request.status != Status.REJECTED:
        raise TransitionError(request.status, Status.AUDITED)
    from .pipeline import choose_circuit

    _judge_event(request, "enforcement.audit_rerun", judge, reason)
    inputs = gather_audit_inputs(request)
    results = rules.run_audit(inputs)
    outcome = Status.REJECTED if failed(results) else Status.ACCEPTED
    decision = casefile.record_decision(
        request, "audit", rules=results, outcome=outcome, inputs=inputs, rules_version=rules.RULES_VERSION,
        amount=request.amount_claimed, circuit=request.circuit or choose_circuit(request)[0],
    )
    if outcome == Status.ACCEPTED:
        transition(request, Status.ACCEPTED, decision=decision)
        enqueue_advance(request)
    return request


@transaction.atomic
def retry_steps(request, *, judge, reason: str) -> EnforcementRequest:
    """A judge has a request set aside after its step failed (quarantine) run its automatic steps
    again: it leaves the quarantine and a batch is asked for."""
    from . import quarantine

    request = locked(request.pk)
    if request.status not in AUTOMATIC or not quarantine.release([request.pk]):
        raise TransitionError(request.status, "retry")
    _judge_event(request, "enforcement.steps_retried", judge, reason)
    enqueue_advance(request)
    return request


@transaction.atomic
def suspend(request, *, judge, reason: str) -> EnforcementRequest:
    """While suspended no sweep or automatic step touches the request."""
    request = locked(request.pk)
    transition(request, Status.SUSPENDED, actor=Actor.JUDGE, user=judge, params={"reason": reason})
    return request


@transaction.atomic
def resume(request, *, judge, reason: str) -> EnforcementRequest:
    request = locked(request.pk)
    if request.status != Status.SUSPENDED:
        raise TransitionError(request.status, "resume")
    WORKFLOW.back(request, kind="enforcement.resumed", actor=Actor.JUDGE, user=judge, params={"reason": reason})
    enqueue_advance(request)
    return request


@transaction.atomic
def lift_measure_by_judge(measure: Measure, *, judge, reason: str) -> Measure:
    locked(measure.request_id)
    measure = Measure.objects.select_related("request", "debtor__person", "debtor__entity").get(pk=measure.pk)
    _judge_event(measure.request, "enforcement.measure_lifted_by_judge", judge, reason, measure=measure.kind)
    return lift_measure(measure, actor=Actor.JUDGE, user=judge)


@transaction.atomic
def end_request(request, *, judge, reason: str) -> EnforcementRequest:
    """A judge ends an open (or suspended) request: measures lifted, invoice remainder cancelled."""

    request = locked(request.pk)
    if request.status not in OPEN | {Status.SUSPENDED}:
        raise TransitionError(request.status, Status.CLOSED)
    lift_all_measures(request, actor=Actor.JUDGE, user=judge)
    cancel_open_invoices(request)
    transition(request, Status.CLOSED, actor=Actor.JUDGE, user=judge, params={"reason": reason},
               kind="enforcement.ended_by_judge", forced=True)
    return request
