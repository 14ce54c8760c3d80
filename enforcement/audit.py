"""Gather the facts an automatic step looks at, as a plain JSON snapshot (kept in its Decision).

Only these functions read the registries for a step; the rules in enforcement/rules.py then
decide from the snapshot alone, so any decision can be replayed later against today's rules.
"""

from decimal import Decimal

from najiz.common import clock
from najiz.common.identifiers import is_valid_saudi_iban, normalize_iban
from najiz.common.money import ZERO
from najiz.registries import services as registries

from .models import EnforcementRequest
from .states import OPEN, Status


def party(obj) -> dict | None:
    """{"kind", "id"} of a registry Person or Entity (None stays None)."""
    if obj is None:
        return None
    if hasattr(obj, "cr_number"):
        return {"kind": "entity", "id": obj.cr_number}
    return {"kind": "person", "id": obj.national_id}


def instrument_facts(instrument) -> dict | None:
    if instrument is None:
        return None
    return {
        "number": instrument.number,
        "kind": instrument.kind,
        "status": instrument.status,
        "amount": str(instrument.amount),
        "due_date": instrument.due_date.isoformat() if instrument.due_date else None,
        "creditor": party(registries.instrument_creditor(instrument)),
        "debtors": [party(debtor) for debtor in registries.instrument_debtors(instrument)],
    }


class AuditFacts:
    """The registry facts the audit of a batch of requests looks at, read once for the batch
    (a query per registry, whatever the batch's size). `moved()` keeps the other requests on
    each instrument current as the batch's own requests move, so requests audited one after
    another in a batch see each other exactly as they would in separate transactions."""

    def __init__(self, requests):
        numbers = {r.instrument_number for r in requests}
        self.instruments = registries.instruments(numbers)
        ibans = {normalize_iban(r.creditor_iban) for r in requests}
        self.accounts = registries.accounts_by_iban(i for i in ibans if is_valid_saudi_iban(i))
        rows = (
            EnforcementRequest.objects.filter(instrument_number__in=numbers)
            .exclude(status=Status.DRAFT)
            .values_list("pk", "number", "instrument_number", "status", "withdrawn", "amount_claimed")
        )
        self.on_instrument = {}  # instrument number -> {pk: [number, status, withdrawn, amount]}
        for pk, number, instrument_number, status, withdrawn, amount in rows:
            self.on_instrument.setdefault(instrument_number, {})[pk] = [number, status, withdrawn, amount]
        for r in requests:  # the batch's own rows as locked now
            self.on_instrument.setdefault(r.instrument_number, {})[r.pk] = [
                r.number,
                r.status,
                r.withdrawn,
                r.amount_claimed,
            ]
        self.today = clock.today().isoformat()

    def moved(self, request: EnforcementRequest) -> None:
        row = self.on_instrument.get(request.instrument_number, {}).get(request.pk)
        if row is not None:
            row[1] = request.status

    def _others(self, request):
        return [row for pk, row in self.on_instrument.get(request.instrument_number, {}).items() if pk != request.pk]

    def claimed_before(self, request) -> Decimal:
        """What earlier requests on the same instrument claimed, less what they gave up."""
        return sum(
            (amount for _n, status, withdrawn, amount in self._others(request)
             if status not in (Status.DRAFT, Status.REJECTED) and not withdrawn),
            ZERO,
        )

    def other_open_requests(self, request) -> list[str]:
        return sorted(number for number, status, _w, _a in self._others(request) if status in OPEN | {Status.SUSPENDED})

    def inputs_for(self, request: EnforcementRequest) -> dict:
        iban = normalize_iban(request.creditor_iban)
        valid = is_valid_saudi_iban(iban)
        account = self.accounts.get(iban) if valid else None
        key = registries.instrument_key(request.instrument_number)
        return {
            "request": {
                "number": request.number,
                "amount": str(request.amount_claimed),
                "creditor": party(request.creditor),
                "debtors": [
                    {**(party(d.party) or {"kind": "unknown", "id": d.id_number}), "in_registry": d.party is not None}
                    for d in request.debtors.all()
                ],
            },
            "instrument": instrument_facts(self.instruments.get(key)),
            "claimed_before": str(self.claimed_before(request)),
            "other_open_requests": self.other_open_requests(request),
            "today": self.today,
            "iban": {
                "value": iban,
                "valid": valid,
                "holder": party(registries.account_holder(account)) if account else None,
            },
        }


def gather_audit_inputs(request: EnforcementRequest) -> dict:
    """The audit's facts for one request (a batch of one)."""
    return AuditFacts([request]).inputs_for(request)
