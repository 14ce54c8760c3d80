"""Access follows representation: once a person no longer represents an entity, every URL and
action of the entity's cases answers 404 to them, in the browser and through the API, whether they
filed the case themselves, through the entity's API token, or not at all.

The world: entity E with two representatives, `rep` (who is removed) and `colleague` (who stays).
E's cases: a request `rep` filed acting as E, a request filed with `rep`'s API token, a request
against E (its invoice is E's to pay), a draft of E's, a note `rep` issued for E, a note issued to E
and accepted by `rep` for it, and a conveyance naming E as buyer.
"""

import json
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def acting_client(user, entity=None) -> Client:
    from najiz.accounts.sessions import ACTING_AS

    client = Client()
    client.force_login(user)
    if entity is not None:
        session = client.session
        session[ACTING_AS] = entity.cr_number
        session.save()
    return client


@pytest.fixture
def ent(case, django_capture_on_commit_callbacks):
    from conveyance import services as conveyance
    from einstruments import services as notes
    from enforcement import services as enforcement
    from enforcement.models import EnforcementRequest
    from linkage import services as linkage
    from najiz.accounts import services as accounts
    from najiz.accounts.services import user_for_person
    from najiz.common import clock
    from payments import services as payments
    from payments.models import Invoice
    from tests.factories import registries as factories

    capture = django_capture_on_commit_callbacks
    e = SimpleNamespace()
    e.entity = factories.EntityFactory(city="riyadh")
    rep, colleague = factories.PersonFactory(city="riyadh"), factories.PersonFactory(city="riyadh")
    factories.RepresentationFactory(entity=e.entity, person=rep)
    factories.RepresentationFactory(entity=e.entity, person=colleague)
    e.rep, e.colleague = user_for_person(rep), user_for_person(colleague)
    e.debtor = user_for_person(case.debtor)
    account = factories.EntityAccountFactory(entity=e.entity)
    e.token, e.secret = linkage.create_token(entity=e.entity, user=e.rep, name="ERP")

    def file(user, acting_entity, instrument, debtor_ids, iban):
        draft = enforcement.save_draft(user=user, acting_entity=acting_entity, instrument_number=instrument.number,
                                       debtor_ids=debtor_ids, amount=Decimal("1000.00"), iban=iban)
        with capture(execute=True):
            enforcement.submit(draft, user=user)
        filed = EnforcementRequest.objects.get(pk=draft.pk)
        assert filed.status == "order_issued", filed.status
        return filed

    # filed by rep acting as E, with an invoice part paid (a receipt)
    instrument = factories.InstrumentFactory(creditor_person=None, creditor_entity=e.entity, debtors=[case.debtor],
                                             amount=Decimal("8000.00"), kind="cheque")
    e.filed = file(e.rep, e.entity, instrument, [case.debtor.national_id], account.iban)
    e.invoice = Invoice.objects.get(purpose_id=e.filed.pk)
    with capture(execute=True):
        e.payment, _ = payments.record_gateway_payment(e.invoice, "REP-ENDS-1", Decimal("100.00"), "mada")
    e.draft = enforcement.save_draft(user=e.rep, acting_entity=e.entity, instrument_number=instrument.number)

    # filed through rep's token
    instrument = factories.InstrumentFactory(creditor_person=None, creditor_entity=e.entity, debtors=[case.debtor],
                                             amount=Decimal("8000.00"), kind="cheque")
    with capture(execute=True):
        response = Client().post(
            "/api/v1/requests", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {e.secret}",
            data=json.dumps({"instrument_number": instrument.number, "debtor_ids": [case.debtor.national_id],
                             "amount": "1000.00", "iban": account.iban}),
        )
    assert response.status_code == 201, response.content
    e.by_token = EnforcementRequest.objects.get(number=response.json()["number"])
    assert e.by_token.filed_by == e.rep

    # against E: the invoice is E's
    instrument = factories.InstrumentFactory(
        creditor_person=case.creditor, debtors=[e.entity], amount=Decimal("8000.00"), kind="cheque"
    )
    e.against = file(case.user, None, instrument, [e.entity.cr_number], case.account.iban)
    e.entity_invoice = Invoice.objects.get(purpose_id=e.against.pk)
    assert e.entity_invoice.payer_id_number == e.entity.cr_number

    # a note rep issued for E (waiting for confirmation), and a note issued to E that rep accepted for it
    due = clock.today() + timedelta(days=30)
    e.issued = notes.issue_note(user=e.rep, acting_entity=e.entity, creditor=case.creditor, amount=Decimal("500.00"),
                                due_date=due, place="riyadh")
    with capture(execute=True):
        e.held = notes.issue_note(user=e.debtor, acting_entity=None, creditor=e.entity, amount=Decimal("700.00"),
                                  due_date=due, place="riyadh")
        challenge = notes.start_confirmation(e.held, user=e.debtor)
        accounts.answer_challenge(challenge.pk, challenge.number)
        notes.confirm_by_debtor(e.held, user=e.debtor)
        notes.answer(e.held, user=e.rep, acting_entity=e.entity, accept=True)
    e.held.refresh_from_db()
    assert e.held.status == "active", e.held.status

    # a conveyance naming E as buyer
    deed = factories.DeedFactory(owners=[case.creditor])
    with capture(execute=True):
        e.conveyance = conveyance.file(user=case.user, capacity="owner", deed_number=deed.number,
                                       buyer_id=e.entity.cr_number, price=Decimal("100000.00"))
    return e


