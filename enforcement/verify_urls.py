from django.urls import path

from . import views

app_name = "verify_enforcement"
urlpatterns = [
    path("order/<case:number>", views.verify_order, name="order"),
    path("request/<case:number>", views.verify_request, name="request"),
]
