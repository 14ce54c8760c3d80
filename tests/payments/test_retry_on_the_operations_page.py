"""A disbursement that failed for good is sent again from the staff operations page, by staff
whose group may change disbursements, to the beneficiary's corrected IBAN or the same one."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from najiz.registries.models import Account
from payments import services
from payments.models import Disbursement, DisbursementStatus
from tests.factories.accounts import StaffUserFactory, UserFactory
from tests.factories.registries import AccountFactory

from .conftest import new_txn_id

pytestmark = pytest.mark.django_db
D = Decimal
PAGE = "/operations/"


@pytest.fixture
def failed(make_invoice, case, creditor_account, settings, django_capture_on_commit_callbacks):
    """600 SAR of the 1,000 held for the case, asked for an account the bank has closed: failed."""
    settings.PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS = 1
    settings.REDIS_URL = ""
    services.record_gateway_payment(make_invoice("1000.00"), new_txn_id(), D("1000.00"), "mada")
    Account.objects.filter(pk=creditor_account.pk).update(status=Account.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        disbursement = services.request_disbursement(case, creditor_account.iban, D("600.00"), ref="payout-1")
    disbursement.refresh_from_db()
    assert disbursement.status == DisbursementStatus.FAILED
    return disbursement


def _operator(*, may_retry=True):
    user = StaffUserFactory()
    if may_retry:
        group = Group.objects.create(name="operators")
        group.permissions.add(Permission.objects.get(codename="change_disbursement"))
        user.groups.add(group)
    return user


def _retry(client, disbursement, **data):
    return client.post(reverse("operations:retry_disbursement", args=[disbursement.pk]), data)


def test_an_operator_sends_it_again_to_the_corrected_iban(client, failed, django_capture_on_commit_callbacks):
    client.force_login(_operator())
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ar")
    html = page.content.decode()
    assert f'id="disbursement-{failed.pk}"' in html and "إرسال من جديد" in html
    assert "Closed account" in html  # the bank's last answer
    other = AccountFactory(balance=D("0.00"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _retry(client, failed, iban=other.iban.lower())
    assert response.status_code == 302 and response["Location"] == PAGE
    failed.refresh_from_db()
    assert (failed.status, failed.iban) == (DisbursementStatus.DONE, other.iban)
    other.refresh_from_db()
    assert other.balance == D("600.00")
    after = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "payout-1" in after  # the message that it went again
    assert f'id="disbursement-{failed.pk}"' not in after


def test_a_wrong_iban_is_refused_with_a_message_and_what_was_typed_kept(client, failed, settings):
    client.force_login(_operator())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _retry(client, failed, iban="SA12 not an iban")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="SA12 not an iban"' in html and 'aria-invalid="true"' in html
    assert "Enter a valid Saudi IBAN" in html
    failed.refresh_from_db()
    assert failed.status == DisbursementStatus.FAILED


def test_the_same_iban_again_once_the_bank_takes_it(client, failed, creditor_account,
                                                    django_capture_on_commit_callbacks):
    Account.objects.filter(pk=creditor_account.pk).update(status=Account.Status.ACTIVE)
    client.force_login(_operator())
    with django_capture_on_commit_callbacks(execute=True):
        assert _retry(client, failed, iban="").status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.iban) == (DisbursementStatus.DONE, creditor_account.iban)


def test_only_staff_whose_group_may_change_disbursements_send_one_again(client, failed):
    assert _retry(client, failed).status_code == 302  # a stranger: the staff sign-in
    client.force_login(UserFactory())
    assert _retry(client, failed).status_code == 404
    client.force_login(_operator(may_retry=False))
    page = client.get(PAGE).content.decode()
    assert f'id="disbursement-{failed.pk}"' in page
    assert reverse("operations:retry_disbursement", args=[failed.pk]) not in page
    assert _retry(client, failed).status_code == 403
    assert client.get(reverse("operations:retry_disbursement", args=[failed.pk])).status_code == 405
    assert Disbursement.objects.get(pk=failed.pk).status == DisbursementStatus.FAILED


def test_one_not_failed_is_not_found(client, failed):
    Disbursement.objects.filter(pk=failed.pk).update(status=DisbursementStatus.PENDING)
    client.force_login(_operator())
    assert _retry(client, failed).status_code == 404
