from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from enforcement import services
from enforcement.models import EnforcementRequest
from najiz.accounts.models import JUDGES_GROUP, NOTARIES_GROUP
from tests.factories.accounts import StaffUserFactory


def make_judge(*circuits_):
    judge = StaffUserFactory()
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    for circuit in circuits_:
        circuit.judges.add(judge)
    return judge


@pytest.fixture
def judge(circuits):
    """The judge of the circuit of the debtor's city (Jeddah), which supervises the case's requests."""
    return make_judge(circuits["jeddah-1"])


@pytest.fixture
def other_judge(circuits):
    return make_judge(circuits["riyadh-1"], circuits["riyadh-2"])


@pytest.fixture
def notary(db):
    user = StaffUserFactory()
    user.groups.add(Group.objects.get_or_create(name=NOTARIES_GROUP)[0])
    return user


@pytest.fixture
def judge_client(client, judge):
    client.force_login(judge)
    return client


@pytest.fixture
def file_request(case, django_capture_on_commit_callbacks):
    """File and submit a request for the case (overrides: iban, amount, ...); runs the automation."""

    def _file(**overrides):
        fields = {"instrument_number": case.instrument.number, "debtor_ids": [case.debtor.national_id],
                      "amount": Decimal("5000.00"), "iban": case.account.iban}
        fields.update(overrides)
        request = services.save_draft(user=case.user, acting_entity=None, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            services.submit(request, user=case.user)
        return EnforcementRequest.objects.get(pk=request.pk)

    return _file


@pytest.fixture
def rejected(case, file_request):
    """A request rejected by the audit: the IBAN given is the debtor's, not the creditor's."""
    from najiz.registries import services as registries

    return file_request(iban=registries.accounts_of(case.debtor)[0].iban)
