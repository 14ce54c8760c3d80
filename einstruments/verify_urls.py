from django.urls import path

from . import views

app_name = "verify_instrument"
urlpatterns = [
    path("<case:number>", views.verify, name="detail"),
    path("<case:number>/", views.verify, name="detail_slash"),
]
