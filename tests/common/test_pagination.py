"""najiz.common.pagination.page_of: the same pages as Django's Paginator over the whole rows."""

import pytest
from django.core.paginator import Paginator

from najiz.common.pagination import page_of
from najiz.registries.models import Person
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2, 3, "4", "last", "x", 0, 99])
def test_the_same_page_as_the_paginator(number):
    for _ in range(7):
        factories.PersonFactory()
    queryset = Person.objects.order_by("-national_id")
    expected = Paginator(queryset, 3).get_page(number)
    page = page_of(queryset, number, 3)
    assert page.number == expected.number and page.paginator.num_pages == expected.paginator.num_pages
    assert list(page.object_list) == list(expected.object_list)
    assert page.has_next() == expected.has_next() and page.start_index() == expected.start_index()


def test_an_empty_list_is_one_empty_page():
    page = page_of(Person.objects.none(), "2", 5)
    assert page.number == 1 and list(page.object_list) == []
