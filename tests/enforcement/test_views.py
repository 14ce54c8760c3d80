"""Request screens: lists, the request file, its live timeline, and who may see what."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest
from enforcement.states import Status
from najiz.accounts.services import user_for_person
from najiz.casefile.selectors import decisions_of
from tests.factories import registries as factories
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def file(case, capture, *, iban=None, amount="5000.00", instrument=None, debtor=None):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=(instrument or case.instrument).number,
        debtor_ids=[(debtor or case.debtor).national_id], amount=Decimal(amount), iban=iban or case.account.iban,
    )
    with capture(execute=True):
        services.submit(draft, user=case.user)
    return EnforcementRequest.objects.get(pk=draft.pk)


def urls(request):
    return [
        reverse("enforcement:detail", args=[request.number]),
        reverse("enforcement:timeline", args=[request.number]),
    ]


@pytest.fixture
def issued(case, django_capture_on_commit_callbacks):
    return file(case, django_capture_on_commit_callbacks)


def test_the_creditor_sees_the_request_file(client, case, issued):
    client.force_login(case.user)
    response = client.get(reverse("enforcement:detail", args=[issued.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert issued.number in html and "5,000.00" in html
    assert "قيد التنفيذ" in html  # ministry words: under enforcement
    assert issued.circuit.name_ar in html
    assert 'id="request-timeline"' in html and 'hx-trigger="every 2s"' not in html


def test_a_rejected_request_shows_why(client, case, django_capture_on_commit_callbacks):
    other = factories.AccountFactory(person=factories.PersonFactory())
    rejected = file(case, django_capture_on_commit_callbacks, iban=other.iban)
    assert rejected.status == Status.REJECTED
    client.force_login(case.user)
    html = client.get(reverse("enforcement:detail", args=[rejected.number])).content.decode()
    assert "مرفوض" in html
    audit = decisions_of(rejected).get(step="audit")
    iban_rule = next(rule for rule in audit.rules if rule["id"] == "iban_held_by_creditor")
    assert iban_rule["message_ar"] in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(
        reverse("enforcement:detail", args=[rejected.number]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert iban_rule["message_en"] in english


def test_the_request_pages_are_read_only_and_never_cached(client, case, issued):
    for url in urls(issued):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    client.force_login(case.user)
    for url in urls(issued):
        response = client.get(url)
        assert response.status_code == 200 and "no-cache" in response["Cache-Control"], url
        assert client.post(url).status_code == 405, url


def test_the_timeline_polls_only_while_the_automation_runs(client, case):
    draft = services.save_draft(
        user=case.user, acting_entity=None, instrument_number=case.instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("100.00"), iban=case.account.iban,
    )
    services.submit(draft, user=case.user)  # on_commit not run: the automation has not started
    request = EnforcementRequest.objects.get(pk=draft.pk)
    client.force_login(case.user)
    detail, fragment = urls(request)
    html = client.get(detail).content.decode()
    assert f'hx-get="{fragment}"' in html and 'hx-trigger="every 2s"' in html and "automation-progress" in html
    polled = client.get(fragment, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in polled.content.decode() and "HX-Refresh" not in polled
    services.advance(request.pk)
    done = client.get(fragment, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' not in done.content.decode() and "automation-progress" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


def test_the_debtor_sees_the_order_and_what_to_pay(client, case, issued):
    client.force_login(user_for_person(case.debtor))
    response = client.get(reverse("enforcement:detail", args=[issued.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert issued.order.number in html and "/payments/invoices/" in html
    assert case.account.iban not in html  # the creditor's IBAN is not the debtor's business
    against = client.get(reverse("enforcement:against_me")).content.decode()
    assert issued.number in against
    assert issued.number not in client.get(reverse("enforcement:list")).content.decode()


def test_strangers_and_other_debtors_get_404(client, case, issued, django_capture_on_commit_callbacks):
    stranger = UserFactory()
    other_debtor = factories.PersonFactory(city="riyadh")
    other_instrument = factories.InstrumentFactory(
        creditor_person=case.creditor, debtors=[other_debtor], amount=Decimal("500.00")
    )
    other = file(
        case, django_capture_on_commit_callbacks, instrument=other_instrument, amount="100.00", debtor=other_debtor
    )
    assert other.status == Status.ORDER_ISSUED
    draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=case.instrument.number)
    for user in (stranger, user_for_person(other_debtor)):
        client.force_login(user)
        for url in [
            *urls(issued),
            reverse("enforcement:draft", args=[draft.pk]),
            reverse("enforcement:detail", args=["EN-1900-000001"]),
        ]:
            assert client.get(url).status_code == 404, url
        assert issued.number not in client.get(reverse("enforcement:list")).content.decode()
        assert issued.number not in client.get(reverse("enforcement:against_me")).content.decode()
    client.force_login(user_for_person(other_debtor))
    assert client.get(urls(other)[0]).status_code == 200


def test_the_creditor_entity_representatives_see_it_only_while_acting_as_it(
    client, case, django_capture_on_commit_callbacks
):
    from najiz.accounts import sessions

    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=case.creditor)
    colleague = factories.PersonFactory()
    factories.RepresentationFactory(entity=entity, person=colleague)
    instrument = factories.InstrumentFactory(creditor_person=None, creditor_entity=entity, debtors=[case.debtor])
    draft = services.save_draft(
        user=case.user, acting_entity=entity, instrument_number=instrument.number,
        debtor_ids=[case.debtor.national_id], amount=Decimal("100.00"), iban=case.account.iban,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, user=case.user)
    number = EnforcementRequest.objects.get(pk=draft.pk).number
    client.force_login(user_for_person(colleague))
    assert client.get(reverse("enforcement:detail", args=[number])).status_code == 404
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    assert client.get(reverse("enforcement:detail", args=[number])).status_code == 200
    assert number in client.get(reverse("enforcement:list")).content.decode()


def test_the_list_filters_by_public_status(client, case, issued, django_capture_on_commit_callbacks):
    client.force_login(case.user)
    assert issued.number in client.get(reverse("enforcement:list"), {"status": "under_enforcement"}).content.decode()
    assert issued.number not in client.get(reverse("enforcement:list"), {"status": "rejected"}).content.decode()
    assert client.get(reverse("enforcement:list"), {"status": "junk", "page": "junk"}).status_code == 200


def _requests(case, count):
    debtor = case.debtor
    for _index in range(count):
        instrument = factories.InstrumentFactory(creditor_person=case.creditor, debtors=[debtor])
        draft = services.save_draft(
            user=case.user, acting_entity=None, instrument_number=instrument.number,
            debtor_ids=[debtor.national_id], amount=Decimal("10.00"), iban=case.account.iban,
        )
        services.submit(draft, user=case.user)


@pytest.mark.parametrize("name", ["enforcement:list", "enforcement:against_me"])
def test_lists_run_a_fixed_number_of_queries(client, case, name, django_assert_max_num_queries):
    viewer = case.user if name == "enforcement:list" else user_for_person(case.debtor)
    client.force_login(viewer)
    _requests(case, 1)
    with django_assert_max_num_queries(20) as one:
        assert client.get(reverse(name)).status_code == 200
    _requests(case, 19)
    with django_assert_max_num_queries(len(one.captured_queries)) as twenty:
        response = client.get(reverse(name))
    assert len(response.context["rows"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
