"""The supervising judge's actions on a request, through the enforcement services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from enforcement import services
from enforcement.models import EnforcementRequest, Measure
from enforcement.states import Status, TransitionError
from enforcement.tasks import sweep_deadlines
from najiz.registries import services as registries
from najiz.registries.models import TravelBan
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def judge(db):
    return UserFactory(is_staff=True)


def file(case, capture, **overrides):
    fields = {"instrument_number": case.instrument.number, "debtor_ids": [case.debtor.national_id],
                  "amount": Decimal("5000.00"), "iban": case.account.iban}
    fields.update(overrides)
    request = services.save_draft(user=case.user, acting_entity=None, **fields)
    with capture(execute=True):
        services.submit(request, user=case.user)
    return EnforcementRequest.objects.get(pk=request.pk)


def test_reversed_rejection_continues_to_the_order(case, judge, django_capture_on_commit_callbacks):
    other_iban = registries.accounts_of(case.debtor)[0].iban
    request = file(case, django_capture_on_commit_callbacks, iban=other_iban)
    assert request.status == Status.REJECTED
    with django_capture_on_commit_callbacks(execute=True):
        services.reverse_rejection(request, judge=judge, reason="الحساب صحيح بعد التحقق")
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED


def test_rerun_audit_accepts_once_the_cause_is_fixed(case, judge, django_capture_on_commit_callbacks):
    request = file(case, django_capture_on_commit_callbacks, amount=Decimal("9000.00"))  # over the instrument
    assert request.status == Status.REJECTED
    case.instrument.amount = Decimal("9500.00")
    case.instrument.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.rerun_audit(request, judge=judge, reason="تعديل مبلغ السند")
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED


def test_suspended_request_is_skipped_by_the_deadline_sweep(case, judge, django_capture_on_commit_callbacks, travel):
    request = file(case, django_capture_on_commit_callbacks)
    services.suspend(request, judge=judge, reason="طلب المنفذ ضده")
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines()["enforcement.apply_measures"] == 0
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.SUSPENDED
    with django_capture_on_commit_callbacks(execute=True):
        services.resume(EnforcementRequest.objects.get(pk=request.pk), judge=judge, reason="انتهى سبب الإيقاف")
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.MEASURES_APPLIED


def test_lifting_one_measure_and_ending_the_request(case, judge, django_capture_on_commit_callbacks, travel):
    request = file(case, django_capture_on_commit_callbacks)
    with travel(timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines()
    ban = Measure.objects.get(request=request, kind="travel_ban")
    services.lift_measure_by_judge(ban, judge=judge, reason="ظرف صحي")
    assert not TravelBan.objects.filter(person=case.debtor, active=True).exists()
    assert Measure.objects.filter(request=request, status="applied").exclude(kind="travel_ban").exists()
    services.end_request(EnforcementRequest.objects.get(pk=request.pk), judge=judge, reason="صلح بين الطرفين")
    request = EnforcementRequest.objects.get(pk=request.pk)
    assert request.status == Status.CLOSED
    assert not request.measures.filter(status="applied").exists()
    with pytest.raises(TransitionError):
        services.suspend(request, judge=judge, reason="x")
