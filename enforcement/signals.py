"""Signals other apps listen to.

request_status_changed(sender=EnforcementRequest, moves=[StatusMove, ...])
    Requests moved, in the order of the moves (every move, automatic or by a person or judge;
    a batch of automatic steps sends all its moves at once). Sent inside the transaction of the
    moves, with the requests' rows locked: a listener's writes commit with the moves and in their
    order; side effects outside the database belong on commit.
"""

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

request_status_changed = Signal()


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
