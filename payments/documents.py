"""Invoices and receipts as documents: their PDFs (signed, with a QR code to their public
verification page) and what an uploaded copy is judged against (najiz.common.documents)."""

from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from najiz.common import documents, links, pdf
from najiz.common.templatetags.najiz_format import both_dates_filter

from .models import Invoice, InvoiceStatus, Payment

INVOICE = "invoice"
RECEIPT = "receipt"
CLOSED = (InvoiceStatus.CANCELLED, InvoiceStatus.EXPIRED)


def verification_url(kind: str, reference: str, request=None) -> str:
    path = reverse(f"verify_payment:{kind}", args=[reference])
    return f"{links.absolute(path, request)}?code={documents.code(kind, reference)}"


def invoice_state(invoice) -> str:
    return documents.fingerprint(invoice.bill_number, invoice.amount, invoice.paid, invoice.status, invoice.expires_at)


def receipt_state(payment) -> str:
    """A receipt prints the invoice's totals too: a later payment on it supersedes the copy."""
    return documents.fingerprint(payment.pk, payment.amount, payment.applied_amount, payment.refunded_amount,
                                 invoice_state(payment.invoice))


def invoice_pdf(invoice, *, request=None) -> bytes:
    url = verification_url(INVOICE, invoice.bill_number, request)
    stamp = documents.stamp(INVOICE, invoice.bill_number, invoice_state(invoice))
    context = {"invoice": invoice, "verify_url": url, "code": documents.code(INVOICE, invoice.bill_number)}
    return pdf.render_pdf("payments/pdf/invoice.html", context, request=request, document=stamp)


def receipt_pdf(payment, *, request=None) -> bytes:
    number = payment.receipt_number
    url = verification_url(RECEIPT, number, request)
    stamp = documents.stamp(RECEIPT, number, receipt_state(payment))
    context = {"payment": payment, "invoice": payment.invoice, "verify_url": url,
               "code": documents.code(RECEIPT, number)}
    return pdf.render_pdf("payments/pdf/receipt.html", context, request=request, document=stamp)


def _invoice(bill_number: str):
    return Invoice.objects.filter(bill_number=str(bill_number)[:11]).first()


def _payment(receipt_number: str):
    """RC-<year>-<serial>: the serial is the payment's id, the year its year of receipt."""
    parts = str(receipt_number).split("-")
    if len(parts) != 3 or parts[0] != "RC" or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    payment = Payment.objects.select_related("invoice").filter(pk=int(parts[2])).first()
    return payment if payment is not None and payment.receipt_number == receipt_number else None


def invoice_lookup(bill_number: str) -> documents.Record | None:
    invoice = _invoice(bill_number)
    if invoice is None:
        return None
    return documents.Record(
        state=invoice_state(invoice), current=invoice.status not in CLOSED,
        title=_("Invoice %(number)s") % {"number": invoice.bill_number},
        url=verification_url(INVOICE, invoice.bill_number),
        facts=[(_("Bill number"), invoice.bill_number), (_("Issued"), both_dates_filter(invoice.created_at)),
               (_("Status"), invoice.get_status_display())],
    )


def receipt_lookup(receipt_number: str) -> documents.Record | None:
    payment = _payment(receipt_number)
    if payment is None:
        return None
    return documents.Record(
        state=receipt_state(payment), current=True,
        title=_("Payment receipt %(number)s") % {"number": receipt_number},
        url=verification_url(RECEIPT, receipt_number),
        facts=[(_("Receipt number"), receipt_number), (_("Received"), both_dates_filter(payment.received_at)),
               (_("Invoice status"), payment.invoice.get_status_display())],
    )


def register_kinds() -> None:
    documents.register(INVOICE, gettext_lazy("Invoice"), invoice_lookup)
    documents.register(RECEIPT, gettext_lazy("Payment receipt"), receipt_lookup)
