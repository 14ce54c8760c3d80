import json
from decimal import Decimal

import pytest

from linkage import services
from najiz.accounts.services import user_for_person
from tests.factories import registries as factories


class Entity:
    pass


def make_entity(amount=Decimal("8000.00")):
    """An entity creditor, its representative (with a portal account), a debtor, a due cheque
    naming the entity as creditor, the entity's bank account and an API token."""
    e = Entity()
    e.entity = factories.EntityFactory(city="riyadh")
    e.rep = factories.PersonFactory(city="riyadh")
    factories.RepresentationFactory(entity=e.entity, person=e.rep)
    e.user = user_for_person(e.rep)
    e.debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    e.instrument = factories.InstrumentFactory(
        creditor_entity=e.entity, creditor_person=None, debtors=[e.debtor], amount=amount, kind="cheque"
    )
    e.account = factories.EntityAccountFactory(entity=e.entity)
    e.token, e.secret = services.create_token(entity=e.entity, user=e.user, name="ERP")
    return e


@pytest.fixture
def ent(db, circuits):
    return make_entity()


@pytest.fixture
def other(db, circuits):
    return make_entity()


def filing(e, **overrides):
    body = {
        "instrument_number": e.instrument.number,
        "debtor_ids": [e.debtor.national_id],
        "amount": "5000.00",
        "iban": e.account.iban,
    }
    body.update(overrides)
    return body


class Api:
    """A JSON client for /api/v1/ with an entity's token."""

    def __init__(self, client, secret=None):
        self.client, self.secret = client, secret

    def _headers(self, headers):
        extra = {}
        if self.secret:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        return extra

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(headers))

    def post(self, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data=data, content_type="application/json", **self._headers(headers))


@pytest.fixture
def local_receivers(settings):
    """Webhooks may go to 127.0.0.1, where these tests run their receivers."""
    settings.LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def api_for(client):
    return lambda e: Api(client, e.secret)
