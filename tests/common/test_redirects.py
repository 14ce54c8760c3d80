import pytest
from django.test import RequestFactory

from najiz.common.redirects import safe_next


@pytest.mark.parametrize(
    "candidate, expected",
    [
        ("/enforcement/", "/enforcement/"),
        ("http://testserver/enforcement/", "http://testserver/enforcement/"),
        ("0", None), ("home", None), ("", None), (None, None),
        ("//evil.example/", None), ("https://evil.example/", None), ("/\\evil.example", None),
        ("javascript:alert(1)", None),
    ],
)
def test_only_places_on_this_site_are_allowed(candidate, expected):
    assert safe_next(RequestFactory().get("/"), candidate) == expected
