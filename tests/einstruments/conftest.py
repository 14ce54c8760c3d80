from datetime import timedelta
from decimal import Decimal

import pytest

from einstruments import services
from najiz.accounts import services as accounts
from najiz.accounts.services import user_for_person
from najiz.common import clock
from tests.factories import registries as factories


class Parties:
    pass


@pytest.fixture
def parties(db, circuits):
    p = Parties()
    p.debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
    p.creditor = factories.PersonFactory(city="riyadh")
    p.guarantor = factories.PersonFactory(city="riyadh")
    p.endorsee = factories.PersonFactory(city="riyadh")
    p.stranger = factories.PersonFactory(city="riyadh")
    p.creditor_account = factories.AccountFactory(person=p.creditor)
    p.endorsee_account = factories.AccountFactory(person=p.endorsee)
    factories.AccountFactory(person=p.debtor, balance=Decimal("100.00"))
    for name in ("debtor", "creditor", "guarantor", "endorsee", "stranger"):
        setattr(p, f"{name}_user", user_for_person(getattr(p, name)))
    return p


def issue(p, *, amount="5000.00", days=30, guarantor=None):
    return services.issue_note(
        user=p.debtor_user, acting_entity=None, creditor=p.creditor, amount=Decimal(amount),
        due_date=clock.today() + timedelta(days=days), place="riyadh", guarantor=guarantor,
    )


def confirm(note, user):
    """The debtor picks the right number in the Nafath app, then the note's page sees it."""
    challenge = services.start_confirmation(note, user=user)
    accounts.answer_challenge(challenge.pk, challenge.number)
    return services.confirm_by_debtor(note, user=user)


def active_note(p, **kwargs):
    note = issue(p, **kwargs)
    confirm(note, p.debtor_user)
    services.answer(note, user=p.creditor_user, acting_entity=None, accept=True)
    note.refresh_from_db()
    return note
