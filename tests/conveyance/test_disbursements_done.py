"""The conveyance hears of its payouts done whether they were executed alone or together."""

import pytest

from conveyance import receivers
from payments import signals
from payments.models import Disbursement
from payments.selectors import disbursements_for

pytestmark = pytest.mark.django_db


def test_payouts_done_together_advance_their_conveyance(conveyed, monkeypatch):
    sent = []
    monkeypatch.setattr(receivers, "enqueue", lambda task, *args: sent.append((task.name, args)))
    payouts = list(disbursements_for(conveyed))
    assert payouts
    signals.disbursements_done.send(sender=Disbursement, disbursements=payouts)
    assert sent == [("conveyance.advance", (conveyed.pk,))] * len(payouts)
