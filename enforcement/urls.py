from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("against-me/", views.against_me, name="against_me"),
    path("new/", views.new, name="new"),
    path("new/validate/<str:field>/", views.validate, name="validate"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("requests/<str:number>/", views.detail, name="detail"),
    path("requests/<str:number>/timeline/", views.timeline, name="timeline"),
]
