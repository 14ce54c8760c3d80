from django.urls import path

from . import views

app_name = "einstruments"
urlpatterns = [
    path("", views.note_list, name="list"),
    path("new/", views.new, name="new"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/confirmation/", views.confirmation, name="confirmation"),
    path("<str:number>/confirmation/resend/", views.resend, name="resend"),
    path("<str:number>/answer/", views.answer, name="answer"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
    path("<str:number>/pay/", views.pay, name="pay"),
    path("<str:number>/certify-paid/", views.certify_paid, name="certify_paid"),
    path("<str:number>/endorse/", views.endorse, name="endorse"),
    path("<str:number>/endorsement/answer/", views.answer_endorsement, name="answer_endorsement"),
    path("<str:number>/endorsement/withdraw/", views.withdraw_endorsement, name="withdraw_endorsement"),
    path("<str:number>/enforce/", views.enforce, name="enforce"),
    path("<str:number>/note.pdf", views.note_pdf, name="pdf"),
]
