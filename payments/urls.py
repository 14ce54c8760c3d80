from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("invoices/<bill:bill_number>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<bill:bill_number>/pay/", views.pay, name="pay"),
    path("invoices/<bill:bill_number>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("receipts/<int:pk>.pdf", views.receipt, name="receipt"),
    path("callback/", views.callback, name="callback"),
]
