"""Read queries of the payments app, scoped to who may see what."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from najiz.common import clock
from najiz.common.todo import Task, purpose_key

from .models import OPEN_STATUSES, Disbursement, DisbursementStatus, Invoice, PayerKind, Payment


def invoices_visible_to(user, acting_entity=None) -> QuerySet:
    """The invoices a signed-in person pays: their own, or the entity's they act for."""
    if user is None or not user.is_authenticated:
        return Invoice.objects.none()
    if acting_entity is not None:
        return Invoice.objects.filter(payer_kind=PayerKind.ENTITY, payer_id_number=acting_entity.cr_number)
    # acting for oneself, an entity's invoice is not one's own, whoever opened it (najiz.accounts.parties)
    mine = Q(payer_user=user) | Q(payer_id_number=user.national_id)
    return Invoice.objects.filter(mine, payer_kind=PayerKind.PERSON)


def invoice_for_payer(request, bill_number: str) -> Invoice:
    """The invoice if the request's user pays it, else 404 (whether or not it exists)."""
    queryset = invoices_visible_to(request.user, getattr(request, "acting_entity", None))
    return get_object_or_404(queryset, bill_number=bill_number)


def payment_for_payer(request, pk: int) -> Payment:
    visible = invoices_visible_to(request.user, getattr(request, "acting_entity", None))
    return get_object_or_404(Payment.objects.select_related("invoice").filter(invoice__in=visible), pk=pk)


def _of(purpose) -> dict:
    return {"purpose_type": ContentType.objects.get_for_model(purpose), "purpose_id": purpose.pk}


def invoices_for(purpose) -> QuerySet:
    return Invoice.objects.filter(**_of(purpose))


def open_invoice_for(purpose) -> Invoice | None:
    """The newest invoice of a purpose still taking payments, or None."""
    return invoices_for(purpose).filter(status__in=OPEN_STATUSES).order_by("-created_at", "-id").first()


def payments_for(purpose) -> QuerySet:
    return Payment.objects.filter(invoice__in=invoices_for(purpose)).select_related("invoice")


def disbursements_for(purpose) -> QuerySet:
    return Disbursement.objects.filter(**_of(purpose))


def operational_figures(*, since) -> dict:
    """For the operators (operations app): payment → disbursement latency of the payouts done
    since `since`, and the disbursements that failed for good (each waits for a person).

    A payout starts at the newest payment of its purpose received before it was requested;
    one with no payment before it (money seized from the debtor's account) starts when requested.
    The rows are found through the ledger transaction's indexed time, the payment through the
    invoice's purpose index.
    """
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from najiz.common.figures import latencies

    from .models import DisbursementKind

    paid = Payment.objects.filter(
        invoice__purpose_type=OuterRef("purpose_type"), invoice__purpose_id=OuterRef("purpose_id"),
        received_at__lte=OuterRef("requested_at"),
    ).order_by("-received_at").values("received_at")[:1]
    done = Disbursement.objects.filter(
        ledger_transaction__at__gte=since, status=DisbursementStatus.DONE, kind=DisbursementKind.PAYOUT,
    )
    return {
        "payment_to_disbursement": latencies(done, F("done_at") - Coalesce(Subquery(paid), F("requested_at"))),
        "disbursements_failed": Disbursement.objects.filter(status=DisbursementStatus.FAILED).count(),
    }


def failed_disbursements(limit: int = 50) -> list[Disbursement]:
    """The disbursements that failed for good, the latest first: each waits for a person to send
    it again (operations page)."""
    failed = Disbursement.objects.filter(status=DisbursementStatus.FAILED)
    return list(failed.order_by("-last_attempt_at", "-pk")[:limit])


def failed_disbursement(pk: int) -> Disbursement:
    return get_object_or_404(Disbursement, pk=pk, status=DisbursementStatus.FAILED)


def tasks_for(user, acting_entity=None) -> list[Task]:
    """"My tasks": the open invoices the person (or the entity they act for) is to pay."""
    invoices = (
        invoices_visible_to(user, acting_entity).filter(status__in=OPEN_STATUSES)
        .exclude(expires_at__lte=clock.now()).order_by("expires_at", "id")[:20]
    )
    tasks = []
    for invoice in invoices:
        purpose = ContentType.objects.get_for_id(invoice.purpose_type_id)  # cached
        tasks.append(Task(_("Pay: %(what)s") % {"what": invoice.description}, invoice.get_absolute_url(),
                          invoice.bill_number, invoice.expires_at,
                          key=purpose_key(purpose.app_label, purpose.model, invoice.purpose_id)))
    return tasks


def transfer_details(invoice) -> dict | None:
    """How to pay an invoice by bank transfer (the escrow IBAN, the reference, what is still to
    transfer, the simulated bank's page), or None when it is not offered for this invoice."""
    from django.urls import reverse

    from . import conf, services

    if invoice is None or not services.accepts_transfer(invoice):
        return None
    reference = services.transfer_reference(invoice)
    bank_url = f"{reverse('gateway:bank')}?reference={reference}" if conf.simulator_enabled() else ""
    return {"iban": services.escrow_iban(), "reference": reference, "outstanding": invoice.outstanding,
            "bank_url": bank_url}
