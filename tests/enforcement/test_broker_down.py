"""Filing while the broker is unreachable: the person's request succeeds; the sweep finishes it."""

from datetime import timedelta

import pytest
from celery.app.task import Task
from django.urls import reverse
from kombu.exceptions import OperationalError

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from enforcement.tasks import sweep_stalled

pytestmark = pytest.mark.django_db


def test_filing_survives_an_unreachable_broker(case, client, monkeypatch, django_capture_on_commit_callbacks, travel):
    def broker_down(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client.force_login(case.user)
    with monkeypatch.context() as patch:
        patch.setattr(Task, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("enforcement:new"), {
                "instrument_number": case.instrument.number, "debtor_ids": case.debtor.national_id,
                "amount": "5000.00", "iban": case.account.iban, "action": "submit",
            })
        assert response.status_code == 302
        request = EnforcementRequest.objects.get(filed_by=case.user)
        assert request.status == Status.SUBMITTED  # recorded; the automation could not be reached
    with travel(timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_stalled() == 1  # the broker is back: the sweep finds the request
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED
