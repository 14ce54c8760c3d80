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


def _queries_of_page(client, number):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("enforcement:list"), {"page": number})
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries if "enforcement_enforcementrequest" in q["sql"]]


def test_a_later_page_skips_the_earlier_rows_by_their_keys_alone(case, client):
    """The OFFSET is applied to a query of the keys alone, which the list's index answers without
    reading the table; the page's own rows are then read by key."""
    debtor = factories.PersonFactory()
    made = [make(case.user, case.creditor, debtor, status="order_issued") for _ in range(23)]
    client.force_login(case.user)
    response, queries = _queries_of_page(client, 2)
    offset = [sql for sql in queries if "OFFSET" in sql]
    keys_only = 'SELECT "enforcement_enforcementrequest"."id" AS "pk" FROM'
    assert len(offset) == 1 and offset[0].startswith(keys_only), offset
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a few rows sort cheaply; a large table's would not
    plan = _plan(selectors.filed_by(case.user).prefetch_related(None).values_list("pk", flat=True)[20:40])
    assert "Index Only Scan using request_filed_newest" in plan and "Sort" not in plan, plan
    shown = [row["request"] for row in response.context["rows"]]
    assert shown == sorted(made, key=lambda r: (r.created_at, r.pk), reverse=True)[20:]
    assert all("_prefetched_objects_cache" in vars(r) for r in shown)  # the debtors came with the page
