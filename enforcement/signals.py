"""Signals other apps listen to.

request_status_changed(sender=EnforcementRequest, request_id, number, status, at)
    A request moved to `status` (every move, automatic or by a person or judge). Sent inside the
    transaction of the move, with the request's row locked: a listener's writes commit with the
    move and in the order of the moves; side effects outside the database belong on commit.
"""

from django.dispatch import Signal

request_status_changed = Signal()
