from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("requests/<str:number>/", views.detail, name="detail"),
]
