from django.urls import path

from . import gateway_views as views

app_name = "gateway"
urlpatterns = [
    path("bank/", views.bank, name="bank"),
    path("s/<gateway:token>/", views.session_page, name="session"),
    path("s/<gateway:token>/method/", views.choose_method, name="method"),
    path("s/<gateway:token>/card/", views.card, name="card"),
    path("s/<gateway:token>/otp/", views.otp, name="otp"),
    path("s/<gateway:token>/sadad/", views.sadad, name="sadad"),
    path("s/<gateway:token>/cancel/", views.cancel, name="cancel"),
]
