from django.urls import path

from . import views

app_name = "einstruments"
urlpatterns = [
    path("", views.note_list, name="list"),
    path("new/", views.new, name="new"),
    path("new/check/", views.check, name="check"),
    path("new/validate/<slug:field>/", views.validate, name="validate"),
    path("<case:number>/", views.detail, name="detail"),
    path("<case:number>/confirmation/", views.confirmation, name="confirmation"),
    path("<case:number>/confirmation/resend/", views.resend, name="resend"),
    path("<case:number>/answer/", views.answer, name="answer"),
    path("<case:number>/cancel/", views.cancel, name="cancel"),
    path("<case:number>/pay/", views.pay, name="pay"),
    path("<case:number>/certify-paid/", views.certify_paid, name="certify_paid"),
    path("<case:number>/endorse/", views.endorse, name="endorse"),
    path("<case:number>/endorsement/answer/", views.answer_endorsement, name="answer_endorsement"),
    path("<case:number>/endorsement/withdraw/", views.withdraw_endorsement, name="withdraw_endorsement"),
    path("<case:number>/enforce/", views.enforce, name="enforce"),
    path("<case:number>/note.pdf", views.note_pdf, name="pdf"),
]
