"""Pages of long lists read through their index.

`OFFSET n` makes PostgreSQL read and drop the n rows before the page. Read whole, each of them is
a visit to the table, which on a large table is mostly not in memory: page 100 of a list of
20-row pages reads 2,000 table rows to show 20. `page_of` first reads the page's primary keys
alone, which the list's index answers without the table (an index-only scan), then those rows
by primary key.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """Page `number` of `queryset` (Paginator.get_page's lenient numbering), its rows in the
    queryset's order with its select_related and prefetch_related applied."""
    keys = queryset.prefetch_related(None).values_list("pk", flat=True)
    page = Paginator(keys, per_page).get_page(number)
    ids = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
