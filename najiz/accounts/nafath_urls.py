"""The Nafath app simulator, mounted at /nafath/ only when settings.NAFATH_SIMULATOR."""

from django.urls import path

from . import views

app_name = "nafath"
urlpatterns = [
    path("", views.nafath_simulator, name="simulator"),
    path("requests/<int:pk>/answer/", views.nafath_answer, name="answer"),
]
