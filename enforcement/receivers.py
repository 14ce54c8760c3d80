"""What enforcement does when payments report money moving (connected in EnforcementConfig.ready)."""

from django.dispatch import receiver

from payments import signals

from . import services
from .models import EnforcementRequest


@receiver(signals.invoice_paid)
def on_invoice_paid(sender, invoice, payment, purpose, **kwargs):
    if isinstance(purpose, EnforcementRequest):
        services.record_invoice_payment(invoice, payment)


@receiver(signals.disbursement_done)
def on_disbursement_done(sender, disbursement, purpose, **kwargs):
    if isinstance(purpose, EnforcementRequest):
        services.record_disbursement_done(disbursement)


@receiver(signals.disbursements_done)
def on_disbursements_done(sender, disbursements, **kwargs):
    mine = [d for d in disbursements if isinstance(d.purpose, EnforcementRequest)]
    if mine:
        services.record_disbursements_done(mine)
