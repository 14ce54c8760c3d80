from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report.pdf", views.dashboard_report, name="dashboard_report"),
    path("against-me/", views.against_me, name="against_me"),
    path("new/", views.new, name="new"),
    path("new/validate/<str:field>/", views.validate, name="validate"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("requests/<str:number>/", views.detail, name="detail"),
    path("requests/<str:number>/timeline/", views.timeline, name="timeline"),
    path("requests/<str:number>/order.pdf", views.order_pdf, name="order_pdf"),
    path("requests/<str:number>/report.pdf", views.report_pdf, name="report_pdf"),
    path("requests/<str:number>/invoices/<str:bill_number>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("requests/<str:number>/receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("requests/<str:number>/<str:action>/", views.act, name="act"),
]
