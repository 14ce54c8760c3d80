"""Every audit rule failing alone, end to end: the request is rejected and the creditor reads why."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.casefile import selectors as casefile
from najiz.common import clock
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db


def _cancelled(case):
    case.instrument.status = "cancelled"
    case.instrument.save()
    return {}


def _executed(case):
    case.instrument.status = "executed"
    case.instrument.save()
    return {}


def _someone_elses(case):
    case.instrument.creditor_person = factories.PersonFactory()
    case.instrument.save()
    return {}


def _ordinary_contract(case):
    case.instrument.kind = "ordinary_contract"
    case.instrument.save()
    return {}


def _not_due(case):
    case.instrument.due_date = clock.today() + timedelta(days=30)
    case.instrument.save()
    return {}


def _duplicate(case):
    first = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("1000.00"), iban=case.account.iban)
    services.submit(first, user=case.user)
    services.advance(first.pk)
    return {"amount": Decimal("1000.00")}


SCENARIOS = {
    "instrument missing": (lambda case: {"instrument_number": "NO-SUCH-1"}, "instrument_exists"),
    "instrument cancelled": (_cancelled, "instrument_valid"),
    "instrument executed": (_executed, "instrument_valid"),
    "not an execution instrument": (_ordinary_contract, "execution_instrument"),
    "creditor not the instrument's": (_someone_elses, "creditor_matches"),
    "debtor not on it": (lambda case: {"debtor_ids": [factories.PersonFactory().national_id]}, "debtors_on_instrument"),
    "amount over what remains": (lambda case: {"amount": Decimal("9000.00")}, "amount_within_remaining"),
    "duplicate open request": (_duplicate, "no_open_request"),
    "not due yet": (_not_due, "instrument_due"),
    "bad IBAN": (lambda case: {"iban": "SA0000000000000000000000"}, "iban_valid"),
    "IBAN not the creditor's": (lambda case: {"iban": case.debtor_account.iban}, "iban_held_by_creditor"),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_rejection_reason_is_shown_to_the_creditor(scenario, case, client):
    arrange, rule_id = SCENARIOS[scenario]
    fields = {"instrument_number": case.instrument.number, "debtor_ids": [case.debtor.national_id],
              "amount": Decimal("5000.00"), "iban": case.account.iban}
    fields.update(arrange(case))
    request = services.save_draft(user=case.user, acting_entity=None, **fields)
    services.submit(request, user=case.user)
    services.advance(request.pk)
    request = EnforcementRequest.objects.get(pk=request.pk)
    assert request.status == Status.REJECTED
    failed = casefile.decisions_of(request).get(step="audit").failed_rules()
    assert [rule["id"] for rule in failed] == [rule_id]
    client.force_login(case.user)
    page = unescape(client.get(reverse("enforcement:detail", args=[request.number])).content.decode())
    assert failed[0]["message_ar"] in page
    client.cookies["najiz_language"] = "en"
    page = unescape(client.get(reverse("enforcement:detail", args=[request.number])).content.decode())
    assert failed[0]["message_en"] in page
