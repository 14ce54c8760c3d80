"""Every audit rule that can fail before filing is flagged by the pre-check while the form is
typed, by its field, in the rule's words (the cases are in blockers.py, shared with the API's)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from enforcement import rules
from enforcement.models import EnforcementRequest
from tests.factories import registries as factories
from tests.precheck_html import blockers_of, count_of

from .blockers import BLOCKERS, CASES

pytestmark = pytest.mark.django_db


def world_of(case, earlier_request):
    def switch_creditor():  # the creditor's company holds the instrument; they file as themselves
        entity = factories.EntityFactory()
        factories.RepresentationFactory(entity=entity, person=case.creditor)
        case.instrument.creditor_person, case.instrument.creditor_entity = None, entity
        case.instrument.save()

    return SimpleNamespace(instrument=case.instrument, debtor=case.debtor, someone_elses_iban=case.debtor_account.iban,
                           claim_first=earlier_request, switch_creditor=switch_creditor)


def test_every_audit_rule_has_a_case():
    """A rule added to the audit needs its case in blockers.py (each can be known before filing)."""
    assert {rule.__name__ for rule in rules.AUDIT_RULES} == set().union(*(b.failing for b in BLOCKERS))


@pytest.mark.parametrize("blocker", CASES)
def test_each_blocker_is_flagged_by_its_field_before_submission(creditor_client, case, earlier_request, blocker):
    body = {"instrument_number": case.instrument.number, "debtor_ids": [case.debtor.national_id],
            "amount": "5000.00", "iban": case.account.iban, **blocker.make(world_of(case, earlier_request))}
    filed_before = EnforcementRequest.objects.count()
    response = creditor_client.post(reverse("enforcement:check"), {**body, "debtor_ids": " ".join(body["debtor_ids"])})
    html = response.content.decode()
    assert response.status_code == 200
    assert blocker.words in blockers_of(html, blocker.field)
    assert count_of(html) == len(blocker.failing)
    assert EnforcementRequest.objects.count() == filed_before  # nothing filed while typing
