from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/disable/", views.disable_webhook, name="disable_webhook"),
    path("report/", views.report, name="report"),
    path("report/csv/", views.report_csv, name="report_csv"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
]
