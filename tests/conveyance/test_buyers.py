"""Several buyers with exact shares, each accepting by Nafath; the filing seller's own Nafath
approval; an owner selling their share alone; and the bad lists of buyers refused before anything
is recorded."""

import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from conveyance import selectors, services
from conveyance.models import Buyer, Conveyance
from conveyance.states import Status
from najiz.accounts import services as accounts
from najiz.accounts.services import user_for_person
from najiz.registries import services as registries
from notifications.models import Notification
from payments import services as payments
from payments.models import Disbursement, Invoice, LedgerEntry
from tests.factories import registries as factories

from .helpers import accept_offer, approve, file_sale, give_consent, pay_tax, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def couple(sale):
    """The sale's seller and deed, and a second buyer (spouses buying together)."""
    sale.spouse = factories.PersonFactory()
    sale.spouse_account = factories.AccountFactory(person=sale.spouse, balance=Decimal("900000.00"))
    sale.spouse_user = user_for_person(sale.spouse)
    return sale


def _balance(account):
    account.refresh_from_db()
    return account.balance


def _ledger_total():
    return LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]


def _tax_paid_out(conveyance):
    """The tax the authority's bank account received once the deed transferred; nothing is left
    held for it in the ledger."""
    assert payments.balance(f"tax_authority:{conveyance.tax_number}") == Decimal("0.00")
    return _balance(registries.tax_authority_account())


def _pay_bill(invoice, amount=None):
    payments.record_gateway_payment(invoice, f"TXN-{uuid.uuid4().hex[:12]}", amount or invoice.amount, "mada")


def _owners(deed):
    return sorted((row.person.national_id, row.share_label) for row in registries.deed(deed.number).owner_rows.all())


def _two_buyers(case, shares=("2/3", "1/3"), **extra):
    return [(case.buyer.national_id, shares[0]), (case.spouse.national_id, shares[1])]


# --- the filing seller approves by Nafath -----------------------------------------------------