def case_gets(e) -> list[str]:
    urls = []
    for filed in (e.filed, e.by_token):
        urls += [
            reverse(f"enforcement:{name}", args=[filed.number])
            for name in ("detail", "timeline", "order_pdf", "report_pdf")
        ]
    urls += [reverse("enforcement:detail", args=[e.against.number]),
             reverse("enforcement:invoice_pdf", args=[e.filed.number, e.invoice.bill_number]),
             reverse("enforcement:receipt_pdf", args=[e.filed.number, e.payment.pk]),
             reverse("enforcement:draft", args=[e.draft.pk]),
             reverse("payments:invoice_detail", args=[e.entity_invoice.bill_number]),
             reverse("payments:invoice_pdf", args=[e.entity_invoice.bill_number])]
    urls += [
        reverse("einstruments:detail", args=[e.issued.number]),
        reverse("einstruments:confirmation", args=[e.issued.number]),
    ]
    urls += [reverse(f"einstruments:{name}", args=[e.held.number]) for name in ("detail", "endorse", "enforce", "pdf")]
    urls += [
        reverse(f"conveyance:{name}", args=[e.conveyance.number]) for name in ("detail", "timeline", "consent", "offer")
    ]
    return urls


def case_posts(e) -> list[tuple[str, dict]]:
    posts = []
    for filed in (e.filed, e.by_token):
        posts += [
            (reverse("enforcement:act", args=[filed.number, "withdraw"]), {"withdraw-confirm": "on"}),
            (reverse("enforcement:act", args=[filed.number, "reduce"]), {"reduce-amount": "1.00"}),
            (reverse("enforcement:act", args=[filed.number, "certify"]), {"certify-amount": "1.00"}),
        ]
    posts += [
        (reverse("enforcement:draft", args=[e.draft.pk]), {"action": "draft"}),
        (reverse("payments:pay", args=[e.entity_invoice.bill_number]), {"amount": "1.00"}),
        (reverse("einstruments:resend", args=[e.issued.number]), {}),
        (reverse("einstruments:cancel", args=[e.issued.number]), {}),
        (reverse("einstruments:answer", args=[e.held.number]), {"answer": "decline"}),
        (reverse("einstruments:pay", args=[e.held.number]), {}),
        (reverse("einstruments:certify_paid", args=[e.held.number]), {}),
        (reverse("einstruments:endorse", args=[e.held.number]), {"new_holder_id": e.debtor.national_id}),
        (reverse("einstruments:answer_endorsement", args=[e.held.number]), {"answer": "accept"}),
        (reverse("einstruments:withdraw_endorsement", args=[e.held.number]), {}),
        (reverse("einstruments:enforce", args=[e.held.number]), {"iban": "SA0000000000000000000000"}),
        (reverse("conveyance:consent", args=[e.conveyance.number]), {"answer": "accept"}),
        (reverse("conveyance:offer", args=[e.conveyance.number]), {"answer": "accept"}),
        (reverse("conveyance:cancel", args=[e.conveyance.number]), {}),
    ]
    return posts


def api_paths(e) -> list[str]:
    paths = []
    for filed in (e.filed, e.by_token):
        paths += [f"/api/v1/requests/{filed.number}", f"/api/v1/requests/{filed.number}/invoices",
                  f"/api/v1/requests/{filed.number}/payments"]
    return [*paths, f"/api/v1/conveyances/{e.conveyance.number}"]


def state(e) -> list:
    from conveyance.models import Conveyance
    from einstruments.models import PromissoryNote
    from enforcement.models import EnforcementRequest

    requests = EnforcementRequest.objects.filter(pk__in=[e.filed.pk, e.by_token.pk, e.draft.pk]).order_by("pk")
    notes = PromissoryNote.objects.filter(pk__in=[e.issued.pk, e.held.pk]).order_by("pk")
    return [
        list(requests.values_list("status", "amount_claimed", "paid_outside", "withdrawn")),
        list(notes.values_list("status", "holder_entity_id", "challenge_token")),
        Conveyance.objects.get(pk=e.conveyance.pk).status,
    ]


def remove_representation(e):
    from najiz.registries.models import Representation

    assert Representation.objects.filter(entity=e.entity, person__national_id=e.rep.national_id).delete()[0] == 1


def test_while_a_representative_acts_as_the_entity_its_cases_are_theirs(ent):
    """The other half of the test below: the same URLs open while the representation holds."""
    client = acting_client(ent.rep, ent.entity)
    for url in case_gets(ent):
        if url.endswith("/offer/"):  # only a person buyer answers an offer
            continue
        assert client.get(url).status_code in (200, 302), url
    for path in api_paths(ent):
        assert client.get(path).status_code == 200, path
        assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {ent.secret}").status_code == 200, path


