""""My tasks" on the home page: what waits for the signed-in person, each with its deadline, from
every service (a consent, an offer, an invoice, a motion to rule on, a note to accept)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from conveyance import services as conveyances
from einstruments import services as notes
from enforcement import motions, services
from enforcement.models import EnforcementRequest
from najiz.accounts.models import JUDGES_GROUP
from najiz.accounts.services import user_for_person
from najiz.common import clock
from tests.conveyance import helpers as sale_helpers
from tests.conveyance.helpers import file_sale
from tests.factories import registries as factories
from tests.factories.accounts import StaffUserFactory

pytestmark = pytest.mark.django_db


def tasks(client, user):
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    return page.context["tasks"], page.content.decode()


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number,
                                debtor_ids=[case.debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, user=case.user)
    return EnforcementRequest.objects.get(pk=draft.pk)


def test_the_debtor_is_to_pay_the_order_by_the_end_of_its_payment_period(client, case, issued):
    found, html = tasks(client, user_for_person(case.debtor))
    [task] = found  # the order and its invoice are one task
    assert task.url == reverse("enforcement:detail", args=[issued.number]) and task.due == issued.deadline
    assert task.number in html
    assert f'href="{task.url}"' in html and 'data-testid="my-tasks"' in html
    assert client.get(task.url).status_code == 200
    # the creditor has nothing to do
    assert tasks(client, case.user)[0] == []


def test_the_judge_is_to_rule_on_the_debtor_s_objection(client, case, issued, circuits):
    judge = StaffUserFactory()
    judge.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    issued.circuit.judges.add(judge)
    debtor = issued.debtors.get()
    motion = motions.file_objection(issued, user=user_for_person(case.debtor), debtor=debtor,
                                    grounds="paid_before_order", reference="TRX-1",
                                    statement="سددت المبلغ كاملا قبل صدور أمر التنفيذ")
    found, _html = tasks(client, judge)
    [task] = found
    assert task.url == reverse("supervision:decision", args=[motion.decision_id]) and task.number == issued.number
    assert client.get(task.url).status_code == 200
    other = StaffUserFactory()
    other.groups.add(Group.objects.get_or_create(name=JUDGES_GROUP)[0])
    assert tasks(client, other)[0] == []  # a judge of no circuit of the request


def test_the_buyer_is_to_answer_the_offer_before_it_expires(client, django_capture_on_commit_callbacks):
    sale = _sale()
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale)
    conveyance.refresh_from_db()
    found, html = tasks(client, sale.buyer_user)
    [task] = found
    assert task.url == reverse("conveyance:offer", args=[conveyance.number]) and task.due == conveyance.offer_expires_at
    assert sale.deed.number in task.what and timezone.localtime(task.due).date().isoformat() in html
    assert tasks(client, sale.seller_user)[0] == []


def test_the_other_heirs_are_to_consent_and_not_while_acting_for_a_company(client, django_capture_on_commit_callbacks):
    deceased = factories.PersonFactory(deceased=True)
    deed = factories.DeedFactory(owners=[deceased])
    heirs = factories.PersonFactory.create_batch(2)
    halves = [(heirs[0], Decimal("0.5")), (heirs[1], Decimal("0.5"))]
    heirs_deed = factories.HeirsDeedFactory(deceased=deceased, heirs=halves)
    for heir in heirs:
        factories.AccountFactory(person=heir, balance=Decimal("0.00"))
    buyer = factories.PersonFactory()
    factories.AccountFactory(person=buyer, balance=Decimal("0.00"))
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = conveyances.file(user=user_for_person(heirs[0]), capacity="heir", deed_number=deed.number,
                                      heirs_deed_number=heirs_deed.number, buyer_id=buyer.national_id,
                                      price=Decimal("500000.00"))
    conveyance.refresh_from_db()
    assert conveyance.status == "awaiting_consents"
    second = user_for_person(heirs[1])
    [task] = tasks(client, second)[0]
    assert task.url == reverse("conveyance:consent", args=[conveyance.number])
    assert task.due == conveyance.offer_expires_at
    [own] = tasks(client, user_for_person(heirs[0]))[0]  # the filer approves their filing by Nafath
    assert own.url == reverse("conveyance:consent", args=[conveyance.number])

    company = factories.EntityFactory(representatives=[heirs[1]])
    client.force_login(second)
    client.post(reverse("accounts:act_as"), {"entity": company.cr_number})
    assert client.get("/").context["tasks"] == []  # a personal consent is not the company's task


def test_the_creditor_is_to_accept_the_note_the_debtor_confirmed(client, circuits):
    from najiz.accounts import services as accounts

    debtor, creditor = factories.PersonFactory(), factories.PersonFactory()
    debtor_user, creditor_user = user_for_person(debtor), user_for_person(creditor)
    note = notes.issue_note(user=debtor_user, acting_entity=None, creditor=creditor, amount=Decimal("900.00"),
                            due_date=clock.today(), place="riyadh")
    [to_confirm] = tasks(client, debtor_user)[0]
    assert to_confirm.number == note.number and to_confirm.due is None
    challenge = notes.start_confirmation(note, user=debtor_user)
    accounts.answer_challenge(challenge.pk, challenge.number)
    notes.confirm_by_debtor(note, user=debtor_user)
    assert tasks(client, debtor_user)[0] == []
    [to_accept] = tasks(client, creditor_user)[0]
    assert to_accept.url == reverse("einstruments:detail", args=[note.number])
    notes.answer(note, user=creditor_user, acting_entity=None, accept=True)
    assert tasks(client, creditor_user)[0] == []


def test_nothing_waits_for_anyone_signed_out(client):
    page = client.get("/")
    assert page.context["tasks"] == [] and 'data-testid="my-tasks"' not in page.content.decode()


def _sale():
    class Sale:
        pass

    sale = Sale()
    sale.seller, sale.buyer = factories.PersonFactory(), factories.PersonFactory()
    factories.AccountFactory(person=sale.seller, balance=Decimal("0.00"))
    factories.AccountFactory(person=sale.buyer, balance=Decimal("900000.00"))
    sale.deed = factories.DeedFactory(owners=[sale.seller])
    sale.seller_user, sale.buyer_user = user_for_person(sale.seller), user_for_person(sale.buyer)
    return sale


def test_a_conveyance_s_invoice_is_the_buyer_s_to_pay_by_its_expiry(client, django_capture_on_commit_callbacks):
    sale = _sale()
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale)
    conveyance.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sale_helpers.accept_offer(conveyance, user=sale.buyer_user)
    conveyance.refresh_from_db()
    [task] = tasks(client, sale.buyer_user)[0]
    assert task.url == conveyance.invoice.get_absolute_url() and task.due == conveyance.invoice.expires_at
    assert task.due is not None and client.get(task.url).status_code == 200
