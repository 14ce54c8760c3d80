from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/wait/", views.nafath_wait, name="nafath_wait"),
    path("login/status/", views.nafath_status, name="nafath_status"),
    path("staff-login/", views.staff_login, name="staff_login"),
    path("logout/", views.logout, name="logout"),
    path("session/", views.session_status, name="session_status"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("act-as/", views.act_as, name="act_as"),
]
