"""Gather the facts an automatic step looks at, as a plain JSON snapshot (kept in its Decision).

Only these functions read the registries for a step; the rules in enforcement/rules.py then
decide from the snapshot alone, so any decision can be replayed later against today's rules.
"""

from decimal import Decimal

from django.db.models import Sum

from najiz.common import clock
from najiz.common.identifiers import is_valid_saudi_iban, normalize_iban
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


def _claimed_before(request: EnforcementRequest) -> Decimal:
    """What earlier requests on the same instrument claimed, less what they gave up."""
    earlier = EnforcementRequest.objects.filter(instrument_number=request.instrument_number).exclude(pk=request.pk)
    earlier = earlier.exclude(status__in=[Status.DRAFT, Status.REJECTED]).exclude(withdrawn=True)
    return earlier.aggregate(total=Sum("amount_claimed"))["total"] or Decimal("0.00")


def _other_open_requests(request: EnforcementRequest) -> list[str]:
    others = EnforcementRequest.objects.filter(instrument_number=request.instrument_number, status__in=OPEN | {Status.SUSPENDED})
    return sorted(others.exclude(pk=request.pk).values_list("number", flat=True))


def gather_audit_inputs(request: EnforcementRequest) -> dict:
    iban = normalize_iban(request.creditor_iban)
    valid = is_valid_saudi_iban(iban)
    account = registries.account(iban) if valid else None
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
        "instrument": instrument_facts(registries.instrument(request.instrument_number)),
        "claimed_before": str(_claimed_before(request)),
        "other_open_requests": _other_open_requests(request),
        "today": clock.today().isoformat(),
        "iban": {"value": iban, "valid": valid, "holder": party(registries.account_holder(account)) if account else None},
    }
