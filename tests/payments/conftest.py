import itertools
from decimal import Decimal

import pytest

from najiz.registries import services as registries
from payments import callbacks, services
from tests.factories.accounts import UserFactory
from tests.factories.registries import AccountFactory, InstrumentFactory, PersonFactory

_txn_numbers = itertools.count(1)


def new_txn_id() -> str:
    return f"TEST{next(_txn_numbers):010d}"


def signed(payload: dict) -> tuple[bytes, str]:
    body = callbacks.encode(payload)
    return body, callbacks.signature(body)


def post_callback(client, payload: dict, *, signature: str | None = None, body: bytes | None = None):
    raw, good = signed(payload) if body is None else (body, callbacks.signature(body))
    headers = {}
    if signature is not False:
        headers["HTTP_X_GATEWAY_SIGNATURE"] = good if signature is None else signature
    return client.post("/payments/callback/", data=raw, content_type="application/json", **headers)


@pytest.fixture
def payer_person(db):
    return PersonFactory()


@pytest.fixture
def payer(payer_person):
    """A portal user who is also in the civil registry, with a bank account."""
    user = UserFactory(national_id=payer_person.national_id, name_ar=payer_person.name_ar, name_en=payer_person.name_en)
    AccountFactory(person=payer_person)
    return user


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def case(db):
    """A purpose to bill for: an instrument stands in for an enforcement request (it has a number)."""
    return InstrumentFactory()


@pytest.fixture
def make_invoice(payer, case):
    def _make(amount="1000.00", *, allow_partial=True, purpose=None, **kwargs):
        return services.create_invoice(
            purpose=purpose or case,
            payer=payer,
            amount=amount,
            allow_partial=allow_partial,
            description_ar="فاتورة طلب التنفيذ",
            description_en="Enforcement request invoice",
            **kwargs,
        )

    return _make


@pytest.fixture
def creditor_account(db):
    return AccountFactory(balance=Decimal("0.00"))


@pytest.fixture
def trust(db):
    return registries.court_trust_account()
