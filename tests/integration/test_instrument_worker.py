"""With a real worker on Redis: a past-due e-promissory note enforced in one step over HTTP
reaches the execution order by itself."""

from datetime import timedelta

import pytest
from django.urls import reverse

from einstruments.models import PromissoryNote
from einstruments.states import Status as NoteStatus
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from tests.einstruments.conftest import active_note, parties  # noqa: F401  (shared fixture)

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_past_due_note_enforced_in_one_step_reaches_the_order(celery_worker, parties, client, travel):  # noqa: F811
    note = active_note(parties, days=7)
    with travel(timedelta(days=8)):
        client.force_login(parties.creditor_user)  # signed in once the note is due: sessions last hours
        response = client.post(
            reverse("einstruments:enforce", args=[note.number]), {"iban": parties.creditor_account.iban}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        note = PromissoryNote.objects.get(pk=note.pk)
        assert note.status == NoteStatus.UNDER_ENFORCEMENT
        assert response["Location"] == reverse("enforcement:detail", args=[note.enforcement_number])
        request = EnforcementRequest.objects.get(number=note.enforcement_number)
        wait_for(lambda: EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED, timeout=60)
    request.refresh_from_db()
    assert request.instrument_number == note.number and request.amount_claimed == note.amount
    assert request.creditor_iban == parties.creditor_account.iban
