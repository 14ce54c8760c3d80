"""What the conveyance does when the payments app reports money moving."""

from django.dispatch import receiver

from najiz.common.tasks import enqueue
from payments.signals import disbursement_done, invoice_paid

from .models import Conveyance


@receiver(invoice_paid, dispatch_uid="conveyance.invoice_paid")
def on_invoice_paid(sender, invoice, payment, purpose, **kwargs):
    if isinstance(purpose, Conveyance) and invoice.status == "paid":
        from .tasks import payment_received

        enqueue(payment_received, purpose.pk)


@receiver(disbursement_done, dispatch_uid="conveyance.disbursement_done")
def on_disbursement_done(sender, disbursement, purpose, **kwargs):
    if isinstance(purpose, Conveyance):
        from .tasks import advance

        enqueue(advance, purpose.pk)
