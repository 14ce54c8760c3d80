from django.urls import path

from . import views

app_name = "verify_instrument"
urlpatterns = [
    path("<str:number>", views.verify, name="detail"),
    path("<str:number>/", views.verify, name="detail_slash"),
]
