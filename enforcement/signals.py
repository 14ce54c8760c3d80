"""Signals other apps listen to.

request_status_changed(sender=EnforcementRequest, moves=[StatusMove, ...])
    Requests moved, in the order of the moves (every move, automatic or by a person or judge;
    a batch of automatic steps sends all its moves at once). Sent inside the transaction of the
    moves, with the requests' rows locked: a listener's writes commit with the moves and in their
    order; side effects outside the database belong on commit.
motion_event(sender=Motion, event=MotionEvent)
    Something happened to a party's motion: filed, decided, a grace period started or ended, an
    instalment plan accepted, defaulted or ended early by the creditor (MOTION_EVENTS). Sent
    inside the transaction, as above.
"""

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

request_status_changed = Signal()
motion_event = Signal()

MOTION_EVENTS = ("motion.filed", "motion.decided", "grace.started", "grace.ended", "plan.accepted", "plan.defaulted",
                 "plan.ended")


@dataclass(frozen=True)
class StatusMove:
    request_id: int
    number: str
    status: str
    at: datetime
    creditor_entity_id: int | None

    @classmethod
    def of(cls, request) -> "StatusMove":
        """The move a request has just made (its status and status_changed_at as they are now)."""
        return cls(request.pk, request.number, request.status, request.status_changed_at, request.creditor_entity_id)


@dataclass(frozen=True)
class MotionEvent:
    type: str  # one of MOTION_EVENTS
    request_id: int
    number: str
    status: str  # the request's, after the event
    at: datetime
    creditor_entity_id: int | None
    motion_id: int
    kind: str
    motion_status: str


def announce_motion(request, motion, event_type: str) -> None:
    """Tell listeners (the linkage's webhooks) of a motion's event, inside its transaction."""
    from najiz.common import clock

    if event_type not in MOTION_EVENTS:
        raise ValueError(f"unknown motion event {event_type!r}")
    motion_event.send(sender=type(motion), event=MotionEvent(
        event_type, request.pk, request.number, request.status, clock.now(), request.creditor_entity_id, motion.pk,
        motion.kind, motion.status,
    ))
