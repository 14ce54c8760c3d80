"""/metrics: what each figure says, read back with Prometheus's own parser."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conveyance.models import Conveyance
from enforcement import services as enforcement_services
from enforcement.models import EnforcementRequest, ExecutionOrder, StepFailure
from enforcement.states import Status
from najiz.common import clock
from najiz.registries.models import Account, Person
from operations import queues
from payments import services as payments
from payments.models import Disbursement, DisbursementStatus
from payments.selectors import open_invoice_for
from tests.conveyance.helpers import accept_offer, file_sale, pay as pay_conveyance, reload as reload_conveyance
from tests.factories import registries as factories

pytestmark = pytest.mark.django_db
TOKEN = "scraper-token-0123456789"


@pytest.fixture(autouse=True)
def operator(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


def scrape(client) -> dict:
    """{(sample name, frozenset of labels): value} of one scrape."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def bucket(samples, step, le):
    return samples[("najiz_step_latency_seconds_bucket", frozenset({("step", step), ("le", le)}))]


def gauge(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def set_filing_latency(request, seconds):
    order = ExecutionOrder.objects.get(request=request)
    EnforcementRequest.objects.filter(pk=request.pk).update(submitted_at=order.issued_at - timedelta(seconds=seconds))


def pay(request, amount, capture, *, later=timedelta(0)):
    """The gateway confirms a payment now; what follows it (the payout) runs `later`."""
    with capture() as callbacks:
        payments.record_gateway_payment(open_invoice_for(request), uuid.uuid4().hex[:16], Decimal(amount), "mada")
    with clock.travel(later), capture(execute=True):
        for callback in callbacks:
            callback()


def test_filing_to_order_histogram_counts_the_orders_of_the_window(client, file_request):
    fast, slow, old = file_request(), file_request(), file_request()
    assert {fast.status, slow.status, old.status} == {Status.ORDER_ISSUED}
    set_filing_latency(fast, 0.3)
    set_filing_latency(slow, 3)
    # an order issued an hour ago is outside the 15-minute window
    an_hour_ago = clock.now() - timedelta(hours=1)
    ExecutionOrder.objects.filter(request=old).update(issued_at=an_hour_ago)
    EnforcementRequest.objects.filter(pk=old.pk).update(status_changed_at=an_hour_ago, submitted_at=an_hour_ago)

    samples = scrape(client)
    assert [bucket(samples, "filing_to_order", le) for le in ("0.25", "0.5", "2.5", "5.0", "3600.0", "+Inf")] == [
        0,
        1,
        1,
        2,
        2,
        2,
    ]
    assert gauge(samples, "najiz_step_latency_seconds_gcount", step="filing_to_order") == 2
    assert gauge(samples, "najiz_step_latency_seconds_gsum", step="filing_to_order") == pytest.approx(3.3, abs=0.01)
    assert gauge(samples, "najiz_step_latency_window_seconds") == 900
    # nothing paid, nothing transferred: empty histograms, present all the same
    assert bucket(samples, "payment_to_disbursement", "+Inf") == 0
    assert bucket(samples, "payment_to_deed", "+Inf") == 0


def test_payment_to_disbursement_and_failed_disbursements(client, case, file_request, settings,
                                                          django_capture_on_commit_callbacks):
    settings.PAYMENTS_DISBURSEMENT_MAX_ATTEMPTS = 1
    paid_out = file_request()
    second_account = factories.AccountFactory(person=case.creditor)
    refused = file_request(iban=second_account.iban)
    pay(paid_out, "1000.00", django_capture_on_commit_callbacks, later=timedelta(seconds=2))
    Account.objects.filter(pk=second_account.pk).update(status=Account.Status.CLOSED)  # the bank refuses the payout
    pay(refused, "1000.00", django_capture_on_commit_callbacks)
    assert Disbursement.objects.get(purpose_id=paid_out.pk).status == DisbursementStatus.DONE
    assert Disbursement.objects.get(purpose_id=refused.pk).status == DisbursementStatus.FAILED

    samples = scrape(client)
    assert [bucket(samples, "payment_to_disbursement", le) for le in ("1.0", "2.5", "+Inf")] == [0, 1, 1]
    assert gauge(samples, "najiz_step_latency_seconds_gsum", step="payment_to_disbursement") == pytest.approx(
        2, abs=0.5
    )
    assert gauge(samples, "najiz_disbursements_failed") == 1


def test_payment_to_new_deed(client, sale, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conveyance = file_sale(sale, price="1200000.00")

    with django_capture_on_commit_callbacks(execute=True):
        accept_offer(reload_conveyance(conveyance), user=sale.buyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        pay_conveyance(conveyance)
    conveyance = reload_conveyance(conveyance)
    assert conveyance.status == "completed"
    Conveyance.objects.filter(pk=conveyance.pk).update(paid_at=conveyance.new_deed.issued_at - timedelta(seconds=1.5))

    samples = scrape(client)
    assert [bucket(samples, "payment_to_deed", le) for le in ("1.0", "2.5", "+Inf")] == [0, 1, 1]
    assert gauge(samples, "najiz_step_latency_seconds_gsum", step="payment_to_deed") == pytest.approx(1.5, abs=0.01)


def test_stranded_requests_are_those_idle_in_an_automatic_state_for_over_a_minute(client, file_request, sale):
    done = file_request()  # first: a batch takes every request freshly waiting
    lost, recent = file_request(run=False), file_request(run=False)
    assert (lost.status, recent.status) == (Status.SUBMITTED, Status.SUBMITTED)
    now = clock.now()
    EnforcementRequest.objects.filter(pk=lost.pk).update(status_changed_at=now - timedelta(seconds=90))
    EnforcementRequest.objects.filter(pk=recent.pk).update(status_changed_at=now - timedelta(seconds=30))
    EnforcementRequest.objects.filter(pk=done.pk).update(
        status_changed_at=now - timedelta(hours=2)
    )  # order issued: not automatic
    conveyance = file_sale(sale, approve=False)  # its checks never sent
    assert conveyance.status == "submitted"
    Conveyance.objects.filter(pk=conveyance.pk).update(status_changed_at=now - timedelta(minutes=5))

    samples = scrape(client)
    assert gauge(samples, "najiz_stranded_requests", service="enforcement") == 1
    assert gauge(samples, "najiz_stranded_requests", service="conveyance") == 1


def test_requests_set_aside_are_counted_apart_from_the_stranded(client, case, file_request,
                                                                 django_capture_on_commit_callbacks):
    samples = scrape(client)
    assert gauge(samples, "najiz_quarantined_requests", service="enforcement") == 0
    assert gauge(samples, "najiz_quarantined_requests", service="conveyance") is None  # keeps no quarantine
    bad = file_request(run=False)
    valid = case.debtor.national_id  # the registry's id fails its check digit: no account, no order
    Person.objects.filter(pk=case.debtor.pk).update(national_id=valid[:-1] + str((int(valid[-1]) + 1) % 10))
    with django_capture_on_commit_callbacks(execute=True):
        enforcement_services.advance(bad.pk)
    assert StepFailure.objects.filter(request=bad).exists()
    EnforcementRequest.objects.filter(pk=bad.pk).update(status_changed_at=clock.now() - timedelta(minutes=5))

    samples = scrape(client)
    assert gauge(samples, "najiz_quarantined_requests", service="enforcement") == 1
    assert gauge(samples, "najiz_stranded_requests", service="enforcement") == 0  # set aside, not stranded


@pytest.fixture
def broker_lists(settings):
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = ["najiz", f"najiz{queues.PRIORITY_SEPARATOR}3", "najiz.notices"]
    client.delete(*keys)
    yield client
    client.delete(*keys)
    client.close()


def test_queue_depths_are_the_broker_lists_lengths(client, db, broker_lists):
    broker_lists.rpush("najiz", "a", "b", "c")
    broker_lists.rpush(f"najiz{queues.PRIORITY_SEPARATOR}3", "d")
    broker_lists.rpush("najiz.notices", "e", "f")
    samples = scrape(client)
    assert gauge(samples, "najiz_broker_up") == 1
    assert gauge(samples, "najiz_queue_depth", queue="najiz") == 4
    assert gauge(samples, "najiz_queue_depth", queue="najiz.notices") == 2


def test_without_redis_there_are_no_queue_series(client, db, settings):
    settings.REDIS_URL = ""
    samples = scrape(client)
    assert not any(name in ("najiz_queue_depth", "najiz_broker_up") for name, _ in samples)
    assert gauge(samples, "najiz_disbursements_failed") == 0


def test_an_unreachable_broker_is_a_figure_not_an_error(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    samples = scrape(client)
    assert gauge(samples, "najiz_broker_up") == 0
    assert not any(name == "najiz_queue_depth" for name, _ in samples)


def test_openmetrics_scrapers_get_a_gauge_histogram(client, db):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
                          HTTP_ACCEPT="application/openmetrics-text; version=1.0.0; charset=utf-8")
    assert response["Content-Type"].startswith("application/openmetrics-text")
    body = response.content.decode()
    assert "# TYPE najiz_step_latency_seconds gaugehistogram" in body
    assert body.rstrip().endswith("# EOF")


def test_a_database_that_does_not_answer_is_a_503_not_a_500(client, db, monkeypatch):
    from django.db import OperationalError

    from operations import selectors

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "snapshot", down)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 503
