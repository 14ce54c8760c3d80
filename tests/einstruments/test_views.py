"""The note screens over HTTP: parties only (404 for anyone else), bad input never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse

from einstruments.models import PromissoryNote
from einstruments.states import Status
from najiz.accounts import services as accounts
from najiz.accounts.models import NafathChallenge
from najiz.common import clock

from .conftest import active_note, issue

pytestmark = pytest.mark.django_db

NOTE_URLS = [
    ("detail", "get"),
    ("confirmation", "get"),
    ("resend", "post"),
    ("answer", "post"),
    ("cancel", "post"),
    ("pay", "post"),
    ("certify_paid", "post"),
    ("endorse", "get"),
    ("endorse", "post"),
    ("answer_endorsement", "post"),
    ("withdraw_endorsement", "post"),
    ("enforce", "get"),
    ("enforce", "post"),
    ("pdf", "get"),
]


@pytest.mark.parametrize("name,method", NOTE_URLS)
def test_every_instrument_url_is_404_to_non_parties(client, parties, name, method):
    note = active_note(parties)
    client.force_login(parties.stranger_user)
    url = reverse(f"einstruments:{name}", args=[note.number])
    response = getattr(client, method)(url, {"answer": "accept", "new_holder_id": parties.stranger.national_id})
    assert response.status_code == 404
    missing = getattr(client, method)(reverse(f"einstruments:{name}", args=["PN-2000-999999"]))
    assert missing.status_code == 404


@pytest.mark.parametrize("name", ["endorse", "enforce"])
def test_holder_only_screens_are_404_to_the_debtor(client, parties, name):
    note = active_note(parties)
    client.force_login(parties.debtor_user)
    assert client.get(reverse(f"einstruments:{name}", args=[note.number])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, parties):
    note = active_note(parties)
    response = client.get(reverse("einstruments:detail", args=[note.number]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_issue_confirm_in_nafath_and_accept_over_http(client, parties):
    client.force_login(parties.debtor_user)
    due = clock.today() + timedelta(days=20)
    response = client.post(
        reverse("einstruments:new"),
        {
            "creditor_id": parties.creditor.national_id,
            "amount": "2500.50",
            "due_date": due.isoformat(),
            "place": "jeddah",
        },
    )
    note = PromissoryNote.objects.get(issued_by=parties.debtor_user)
    assert response.status_code == 302 and response["Location"] == reverse("einstruments:detail", args=[note.number])
    page = client.get(response["Location"])
    challenge = NafathChallenge.objects.get(token=note.challenge_token)
    assert page.status_code == 200 and f">{challenge.number}<" in page.content.decode()

    accounts.answer_challenge(challenge.pk, challenge.number)  # in the Nafath app
    poll = client.get(reverse("einstruments:confirmation", args=[note.number]), headers={"HX-Request": "true"})
    assert poll.status_code == 200 and poll["HX-Redirect"] == reverse("einstruments:detail", args=[note.number])
    note.refresh_from_db()
    assert note.status == Status.AWAITING_ACCEPTANCE

    client.force_login(parties.creditor_user)
    listing = client.get(reverse("einstruments:list") + "?as=holder")
    assert note.number in listing.content.decode()
    assert client.post(reverse("einstruments:answer", args=[note.number]), {"answer": "accept"}).status_code == 302
    note.refresh_from_db()
    assert note.status == Status.ACTIVE
    detail = client.get(reverse("einstruments:detail", args=[note.number])).content.decode()
    assert reverse("einstruments:pdf", args=[note.number]) in detail


def test_issue_form_rejects_bad_input_without_a_server_error(client, parties):
    client.force_login(parties.debtor_user)
    for data in (
        {},
        {"creditor_id": "\x01junk", "amount": "NaN", "due_date": "2020-99-99", "place": "mars"},
        {"creditor_id": parties.debtor.national_id, "amount": "-5", "due_date": "2001-01-01", "place": "riyadh"},
        {"creditor_id": "1" * 50, "amount": "1e400", "due_date": "x", "place": "riyadh", "guarantor_id": "abc"},
        {"creditor_id": parties.creditor.national_id, "amount": "2.5e3", "due_date": "2099-01-01", "place": "riyadh"},
    ):
        response = client.post(reverse("einstruments:new"), data)
        assert response.status_code == 400
    assert not PromissoryNote.objects.exists()


def test_bad_answers_and_junk_numbers_do_not_fail(client, parties):
    note = issue(parties)
    client.force_login(parties.debtor_user)
    assert client.post(reverse("einstruments:answer", args=[note.number]), {"answer": "maybe"}).status_code == 302
    assert client.get("/instruments/%ff/").status_code == 404
    assert client.get("/instruments/%00%ff/").status_code == 400  # NUL: refused before any page
    assert client.get("/verify/instrument/%00").status_code == 400


def test_verify_page_is_public_and_tells_nothing_private(client, parties):
    note = active_note(parties)
    from einstruments import documents

    response = client.get(f"/verify/instrument/{note.number}?code={documents.verification_code(note.number)}")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="verify-result"' in body
    assert "alert-success" in body and 'data-testid="verify-code"' in body
    for private in (parties.debtor.name_ar, parties.creditor.name_ar, parties.debtor.national_id, "5,000"):
        assert private not in body
    assert client.get(f"/verify/instrument/{note.number}/?code=WRONG").status_code == 200
    assert client.get("/verify/instrument/PN-1999-000001").status_code == 404
    pending = issue(parties)
    assert client.get(f"/verify/instrument/{pending.number}").status_code == 404  # not an instrument yet


def test_pdf_with_qr_for_parties(client, parties):
    note = active_note(parties)
    client.force_login(parties.creditor_user)
    response = client.get(reverse("einstruments:pdf", args=[note.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_one_step_enforcement_over_http(client, parties, travel, django_capture_on_commit_callbacks):
    note = active_note(parties, days=3)
    client.force_login(parties.creditor_user)
    assert b"file-enforcement" not in client.get(reverse("einstruments:detail", args=[note.number])).content
    with travel(timedelta(days=4)):
        client.force_login(parties.creditor_user)  # days later, signed in again: sessions last hours
        assert b"file-enforcement" in client.get(reverse("einstruments:detail", args=[note.number])).content
        page = client.get(reverse("einstruments:enforce", args=[note.number]))
        assert page.status_code == 200 and parties.creditor_account.iban in page.content.decode()
        bad = client.post(reverse("einstruments:enforce", args=[note.number]), {"iban": "SA0000000000000000000000"})
        assert bad.status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("einstruments:enforce", args=[note.number]), {"iban": parties.creditor_account.iban}
            )
    note.refresh_from_db()
    assert note.status == Status.UNDER_ENFORCEMENT
    assert response.status_code == 302 and response["Location"] == reverse(
        "enforcement:detail", args=[note.enforcement_number]
    )


def test_archive_tabs(client, parties):
    note = active_note(parties)
    client.force_login(parties.debtor_user)
    assert note.number in client.get(reverse("einstruments:list")).content.decode()
    assert note.number not in client.get(reverse("einstruments:list") + "?as=holder").content.decode()
    assert client.get(reverse("einstruments:list") + "?as=junk").status_code == 200
    client.force_login(parties.stranger_user)
    assert note.number not in client.get(reverse("einstruments:list") + "?as=holder").content.decode()


def test_the_nafath_request_names_the_note_being_signed_and_signs_no_one_in(client, parties):
    from einstruments import services

    note = issue(parties)
    challenge = services.start_confirmation(note, user=parties.debtor_user)
    assert (challenge.purpose, challenge.subject) == (NafathChallenge.Purpose.SIGN_NOTE, note.number)
    app = client.get(reverse("nafath:simulator"), {"national_id": parties.debtor.national_id}).content.decode()
    assert note.number in app and "طلب توقيع السند لأمر" in app
    assert "طلب دخول إلى ناجز" not in app  # not a sign-in
    accounts.answer_challenge(challenge.pk, challenge.number)
    with pytest.raises(accounts.SignInRefused):
        accounts.complete_nafath_login(challenge.token)  # a signature confirmed is no sign-in


def test_a_wrong_verification_code_shows_only_the_mismatch_in_red(client, parties):
    note = active_note(parties)
    body = client.get(f"/verify/instrument/{note.number}?code=WRONG-CODE").content.decode()
    assert "alert-danger" in body and "alert-success" not in body
    assert "رمز التحقق غير مطابق" in body and "مسجل وساري" not in body
