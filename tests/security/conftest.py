"""One small world with every kind of object the portal shows, and a signed-in client per persona.

Personas (the access matrix's columns):
  anonymous     nobody signed in
  creditor      filed the enforcement request; seller of the conveyance; holder of the e-note
  debtor        the request's debtor (invoice payer); buyer of the conveyance; issuer of the e-note
  other         a signed-in person with nothing to do with any of it
  entity_rep    a representative acting as an unrelated entity (own API token and webhook)
  judge         a judge of the circuit the request was referred to (jeddah-1)
  other_judge   a judge of other circuits (riyadh-1, riyadh-2)
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import Client

PERSONAS = ["anonymous", "creditor", "debtor", "other", "entity_rep", "judge", "other_judge"]


def make_judge(*circuits):
    from najiz.accounts.models import JUDGES_GROUP
    from tests.factories.accounts import StaffUserFactory

    judge = StaffUserFactory()
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    for circuit in circuits:
        circuit.judges.add(judge)
    return judge


def build_world(case, capture):
    """Everything in its usual state; tasks run in-process (eager) as the rest of the suite does."""
    from conveyance import services as conveyance
    from einstruments import services as notes
    from enforcement import services as enforcement
    from enforcement.models import EnforcementRequest
    from linkage import services as linkage
    from najiz.accounts import services as accounts
    from najiz.accounts.services import user_for_person
    from najiz.casefile.models import Decision
    from najiz.common import clock
    from notifications.models import Notification
    from payments import gateway, services as payments
    from payments.models import Invoice
    from tests.conveyance import helpers as sale_helpers
    from tests.factories import registries as factories

    w = SimpleNamespace(case=case)
    w.creditor, w.debtor = case.user, user_for_person(case.debtor)
    w.other = user_for_person(factories.PersonFactory(city="riyadh"))

    # an enforcement request at order_issued (jeddah-1), and a draft of the creditor
    draft = enforcement.save_draft(
        user=w.creditor,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("5000.00"),
        iban=case.account.iban,
    )
    with capture(execute=True):
        enforcement.submit(draft, user=w.creditor)
    w.request = EnforcementRequest.objects.get(pk=draft.pk)
    assert w.request.status == "order_issued", w.request.status
    w.draft = enforcement.save_draft(
        user=w.creditor,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("100.00"),
        iban=case.account.iban,
    )
    w.invoice = Invoice.objects.get(purpose_id=w.request.pk, amount=Decimal("5000.00"))
    with capture(execute=True):
        w.payment, _ = payments.record_gateway_payment(
            w.invoice, f"SEC{uuid.uuid4().hex[:12]}", Decimal("1000.00"), "mada"
        )
    w.invoice.refresh_from_db()
    w.gateway = gateway.start_session(w.invoice, Decimal("500.00"), user=w.debtor)
    w.decision = Decision.objects.filter(case_id=w.request.pk, step="audit").latest("pk")
    w.notification = Notification.objects.filter(recipient=w.debtor).latest("pk")

    # a conveyance: the creditor sells a deed to the debtor, waiting for the buyer's answer
    w.deed = factories.DeedFactory(owners=[case.creditor])
    with capture(execute=True):
        w.conveyance = conveyance.file(user=w.creditor, capacity="owner", deed_number=w.deed.number,
                                       buyer_id=case.debtor.national_id, price=Decimal("100000.00"))
    with capture(execute=True):  # the seller approves the filing by Nafath
        sale_helpers.give_consent(w.conveyance, user=w.creditor)
    w.conveyance.refresh_from_db()

    # an e-note issued by the debtor to the creditor, confirmed and accepted (active)
    with capture(execute=True):
        w.note = notes.issue_note(user=w.debtor, acting_entity=None, creditor=case.creditor, amount=Decimal("2000.00"),
                                  due_date=clock.today() + timedelta(days=30), place="riyadh")
        challenge = notes.start_confirmation(w.note, user=w.debtor)
        accounts.answer_challenge(challenge.pk, challenge.number)
        notes.confirm_by_debtor(w.note, user=w.debtor)
        notes.answer(w.note, user=w.creditor, acting_entity=None, accept=True)
    w.note.refresh_from_db()

    # an unrelated entity with its representative, an API token and a webhook
    w.entity = factories.EntityFactory(city="riyadh")
    rep = factories.PersonFactory(city="riyadh")
    factories.RepresentationFactory(entity=w.entity, person=rep)
    w.entity_rep = user_for_person(rep)
    w.token, w.secret = linkage.create_token(entity=w.entity, user=w.entity_rep, name="ERP")
    w.webhook = linkage.register_webhook(entity=w.entity, user=w.entity_rep, url="https://erp.example/hook")

    w.judge = make_judge(case.circuits["jeddah-1"])
    w.other_judge = make_judge(case.circuits["riyadh-1"], case.circuits["riyadh-2"])
    # a Nafath sign-in request waiting (the simulator answers it by pk)
    w.challenge = accounts.start_nafath_login(w.other.national_id)
    return w


@pytest.fixture
def world(case, django_capture_on_commit_callbacks):
    return build_world(case, django_capture_on_commit_callbacks)


def client_for(world, persona, **client_kwargs) -> Client:
    from najiz.accounts.sessions import ACTING_AS

    client = Client(**client_kwargs)
    if persona == "anonymous":
        return client
    client.force_login(getattr(world, persona))
    if persona == "entity_rep":
        session = client.session
        session[ACTING_AS] = world.entity.cr_number
        session.save()
    return client


@pytest.fixture
def clients(world):
    return {persona: client_for(world, persona) for persona in PERSONAS}
