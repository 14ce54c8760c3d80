"""Shared fixtures `case` and `circuits` live in tests/conftest.py; here, what the filing form's
tests (pre-check, pickers) share. Reading a pre-check's answer: tests/precheck_html.py."""

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

