from django.urls import path

from . import disclosure_views, motion_views, views

app_name = "enforcement"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report.pdf", views.dashboard_report, name="dashboard_report"),
    path("against-me/", views.against_me, name="against_me"),
    path("new/", views.new, name="new"),
    path("new/validate/<slug:field>/", views.validate, name="validate"),
    path("new/check/", views.check, name="check"),
    path("new/instruments/", views.instrument_choices, name="instrument_choices"),
    path("new/pick/", views.pick, name="pick"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("requests/<case:number>/", views.detail, name="detail"),
    path("requests/<case:number>/timeline/", views.timeline, name="timeline"),
    path("requests/<case:number>/order.pdf", views.order_pdf, name="order_pdf"),
    path("requests/<case:number>/report.pdf", views.report_pdf, name="report_pdf"),
    path("requests/<case:number>/invoices/<bill:bill_number>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("requests/<case:number>/receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("requests/<case:number>/disclosure/", disclosure_views.disclose, name="disclose"),
    path("requests/<case:number>/motions/<slug:name>/", motion_views.file, name="motion"),
    path("requests/<case:number>/<slug:action>/", views.act, name="act"),
]
