from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("decisions/<int:pk>/replay/", views.replay, name="replay"),
    path("decisions/<int:pk>/<slug:action>/", views.act, name="act"),
]
