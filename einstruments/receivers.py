"""What a note does when payments or enforcement report a change (connected in the AppConfig)."""

from django.dispatch import receiver

from enforcement.signals import request_status_changed
from payments import signals as payment_signals

from . import services
from .models import PromissoryNote


@receiver(payment_signals.invoice_paid)
def on_invoice_paid(sender, invoice, payment, purpose, **kwargs):
    if isinstance(purpose, PromissoryNote):
        services.record_invoice_paid(invoice)


@receiver(request_status_changed)
def on_request_status_changed(sender, moves, **kwargs):
    services.follow_enforcement_moves(moves)
