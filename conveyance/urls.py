from django.urls import path

from . import views

app_name = "conveyance"
urlpatterns = [
    path("", views.conveyance_list, name="list"),
    path("deeds/", views.my_deeds, name="deeds"),
    path("deeds/<deed:number>/", views.deed_detail, name="deed"),
    path("deeds/<deed:number>.pdf", views.deed_pdf, name="deed_pdf"),
    path("new/", views.new, name="new"),
    path("new/validate/<slug:field>/", views.validate, name="validate"),
    path("new/check/", views.check, name="check"),
    path("<case:number>/", views.detail, name="detail"),
    path("<case:number>/timeline/", views.timeline, name="timeline"),
    path("<case:number>/consent/", views.consent, name="consent"),
    path("<case:number>/offer/", views.offer, name="offer"),
    path("<case:number>/cancel/", views.cancel, name="cancel"),
]
