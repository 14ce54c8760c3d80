"""Signals other apps listen to.

conveyance_event(sender=Conveyance, event=ConveyanceEvent)
    Something happened to a conveyance that its business parties are told of (CONVEYANCE_EVENTS):
    filed, accepted by the buyer, paid, its tax paid, transferred (with the new deed), completed,
    rejected, refunded (rejected at the transfer's re-check, the money returned), declined,
    expired, cancelled. Sent inside the transaction of the move, with the conveyance's row locked:
    a listener's writes commit with it; side effects outside the database belong on commit.
"""

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

conveyance_event = Signal()

# The event a move to each status is told as (the other moves are the automation's own steps).
EVENT_OF_STATUS = {
    "submitted": "conveyance.filed",
    "awaiting_payment": "conveyance.accepted",
    "paid": "conveyance.paid",
    "transferred": "conveyance.transferred",
    "completed": "conveyance.completed",
    "rejected": "conveyance.rejected",
    "declined": "conveyance.declined",
    "expired": "conveyance.expired",
    "cancelled": "conveyance.cancelled",
}
TAX_PAID = "conveyance.tax_paid"
REFUNDED = "conveyance.refunded"
CONVEYANCE_EVENTS = (*EVENT_OF_STATUS.values(), TAX_PAID, REFUNDED)


@dataclass(frozen=True)
class ConveyanceEvent:
    type: str  # one of CONVEYANCE_EVENTS
    conveyance: object  # the Conveyance as it is after the event
    at: datetime
    entity_ids: tuple  # the entities party to the conveyance (whose systems are told)


def entity_parties(conveyance) -> tuple:
    """The entities party to a conveyance: a legal person among its buyers. (Sellers, co-owners and
    heirs are always individuals.)"""
    return tuple(pk for pk in (conveyance.buyer_entity_id,) if pk)


def announce(conveyances) -> None:
    """The Workflow's announcer: each move to a status in EVENT_OF_STATUS is told; a rejection
    after the price was paid is told as a refund."""
    for conveyance in conveyances:
        kind = EVENT_OF_STATUS.get(conveyance.status)
        if kind == "conveyance.rejected" and conveyance.paid_at is not None:
            kind = REFUNDED
        if kind is not None:
            announce_event(conveyance, kind, at=conveyance.status_changed_at)


def announce_event(conveyance, event_type: str, *, at=None) -> None:
    """Tell listeners (the linkage's webhooks) of a conveyance's event, inside its transaction."""
    from najiz.common import clock

    if event_type not in CONVEYANCE_EVENTS:
        raise ValueError(f"unknown conveyance event {event_type!r}")
    entity_ids = entity_parties(conveyance)
    if not entity_ids:
        return
    conveyance_event.send(sender=type(conveyance), event=ConveyanceEvent(event_type, conveyance, at or clock.now(),
                                                                        entity_ids))
