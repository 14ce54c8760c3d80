from django.urls import path

from . import views

app_name = "verify_payment"
urlpatterns = [
    path("invoice/<bill:bill_number>", views.verify_invoice, name="invoice"),
    path("receipt/<case:number>", views.verify_receipt, name="receipt"),
]
