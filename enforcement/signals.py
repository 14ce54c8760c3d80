"""Signals other apps listen to; sent after the transaction that caused them commits.

request_status_changed(sender=EnforcementRequest, request_id, number, status, at)
    A request moved to `status` (every move, automatic or by a person or judge).
"""

from django.dispatch import Signal

request_status_changed = Signal()
