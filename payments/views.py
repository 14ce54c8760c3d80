"""Payer screens (/payments/) and the gateway's callback endpoint."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from najiz.common import verify
from najiz.common.middleware import CONTENT_SECURITY_POLICY
from najiz.common.pdf import pdf_response

from . import adapters, callbacks, documents, selectors
from .forms import PayInvoiceForm


@login_required
@require_GET
def invoice_list(request):
    invoices = selectors.invoices_visible_to(request.user, request.acting_entity).order_by("-created_at", "-id")
    return render(request, "payments/invoice_list.html", {"invoices": invoices[:200]})


def _detail(request, invoice, form=None, status=200):
    gateway = adapters.current()
    online = gateway is not None
    if form is None and invoice.is_payable and online:
        form = PayInvoiceForm(invoice=invoice)
    context = {
        "invoice": invoice,
        "payments": invoice.payments.order_by("received_at", "id"),
        "form": form if invoice.is_payable and online else None,
        "online_payment": online,
        "transfer": selectors.transfer_details(invoice),
    }
    response = render(request, "payments/invoice_detail.html", context, status=status)
    origin = getattr(gateway, "origin", None)
    if origin and context["form"] is not None:
        # The pay button's redirect goes on to the gateway: the form may lead there.
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


@login_required
@require_GET
@never_cache
def invoice_detail(request, bill_number):
    return _detail(request, selectors.invoice_for_payer(request, bill_number))


@login_required
@require_POST
def pay(request, bill_number):
    """Open a checkout at the configured gateway for the amount chosen and send the payer there."""
    invoice = selectors.invoice_for_payer(request, bill_number)
    if not invoice.is_payable:
        messages.error(request, _("This invoice can no longer be paid."))
        return _detail(request, invoice, status=409)
    gateway = adapters.current()
    if gateway is None:
        messages.error(request, _("Online payment is not available at the moment. Pay the bill through SADAD."))
        return _detail(request, invoice, status=409)
    form = PayInvoiceForm(request.POST, invoice=invoice)
    if not form.is_valid():
        return _detail(request, invoice, form=form, status=400)
    try:
        url = gateway.checkout_url(invoice, form.cleaned_data["amount"], user=request.user)
    except ValidationError as error:
        form.add_error("amount", error)
        return _detail(request, invoice, form=form, status=400)
    return redirect(url)


@login_required
@require_GET
def receipt(request, pk):
    payment = selectors.payment_for_payer(request, pk)
    return pdf_response(documents.receipt_pdf(payment, request=request), f"{payment.receipt_number}.pdf")


@login_required
@require_GET
def invoice_pdf(request, bill_number):
    invoice = selectors.invoice_for_payer(request, bill_number)
    return pdf_response(documents.invoice_pdf(invoice, request=request), f"invoice-{invoice.bill_number}.pdf")


@require_GET
def verify_invoice(request, bill_number):
    """Public: what an invoice's QR code opens. Nothing about the payer or the amount."""
    return verify.record_page(request, documents.INVOICE, bill_number)


@require_GET
def verify_receipt(request, number):
    """Public: what a receipt's QR code opens."""
    return verify.record_page(request, documents.RECEIPT, number)


@csrf_exempt
@require_POST
def callback(request):
    """Server-to-server confirmation from the gateway (HMAC-SHA256 signed)."""
    outcome = callbacks.process(request.body, request.headers.get(callbacks.SIGNATURE_HEADER))
    return JsonResponse(outcome.body, status=outcome.status_code)