def test_a_filing_goes_to_the_buyer_only_once_the_seller_approved_it_by_nafath(sale, run):
    conveyance = reload(run(file_sale, sale, approve=False))
    assert conveyance.status == Status.AWAITING_CONSENTS
    mine = conveyance.consents.get()
    assert mine.person == sale.seller and mine.answer == "pending" and mine.approved_at is None
    assert Notification.objects.filter(recipient=sale.seller_user, kind="conveyance.approve_filing").exists()
    with pytest.raises(services.ConveyanceError) as refused:  # no Nafath request at all
        services.answer_consent(conveyance, user=sale.seller_user, accept=True)
    assert refused.value.code == "nafath"
    challenge = services.start_approval(reload(conveyance), user=sale.seller_user)
    assert challenge.act_en == (f"Approve the sale of deed {sale.deed.number} for SAR 1,200,000.00 - conveyance "
                                f"{conveyance.number}")
    assert f"الموافقة على بيع العقار بالصك رقم {sale.deed.number} بمبلغ 1,200,000.00 ر.س" in challenge.act_ar
    with translation.override("en"):  # "my tasks" names it the seller's own approval
        tasks = selectors.tasks_for(sale.seller_user)
    assert [task.what for task in tasks] == [f"Approve your sale of deed {sale.deed.number} by Nafath"]
    with pytest.raises(services.ConveyanceError):  # requested, not yet confirmed in the Nafath app
        services.answer_consent(reload(conveyance), user=sale.seller_user, accept=True)
    wrong = 10 if challenge.number != 10 else 11
    accounts.answer_challenge(challenge.pk, wrong)
    with pytest.raises(services.ConveyanceError):  # the wrong number chosen
        services.answer_consent(reload(conveyance), user=sale.seller_user, accept=True)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_CONSENTS and conveyance.consents.get().answer == "pending"
    assert not Notification.objects.filter(recipient=sale.buyer_user, kind="conveyance.offer").exists()
    run(give_consent, conveyance, user=sale.seller_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_BUYER and conveyance.consents.get().approved_at is not None
    assert Notification.objects.filter(recipient=sale.buyer_user, kind="conveyance.offer").exists()


def test_an_agent_approves_the_principals_consent_by_their_own_nafath(sale, run):
    agent = factories.PersonFactory()
    agent_user = user_for_person(agent)
    poa = factories.PowerOfAttorneyFactory(principal=sale.seller, agent=agent)
    conveyance = reload(run(file_sale, sale, capacity="agent", user=agent_user, poa_number=poa.number,
                            approve=False))
    consent = conveyance.consents.get()
    assert consent.person == sale.seller and consent.through_agent and consent.user == agent_user
    with pytest.raises(services.ConveyanceError):
        services.answer_consent(conveyance, user=agent_user, accept=True)
    run(give_consent, conveyance, user=agent_user)
    assert reload(conveyance).status == Status.AWAITING_BUYER


# --- several buyers ---------------------------------------------------------------------------


def test_two_buyers_each_pay_their_share_and_the_new_deed_lists_both(couple, run, client):
    c = couple
    conveyance = reload(run(file_sale, c, price="1000000.01", buyers=_two_buyers(c)))
    assert conveyance.status == Status.AWAITING_BUYER
    assert [(b.person, b.share_label) for b in conveyance.buyers.all()] == [(c.buyer, "2/3"), (c.spouse, "1/3")]
    record = registries.tax_transaction(conveyance.tax_number)
    assert record.buyer_ids == [c.buyer.national_id, c.spouse.national_id]
    assert conveyance.tax_amount == Decimal("50000.00")
    for user in (c.buyer_user, c.spouse_user):
        assert Notification.objects.filter(recipient=user, kind="conveyance.offer").exists()
    client.force_login(c.spouse_user)
    page = client.get(reverse("conveyance:offer", args=[conveyance.number])).content.decode()
    assert 'data-testid="buyers"' in page and "2/3" in page and "1/3" in page

    run(accept_offer, conveyance, user=c.buyer_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_BUYER and conveyance.invoice is None  # the spouse not yet
    with pytest.raises(services.ConveyanceError):  # a second answer from the same buyer
        services.answer_offer(conveyance, user=c.buyer_user, accept=True)
    with pytest.raises(services.ConveyanceError) as refused:  # a button without Nafath
        services.answer_offer(conveyance, user=c.spouse_user, accept=True)
    assert refused.value.code == "nafath"
    run(accept_offer, conveyance, user=c.spouse_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_PAYMENT and conveyance.buyer_approved_at is not None
    first, second = conveyance.buyers.order_by("id")
    assert (first.invoice.amount, second.invoice.amount) == (Decimal("666666.67"), Decimal("333333.34"))
    assert (first.invoice.payer_id_number, second.invoice.payer_id_number) == (
        c.buyer.national_id, c.spouse.national_id)
    assert conveyance.invoice == first.invoice
    page = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    pay_link = page.split('data-testid="pay-link"')[1].split(">")[0]  # each buyer pays their own bill
    assert second.invoice.bill_number in pay_link

    run(pay_tax, conveyance)
    run(_pay_bill, first.invoice)
    assert reload(conveyance).status == Status.AWAITING_PAYMENT  # one part is not the price
    run(_pay_bill, second.invoice)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _owners(conveyance.new_deed) == sorted([(c.buyer.national_id, "2/3"), (c.spouse.national_id, "1/3")])
    assert _balance(c.seller_account) == Decimal("1000000.01")
    assert _tax_paid_out(conveyance) == conveyance.tax_amount == Decimal("50000.00")
    assert payments.held_for(conveyance) == Decimal("0.00")
    assert _ledger_total() == 0
    for user in (c.buyer_user, c.spouse_user):
        assert Notification.objects.filter(recipient=user, kind="conveyance.new_deed").exists()
        client.force_login(user)
        assert client.get(reverse("conveyance:deed_pdf", args=[conveyance.new_deed.number])).status_code == 200
    body = client.get(f"/api/v1/conveyances/{conveyance.number}").json()
    assert [(b["share"], b["answer"], b["approved_by_nafath"]) for b in body["buyers"]] == [
        ("2/3", "accepted", True), ("1/3", "accepted", True)]


def test_the_first_buyer_may_pay_the_whole_price(couple, run):
    c = couple
    conveyance = run(file_sale, c, price="800000.00", buyers=_two_buyers(c, ("1/2", "1/2")), buyers_pay="first",
                     tax_payer="buyer")
    run(accept_offer, conveyance, user=c.spouse_user)
    run(accept_offer, conveyance, user=c.buyer_user)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.AWAITING_PAYMENT
    assert Invoice.objects.filter(purpose_id=conveyance.pk, amount=Decimal("800000.00")).count() == 1
    assert conveyance.invoice.payer_id_number == c.buyer.national_id
    assert conveyance.buyers.filter(invoice__isnull=False).count() == 1
    assert conveyance.tax_invoice.payer_id_number == c.buyer.national_id  # the buyer named first pays the tax
    run(pay_tax, conveyance)
    run(_pay_bill, conveyance.invoice)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _owners(conveyance.new_deed) == sorted([(c.buyer.national_id, "1/2"), (c.spouse.national_id, "1/2")])
    assert _tax_paid_out(conveyance) == Decimal("40000.00") and _ledger_total() == 0


def test_one_buyer_declining_declines_the_offer(couple, run):
    c = couple
    conveyance = run(file_sale, c, buyers=_two_buyers(c))
    run(accept_offer, conveyance, user=c.buyer_user)
    run(services.answer_offer, reload(conveyance), user=c.spouse_user, accept=False)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.DECLINED and conveyance.invoice is None
    assert registries.deed(c.deed.number).status == "active"


def test_a_rejection_at_the_transfer_refunds_each_buyer_their_part(couple, run):
    c = couple
    conveyance = run(file_sale, c, price="300000.00", buyers=_two_buyers(c, ("1/2", "1/2")))
    run(accept_offer, conveyance, user=c.buyer_user)
    run(accept_offer, conveyance, user=c.spouse_user)
    registries.place_seizure(c.deed, by="محكمة التنفيذ بالرياض", ref="EN-2025-000778")
    first, second = reload(conveyance).buyers.order_by("id")
    run(pay_tax, conveyance)
    run(_pay_bill, first.invoice)
    run(_pay_bill, second.invoice)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert _balance(c.buyer_account) == _balance(c.spouse_account) == Decimal("1050000.00")  # each their part
    assert sorted(d.amount for d in Disbursement.objects.filter(kind="refund", ref__contains="/refund/")) == [
        Decimal("150000.00"), Decimal("150000.00")]
    assert payments.held_for(conveyance) == Decimal("0.00") and _ledger_total() == 0


# --- a share sold alone -----------------------------------------------------------------------


@pytest.fixture
def co_owned(db):
    """A deed of three owners: 1/2, 1/3, 1/6; the half's owner sells; two buyers."""
    c = type("Case", (), {})()
    c.owners = factories.PersonFactory.create_batch(3)
    c.accounts = [factories.AccountFactory(person=p, balance=Decimal("0.00")) for p in c.owners]
    c.deed = factories.DeedFactory(owners=list(zip(c.owners, ["1/2", "1/3", "1/6"], strict=True)))
    c.seller, c.seller_user = c.owners[0], user_for_person(c.owners[0])
    c.buyer, c.spouse = factories.PersonFactory.create_batch(2)
    for buyer in (c.buyer, c.spouse):
        factories.AccountFactory(person=buyer, balance=Decimal("900000.00"))
    c.buyer_user, c.spouse_user = user_for_person(c.buyer), user_for_person(c.spouse)
    return c


def test_a_co_owner_sells_their_share_alone_and_the_others_keep_theirs(co_owned, run):
    c = co_owned
    conveyance = reload(run(file_sale, c, price="600000.00", share_only=True, buyers=_two_buyers(c, ("1/2", "1/2"))))
    assert conveyance.share_only and [x.person for x in conveyance.consents.all()] == [c.seller]
    assert conveyance.status == Status.AWAITING_BUYER  # the other owners are not asked: their shares stay
    run(accept_offer, conveyance, user=c.buyer_user)
    run(accept_offer, conveyance, user=c.spouse_user)
    run(pay_tax, conveyance)
    for buyer in reload(conveyance).buyers.all():
        run(_pay_bill, buyer.invoice)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _owners(conveyance.new_deed) == sorted([
        (c.owners[1].national_id, "1/3"), (c.owners[2].national_id, "1/6"),
        (c.buyer.national_id, "1/4"), (c.spouse.national_id, "1/4"),
    ])
    assert [_balance(a) for a in c.accounts] == [Decimal("600000.00"), Decimal("0.00"), Decimal("0.00")]
    assert registries.deed(c.deed.number).status == "closed"
    assert _tax_paid_out(conveyance) == Decimal("30000.00") and _ledger_total() == 0


def test_a_co_owner_may_buy_another_owners_share(co_owned, run):
    c = co_owned
    conveyance = run(file_sale, c, price="500000.00", share_only=True, buyer_id=c.owners[2].national_id)
    conveyance = run(accept_offer, reload(conveyance), user=user_for_person(c.owners[2]))
    run(pay_tax, conveyance)
    run(_pay_bill, reload(conveyance).invoice)
    conveyance = reload(conveyance)
    assert conveyance.status == Status.COMPLETED
    assert _owners(conveyance.new_deed) == sorted([(c.owners[1].national_id, "1/3"),
                                                   (c.owners[2].national_id, "2/3")])


# --- bad lists of buyers ----------------------------------------------------------------------


def _form(case, **fields):
    return {"capacity": "owner", "deed_number": case.deed.number, "buyer_id": case.buyer.national_id,
            "price": "900000", "payment_method": "mada", "tax_payer": "seller", **fields}


@pytest.mark.parametrize("fields, message", [
    ({"buyer_share": "1/2", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": "1/3"}, "تساوي الكل"),
    ({"buyer_share": "1", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": "0"}, "كسر أكبر من الصفر"),
    ({"buyer_share": "3/2", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": "-1/2"}, "كسر أكبر من الصفر"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": ""}, "أدخل حصة"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "BUYER", "co_buyer_share_1": "1/2"}, "مرتين"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "SELLER", "co_buyer_share_1": "1/2"}, "بائع"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": "1/2\x00"}, ""),  # NUL: the input guard
    ({"buyer_share": "1/2", "co_buyer_id_1": "SPOUSE", "co_buyer_share_1": "1" * 40}, "20"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "1" * 40, "co_buyer_share_1": "1/2"}, "10"),
    ({"buyer_share": "1/2", "co_buyer_id_1": "1234567890", "co_buyer_share_1": "1/2"}, "رقم هوية"),
    ({"buyers_pay": "nobody"}, "كيف يدفع"),
])
def test_a_bad_list_of_buyers_is_refused_with_a_message_and_nothing_moves(couple, client, fields, message):
    c = couple
    ids = {"SPOUSE": c.spouse.national_id, "BUYER": c.buyer.national_id, "SELLER": c.seller.national_id}
    fields = {k: ids.get(v, v) for k, v in fields.items()}
    client.force_login(c.seller_user)
    response = client.post(reverse("conveyance:new"), _form(c, **fields))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page or message in page.lower()
    assert not Conveyance.objects.exists() and not Buyer.objects.exists()
    assert registries.deed(c.deed.number).status == "active"


@pytest.mark.parametrize("buyers, code", [
    ([("B", "1/2"), ("S", "1/3")], "buyer_share"),
    ([("B", "1"), ("S", "0")], "buyer_share"),
    ([("B", "1/2"), ("S", "-1/2")], "buyer_share"),
    ([("B", "1/2"), ("B", "1/2")], "buyer_id"),
    ([("B", "1/2"), ("X", "1/2")], "buyer_id"),
    ([("B", "1/2"), ("S", "1/2\x00")], "buyer_share"),
    ([("B", "1/2"), ("S\x00", "1/2")], "buyer_id"),
    ([("B", "1/2"), ("S", "1/" + "2" * 30)], "buyer_share"),
    ([("B", "1/4")] * 2 + [("S", "1/4"), ("X", "1/8"), ("Y", "1/8")], "buyers"),
    ([("B", "1/3")], "buyer_share"),
])
def test_the_filing_service_refuses_a_bad_list_too(couple, buyers, code):
    c = couple
    ids = {"B": c.buyer.national_id, "S": c.spouse.national_id, "X": c.seller.national_id,
           "Y": factories.PersonFactory().national_id}
    typed = [("".join(ids.get(ch, ch) for ch in id_), share) for id_, share in buyers]
    with pytest.raises(services.ConveyanceError) as refused:
        services.file(user=c.seller_user, capacity="owner", deed_number=c.deed.number, price=Decimal("900000"),
                      buyers=typed)
    assert refused.value.code == code and str(refused.value.message)
    assert not Conveyance.objects.exists()


def test_an_heir_cannot_sell_a_share_alone(heirs_case):
    c = heirs_case
    with pytest.raises(services.ConveyanceError) as refused:
        services.file(user=c.users[0], capacity="heir", deed_number=c.deed.number,
                      heirs_deed_number=c.heirs_deed.number, buyer_id=c.buyer.national_id, price=Decimal("900000"),
                      share_only=True)
    assert refused.value.code == "share_only" and not Conveyance.objects.exists()


def test_filing_two_buyers_through_the_form(couple, client, django_capture_on_commit_callbacks):
    c = couple
    client.force_login(c.seller_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conveyance:new"), _form(
            c, buyer_share="١/٢", co_buyer_id_1=c.spouse.national_id, co_buyer_share_1="1/2", buyers_pay="each"))
    assert response.status_code == 302
    conveyance = Conveyance.objects.get()
    assert [(b.person, b.share_label) for b in conveyance.buyers.all()] == [(c.buyer, "1/2"), (c.spouse, "1/2")]
    assert conveyance.status == Status.AWAITING_CONSENTS
    approve(conveyance, c.seller_user)
    assert services.answer_consent(reload(conveyance), user=c.seller_user, accept=True).status == Status.AWAITING_BUYER


def test_the_eligibility_rules_check_every_buyer(sale, run):
    from .helpers import failed_rules

    deceased, without_account = factories.PersonFactory(deceased=True), factories.PersonFactory()
    conveyance = run(file_sale, sale, buyers=[(sale.buyer.national_id, "1/3"), (deceased.national_id, "1/3"),
                                              (without_account.national_id, "1/3")])
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert set(failed_rules(conveyance)) == {"buyer_alive", "buyer_has_account"}
