from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("", views.page, name="page"),
    path("disbursements/<int:pk>/retry/", views.retry_disbursement, name="retry_disbursement"),
]
