"""The deadline sweep at scale, with the broker on Redis: every due step is queued in one beat,
however many there are, and a beat that comes while they wait for a worker queues none again."""

from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker

from enforcement import dispatch, services
from enforcement.models import EnforcementRequest, Measure
from enforcement.states import Status
from najiz.celery import app as celery_app
from najiz.common import clock
from notifications.models import Delivery
from payments.models import Disbursement, DisbursementStatus
from tests.factories import registries as factories

from .conftest import wait_for

pytestmark = pytest.mark.integration


def _lapsed_orders(case, n):
    """n orders (the pipeline run in-process) whose payment period lapsed just now."""
    ids = []
    for _ in range(n):
        debtor = factories.PersonFactory(city="riyadh")
        factories.AccountFactory(person=debtor, balance=Decimal("700.00"))
        instrument = factories.InstrumentFactory(creditor_person=case.creditor, debtors=[debtor],
                                                 amount=Decimal("9000.00"))
        draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=instrument.number,
                                    debtor_ids=[debtor.national_id], amount=Decimal("2000.00"), iban=case.account.iban)
        ids.append(services.submit(draft, user=case.user).pk)
    assert set(EnforcementRequest.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.ORDER_ISSUED}
    EnforcementRequest.objects.filter(pk__in=ids).update(deadline=clock.now())
    return ids


def _queued(name="najiz"):
    with celery_app.connection_for_write() as connection:
        return connection.default_channel.client.llen(name)


def test_one_beat_queues_every_lapsed_period_once_and_the_next_beat_none_again(transactional_db, case, settings):
    ids = _lapsed_orders(case, 5)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    try:
        # pages of two, but all five in one beat; the second beat finds them queued
        assert dispatch.requeue_due(batch=2)["enforcement.apply_measures"] == 5
        assert dispatch.requeue_due(batch=2)["enforcement.apply_measures"] == 0
        assert _queued() == 3  # read two by two, each page sent to one task (up to ENFORCEMENT_MEASURES_BATCH_SIZE)
        with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            wait_for(lambda: EnforcementRequest.objects.filter(
                pk__in=ids, status=Status.MEASURES_APPLIED).count() == 5, timeout=60)
            # the payouts and notices the pages sent, done before the worker stops and the database is flushed
            wait_for(lambda: not Disbursement.objects.filter(status=DisbursementStatus.PENDING).exists()
                     and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists(), timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
    for pk in ids:
        kinds = list(Measure.objects.filter(request_id=pk).values_list("kind", flat=True))
        assert len(kinds) == len(set(kinds)), kinds  # each measure once
    assert dispatch.requeue_due(batch=2)["enforcement.apply_measures"] == 0  # nothing is due any more