def test_once_the_representation_ends_every_url_and_action_of_the_entitys_cases_is_404(ent):
    remove_representation(ent)
    before = state(ent)
    for label, client in [
        ("for themselves", acting_client(ent.rep)),
        ("still choosing the entity", acting_client(ent.rep, ent.entity)),
    ]:
        for url in case_gets(ent):
            assert client.get(url).status_code == 404, (label, url)
        for url, data in case_posts(ent):
            assert client.post(url, data).status_code == 404, (label, url)
        for path in api_paths(ent):
            response = client.get(path)
            assert response.status_code == 404, (label, path)
            assert response["Content-Type"].startswith("application/problem+json")
        listed = client.get("/api/v1/requests").json()
        assert listed["count"] == 0, (label, listed)
        pages = [reverse(name) for name in ("enforcement:list", "enforcement:against_me", "enforcement:dashboard",
                                            "einstruments:list", "payments:invoice_list", "conveyance:list")]
        pages += [reverse("einstruments:list") + "?as=holder", reverse("conveyance:list") + "?as=buyer"]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (label, page)
            html = response.content.decode()
            for number in (
                ent.filed.number,
                ent.by_token.number,
                ent.against.number,
                ent.issued.number,
                ent.held.number,
                ent.conveyance.number,
                ent.entity_invoice.bill_number,
            ):
                assert number not in html, (label, page, number)
        for name in (
            "linkage:tokens",
            "linkage:webhooks",
            "linkage:report",
            "linkage:report_csv",
            "linkage:report_pdf",
        ):
            assert client.get(reverse(name)).status_code == 403, (label, name)  # acting as an entity is required
        assert client.post(reverse("linkage:revoke_token", args=[ent.token.pk])).status_code == 403, label
    assert state(ent) == before, "nothing changed"
    assert acting_client(ent.rep, ent.entity).get("/").wsgi_request.acting_entity is None


def test_once_the_representation_of_its_creator_ends_the_token_is_refused(ent):
    remove_representation(ent)
    for path in [*api_paths(ent), "/api/v1/requests"]:
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {ent.secret}")
        assert response.status_code == 401, path
    response = Client().post("/api/v1/requests", data="{}", content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {ent.secret}")
    assert response.status_code == 401


def test_the_representatives_who_remain_keep_the_entitys_cases(ent):
    remove_representation(ent)
    client = acting_client(ent.colleague, ent.entity)
    for filed in (ent.filed, ent.by_token, ent.against):
        assert client.get(reverse("enforcement:detail", args=[filed.number])).status_code == 200, filed.number
    assert client.get(reverse("einstruments:detail", args=[ent.held.number])).status_code == 200
    assert client.get(reverse("payments:invoice_detail", args=[ent.entity_invoice.bill_number])).status_code == 200
    assert client.get(f"/api/v1/requests/{ent.by_token.number}").status_code == 200


def test_a_persons_own_cases_are_reached_while_acting_for_themselves(ent, case, django_capture_on_commit_callbacks):
    """Acting as an entity is acting as it: one's own requests wait until one acts for oneself."""
    from enforcement import services as enforcement
    from tests.factories import registries as factories

    factories.RepresentationFactory(entity=ent.entity, person=case.creditor)
    draft = enforcement.save_draft(
        user=case.user,
        acting_entity=None,
        instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id],
        amount=Decimal("1000.00"),
        iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        own = enforcement.submit(draft, user=case.user)
    draft = enforcement.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number)
    against = ent.against  # filed by the creditor for themselves, against E
    for_themselves = acting_client(case.user)
    for number in (own.number, against.number):
        assert for_themselves.get(reverse("enforcement:detail", args=[number])).status_code == 200
    assert for_themselves.get(reverse("enforcement:draft", args=[draft.pk])).status_code == 200
    client = acting_client(case.user, ent.entity)
    assert client.get(reverse("enforcement:detail", args=[own.number])).status_code == 404
    assert client.get(reverse("enforcement:draft", args=[draft.pk])).status_code == 404
    assert client.get(reverse("enforcement:detail", args=[against.number])).status_code == 200  # E is its debtor
    assert (
        client.post(
            reverse("enforcement:act", args=[against.number, "withdraw"]), {"withdraw-confirm": "on"}
        ).status_code
        == 404
    )
    assert client.get(reverse("conveyance:detail", args=[ent.conveyance.number])).status_code == 200  # E buys


def test_once_the_representation_ends_the_entitys_notices_go_to_those_who_represent_it(
    ent, django_capture_on_commit_callbacks
):
    """A former representative learns nothing more of the entity's cases, not even by notice."""
    from notifications.models import Notification
    from payments import services as payments

    remove_representation(ent)
    before = set(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_gateway_payment(ent.invoice, "REP-ENDS-2", Decimal("200.00"), "mada")
    told = Notification.objects.exclude(pk__in=before).filter(kind="enforcement.money_received", case_id=ent.filed.pk)
    assert sorted(told.values_list("recipient__national_id", flat=True)) == [ent.colleague.national_id]
