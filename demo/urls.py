from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("clock/move/", views.clock_move, name="clock_move"),
    path("clock/reset/", views.clock_reset, name="clock_reset"),
]
