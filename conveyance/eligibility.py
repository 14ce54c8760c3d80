"""Gather the facts the eligibility rules look at, as a plain JSON snapshot (kept in the Decision).

Only this module reads the registries for a check; conveyance/rules.py decides from the snapshot
alone, so any decision can be replayed later against today's rules.
"""

from django.conf import settings

from najiz.common import clock
from najiz.common.money import format_share, to_sar
from najiz.registries import services as registries

from .models import Conveyance
from .states import OPEN


def person_facts(person) -> dict | None:
    if person is None:
        return None
    open_accounts = [a for a in registries.accounts_of(person) if a.is_open]
    return {
        "kind": "person",
        "id": person.national_id,
        "id_kind": person.kind,
        "alive": bool(person.alive),
        "id_expiry": person.id_expiry.isoformat() if person.id_expiry else None,
        "accounts": len(open_accounts),
    }


def _buyer_facts(conveyance: Conveyance) -> dict:
    if conveyance.buyer_id:
        return person_facts(conveyance.buyer)
    if conveyance.buyer_entity_id:
        return {"kind": "entity", "id": conveyance.buyer_entity.cr_number}
    return {"kind": "unknown", "id": conveyance.buyer_id_number}


def _other_buyers(conveyance) -> list[dict]:
    """The buyers after the first, when several buy together (none for a draft not yet filed)."""
    if conveyance.pk is None:
        return []
    return [person_facts(b.person) for b in conveyance.buyers.select_related("person").order_by("id")[1:]]


def _deed_facts(deed) -> dict | None:
    if deed is None:
        return None
    return {
        "number": deed.number,
        "is_electronic": deed.is_electronic,
        "is_updated": deed.is_updated,
        "status": deed.status,
        "suspended_ref": deed.suspended_ref,
        "owners": [
            {"id": row.person.national_id, "share": format_share(row.share), "alive": bool(row.person.alive)}
            for row in deed.owner_rows.all()
        ],
        "encumbrances": [
            {"kind": e.kind, "ref": e.ref, "by": e.by_whom} for e in registries.active_encumbrances(deed)
        ],
    }


def _poa_facts(number: str) -> dict | None:
    if not number:
        return None
    found = registries.poa(number)
    if found is None:
        return {"number": number, "found": False}
    return {
        "number": found.number,
        "found": True,
        "principal": found.principal.national_id,
        "agent": found.agent.national_id,
        "scopes": list(found.scopes or []),
        "valid_from": found.valid_from.isoformat(),
        "valid_to": found.valid_to.isoformat() if found.valid_to else None,
        "revoked": bool(found.revoked),
    }


def _heirs_facts(number: str) -> dict | None:
    if not number:
        return None
    found = registries.heirs_deed(number)
    if found is None:
        return {"number": number, "found": False}
    return {
        "number": found.number,
        "found": True,
        "deceased": found.deceased.national_id,
        "deceased_alive": bool(found.deceased.alive),
        "heirs": [{"id": row.heir.national_id, "share": format_share(row.share)} for row in found.shares.all()],
    }


def other_open_conveyances(conveyance: Conveyance) -> list[str]:
    others = Conveyance.objects.filter(deed_id=conveyance.deed_id, status__in=OPEN).exclude(pk=conveyance.pk)
    return sorted(n or "-" for n in others.values_list("number", flat=True))


def gather_inputs(conveyance: Conveyance) -> dict:
    deed = registries.deed(conveyance.deed.number)
    return {
        "conveyance": {
            "number": conveyance.number,
            "kind": conveyance.kind,
            "capacity": conveyance.capacity,
            "price": str(conveyance.price),
            "max_price": str(to_sar(settings.CONVEYANCE_MAX_PRICE)),
            "deeds": 1,
            "share_only": bool(conveyance.share_only),
        },
        "today": clock.today().isoformat(),
        "deed": _deed_facts(deed),
        "filer": person_facts(conveyance.filer),
        "buyer": _buyer_facts(conveyance),
        "other_buyers": _other_buyers(conveyance),
        "sellers": [
            {**person_facts(c.person), "share": format_share(c.share), "role": c.role}
            for c in conveyance.consents.select_related("person").order_by("id")
        ],
        "poa": _poa_facts(conveyance.poa_number),
        "heirs_deed": _heirs_facts(conveyance.heirs_deed_number),
        "other_open_conveyances": other_open_conveyances(conveyance),
    }
