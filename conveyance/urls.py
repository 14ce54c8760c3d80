from django.urls import path

from . import views

app_name = "conveyance"
urlpatterns = [
    path("", views.conveyance_list, name="list"),
    path("deeds/", views.my_deeds, name="deeds"),
    path("deeds/<str:number>.pdf", views.deed_pdf, name="deed_pdf"),
    path("new/", views.new, name="new"),
    path("new/validate/<str:field>/", views.validate, name="validate"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/timeline/", views.timeline, name="timeline"),
    path("<str:number>/consent/", views.consent, name="consent"),
    path("<str:number>/offer/", views.offer, name="offer"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
]
