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

from najiz.common.pdf import pdf_response, render_pdf

from . import callbacks, gateway, selectors
from .forms import PayInvoiceForm


@login_required
@require_GET
def invoice_list(request):
    invoices = selectors.invoices_visible_to(request.user, request.acting_entity).order_by("-created_at", "-id")
    return render(request, "payments/invoice_list.html", {"invoices": invoices[:200]})


def _detail(request, invoice, form=None, status=200):
    if form is None and invoice.is_payable:
        form = PayInvoiceForm(invoice=invoice)
    context = {
        "invoice": invoice,
        "payments": invoice.payments.order_by("received_at", "id"),
        "form": form if invoice.is_payable else None,
    }
    return render(request, "payments/invoice_detail.html", context, status=status)


@login_required
@require_GET
@never_cache
def invoice_detail(request, bill_number):
    return _detail(request, selectors.invoice_for_payer(request, bill_number))


@login_required
@require_POST
def pay(request, bill_number):
    """Open a checkout at the gateway for the amount chosen and send the payer there."""
    invoice = selectors.invoice_for_payer(request, bill_number)
    if not invoice.is_payable:
        messages.error(request, _("This invoice can no longer be paid."))
        return _detail(request, invoice, status=409)
    form = PayInvoiceForm(request.POST, invoice=invoice)
    if not form.is_valid():
        return _detail(request, invoice, form=form, status=400)
    try:
        session = gateway.start_session(invoice, form.cleaned_data["amount"], user=request.user)
    except ValidationError as error:
        form.add_error("amount", error)
        return _detail(request, invoice, form=form, status=400)
    return redirect(session.get_absolute_url())


@login_required
@require_GET
def receipt(request, pk):
    payment = selectors.payment_for_payer(request, pk)
    pdf = render_pdf("payments/pdf/receipt.html", {"payment": payment, "invoice": payment.invoice}, request=request)
    return pdf_response(pdf, f"{payment.receipt_number}.pdf")


@login_required
@require_GET
def invoice_pdf(request, bill_number):
    invoice = selectors.invoice_for_payer(request, bill_number)
    pdf = render_pdf("payments/pdf/invoice.html", {"invoice": invoice}, request=request)
    return pdf_response(pdf, f"invoice-{invoice.bill_number}.pdf")


@csrf_exempt
@require_POST
def callback(request):
    """Server-to-server confirmation from the gateway (HMAC-SHA256 signed)."""
    outcome = callbacks.process(request.body, request.headers.get(callbacks.SIGNATURE_HEADER))
    return JsonResponse(outcome.body, status=outcome.status_code)
