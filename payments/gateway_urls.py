from django.urls import path

from . import gateway_views as views

app_name = "gateway"
urlpatterns = [
    path("s/<str:token>/", views.session_page, name="session"),
    path("s/<str:token>/method/", views.choose_method, name="method"),
    path("s/<str:token>/card/", views.card, name="card"),
    path("s/<str:token>/otp/", views.otp, name="otp"),
    path("s/<str:token>/sadad/", views.sadad, name="sadad"),
    path("s/<str:token>/cancel/", views.cancel, name="cancel"),
]
