"""The request lists read a page from an index in the list's own order: the cost of "my requests"
does not grow with the table (make bench, scenario d, at 1,000,000 and 10,000,000 requests)."""

import pytest
from django.db import connection

from enforcement import selectors
from tests.factories import registries as factories

from .test_dashboard import make

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is a few rows: ask as a big one would
    return queryset.explain()


@pytest.mark.parametrize("page", [0, 99])
def test_my_requests_are_read_from_an_index_in_their_order(case, page):
    debtor = factories.PersonFactory()
    for _ in range(3):
        make(case.user, case.creditor, debtor, status="order_issued")
    plan = _plan(selectors.filed_by(case.user)[page * 20:page * 20 + 20])
    assert "request_filed_newest" in plan and "Sort" not in plan, plan


def test_an_entitys_requests_are_read_from_an_index_in_their_order(case):
    entity = factories.EntityFactory()
    make(case.user, case.creditor, factories.PersonFactory(), status="order_issued", entity=entity)
    plan = _plan(selectors.filed_by(case.user, entity)[:20])
    assert "request_entity_newest" in plan and "Sort" not in plan, plan
