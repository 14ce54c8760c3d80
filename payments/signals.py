"""Signals other apps listen to. All are sent after the transaction that caused them commits.

invoice_paid(sender=Invoice, invoice, payment, purpose)
    A gateway payment was applied to `invoice` (fully or partly: read `invoice.status` /
    `invoice.outstanding`). Enforcement counts it as collected; conveyance waits for status paid.
disbursement_done(sender=Disbursement, disbursement, purpose)
    The bank credited the IBAN; sent once per disbursement.
disbursements_done(sender=Disbursement, disbursements)
    The disbursements executed together (execute_disbursements), each done, in one signal
    instead of a disbursement_done each; `disbursement.purpose` is loaded. A receiver of
    disbursement_done listens to this one too.
disbursement_failed(sender=Disbursement, disbursement, purpose)
    The bank kept refusing; the disbursement gave up after its last attempt.
"""

from django.dispatch import Signal

invoice_paid = Signal()
disbursement_done = Signal()
disbursements_done = Signal()
disbursement_failed = Signal()
