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
