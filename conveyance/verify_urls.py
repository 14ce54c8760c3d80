from django.urls import path

from . import views

app_name = "verify"
urlpatterns = [
    path("deed/<deed:number>", views.verify_deed, name="deed"),
    path("deed/<deed:number>/", views.verify_deed, name="deed_slash"),
]
