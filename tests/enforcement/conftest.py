"""Shared fixtures `case` and `circuits` live in tests/conftest.py; here, what the filing form's
tests (pre-check, pickers) share."""

import re
from decimal import Decimal

import pytest


@pytest.fixture
def creditor_client(client, case):
    """The case's creditor signed in, reading the portal in English (the rules' words)."""
    client.force_login(case.user)
    client.cookies["najiz_language"] = "en"
    return client


@pytest.fixture
def earlier_request(case, django_capture_on_commit_callbacks):
    """`earlier_request(amount)`: the creditor files a request on the case's instrument first (its
    automatic steps run too, unless `run=False`)."""
    from enforcement import services

    def file(amount: str, *, run: bool = True):
        earlier = services.save_draft(
            user=case.user, acting_entity=None, instrument_number=case.instrument.number,
            debtor_ids=[case.debtor.national_id], amount=Decimal(amount), iban=case.account.iban,
        )
        with django_capture_on_commit_callbacks(execute=run):
            return services.submit(earlier, user=case.user)

    return file


def blockers_of(html, field) -> str:
    """The pre-check's blockers beside `field` ("" when none)."""
    found = re.search(rf'<div id="{field}-blockers"[^>]*>(.*?)</div>', html, re.S)
    assert found, f"no blockers region for {field}"
    return found.group(1)


def count_of(html) -> int:
    """The blocker count on the submit button (0 when it shows none)."""
    found = re.search(r'data-blocker-count="(\d+)"', html)
    return int(found.group(1)) if found else 0
