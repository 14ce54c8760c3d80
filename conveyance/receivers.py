"""What the conveyance does when the payments app reports money moving."""

from django.dispatch import receiver

from najiz.common.tasks import enqueue
from payments.signals import disbursement_done, disbursements_done, invoice_paid

from .models import Conveyance


@receiver(invoice_paid, dispatch_uid="conveyance.invoice_paid")
def on_invoice_paid(sender, invoice, payment, purpose, **kwargs):
    if invoice.status != "paid":
        return
    from .tasks import payment_received

    if isinstance(purpose, Conveyance):
        enqueue(payment_received, purpose.pk)
        return
    # The transaction tax is invoiced for the tax authority's record, not the conveyance.
    for pk in Conveyance.objects.filter(tax_invoice_id=invoice.pk).values_list("pk", flat=True):
        enqueue(payment_received, pk)


@receiver(disbursement_done, dispatch_uid="conveyance.disbursement_done")
def on_disbursement_done(sender, disbursement, purpose, **kwargs):
    if isinstance(purpose, Conveyance):
        from .tasks import advance

        enqueue(advance, purpose.pk)


@receiver(disbursements_done, dispatch_uid="conveyance.disbursements_done")
def on_disbursements_done(sender, disbursements, **kwargs):
    for disbursement in disbursements:
        on_disbursement_done(sender, disbursement, disbursement.purpose)
