from decimal import Decimal

import pytest

from enforcement.models import Circuit
from najiz.accounts.services import user_for_person
from najiz.registries import factories


@pytest.fixture
def circuits(db):
    return {
        code: Circuit.objects.create(code=code, name_ar=f"دائرة {code}", name_en=f"Circuit {code}", court_ar="محكمة التنفيذ",
                                     court_en="Enforcement Court", city=city)
        for code, city in [("riyadh-1", "riyadh"), ("riyadh-2", "riyadh"), ("jeddah-1", "jeddah")]
    }


@pytest.fixture
def case(db, circuits):
    """A creditor with an account, a debtor (with e-mail and mobile), and a valid, due cheque."""
    creditor = factories.PersonFactory(city="riyadh")
    debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    instrument = factories.InstrumentFactory(creditor_person=creditor, debtors=[debtor], amount=Decimal("8000.00"),
                                             kind="cheque")
    account = factories.AccountFactory(person=creditor)
    debtor_account = factories.AccountFactory(person=debtor, balance=Decimal("3000.00"))

    class Case:
        pass

    c = Case()
    c.creditor, c.debtor, c.instrument, c.account, c.debtor_account = creditor, debtor, instrument, account, debtor_account
    c.user = user_for_person(creditor)
    c.circuits = circuits
    return c
