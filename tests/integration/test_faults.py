"""Faults under a real Celery worker (a subprocess, prefork) on a Redis of the test's own.

* the worker is killed with SIGKILL in the middle of a batch: after a restart and the stalled
  sweep every request ends at order_issued, each step done exactly once;
* Redis is down while people file: filing still succeeds; once Redis is back the sweep re-finds
  the requests and the worker completes them;
* PostgreSQL drops the worker's connections mid-batch: the tasks retry and every request completes.

The shared Redis (6379) is never touched: each test starts `redis-server` on a free port and points
both this process's Celery app and the worker at it. The worker reads the test database, which it
sees because these tests commit (transactional_db).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from enforcement import services
from enforcement.models import EnforcementRequest, ExecutionOrder
from enforcement.states import AUTOMATIC, Status
from enforcement.tasks import sweep_stalled
from najiz.casefile.models import Decision, Event
from najiz.celery import app as celery_app
from najiz.common import clock
from payments.models import Invoice
from tests.factories import registries as factories

from .conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUES = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)  # both, in their order


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server on its own port that a test can stop and start again."""

    def __init__(self, port: int):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, interval=0.05)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Worker:
    """`celery -A najiz worker` as a subprocess (its own process group, so SIGKILL takes its children)."""

    def __init__(self, redis: OwnRedis, log: Path):
        self.redis, self.log, self.process = redis, log, None
        settings_dict = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}",
            "REDIS_URL": redis.url,
            "NAJIZ_TESTING": "1",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CONN_MAX_AGE": "60",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "TASK_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # batches of two, so that a kill lands between batches and inside one
            "ENFORCEMENT_BATCH_SIZE": "2",
        }

    def start(self):
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [CELERY, "-A", "najiz", "worker", "-c", "2", "--pool", "prefork", "-Q", QUEUES, "-l", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"faults-{os.getpid()}@%h"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for(lambda: "ready." in self.output() or self.process.poll() is not None, timeout=30)
        assert self.process.poll() is None, self.output()[-3000:]

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self):
        """SIGKILL the worker and its pool processes at once: no warm shutdown, no acks."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


def _point_celery_at(url: str):
    from kombu import pools

    celery_app.conf.broker_url = url
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu keeps producer pools per broker URL: drop the ones closed above


@pytest.fixture
def faults(transactional_db, settings, tmp_path):
    """Own Redis started, this process publishing to it (not eager); a worker the test starts."""
    redis = OwnRedis(free_port())
    redis.start()
    previous_url = celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    _point_celery_at(redis.url)
    workers = []

    def new_worker() -> Worker:
        worker = Worker(redis, tmp_path / "worker.log")
        workers.append(worker)
        worker.start()
        return worker

    yield redis, new_worker
    for worker in workers:
        worker.stop()
    redis.stop()
    _point_celery_at(previous_url)
    celery_app.conf.task_always_eager = True


@pytest.fixture
def creditor(transactional_db, case):
    """The case's creditor, and a way to make a fresh due cheque against a new debtor for each request."""
    def instrument():
        debtor = factories.PersonFactory(city="jeddah", email="debtor@example.sa", phone="0550000001")
        factories.AccountFactory(person=debtor, balance=Decimal("0.00"))
        return debtor, factories.InstrumentFactory(creditor_person=case.creditor, debtors=[debtor],
                                                   amount=Decimal("8000.00"), kind="cheque")
    case.new_instrument = instrument
    return case


def file_batch(case, count: int) -> list[int]:
    """Draft and submit `count` requests; each submit enqueues its advance on commit."""
    ids = []
    for _ in range(count):
        debtor, instrument = case.new_instrument()
        draft = services.save_draft(user=case.user, acting_entity=None, instrument_number=instrument.number,
                                    debtor_ids=[debtor.national_id], amount=Decimal("5000.00"), iban=case.account.iban)
        services.submit(draft, user=case.user)
        ids.append(draft.pk)
    return ids


def statuses(ids) -> dict:
    return dict(EnforcementRequest.objects.filter(pk__in=ids).values_list("pk", "status"))


def sweep_until_done(ids, timeout=40.0):
    """Run the stalled sweep (clock moved past STALLED_AFTER) until every request left the automatic states."""
    deadline = time.monotonic() + timeout
    while True:
        pending = [pk for pk, status in statuses(ids).items() if status in AUTOMATIC]
        if not pending or time.monotonic() > deadline:
            return pending
        with clock.travel(timedelta(minutes=30)):
            sweep_stalled()
        time.sleep(2)


def assert_each_done_exactly_once(ids):
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(EnforcementRequest)
    assert set(statuses(ids).values()) == {Status.ORDER_ISSUED}, statuses(ids)
    for pk in ids:
        assert ExecutionOrder.objects.filter(request_id=pk).count() == 1, pk
        assert Invoice.objects.filter(purpose_type=kind, purpose_id=pk).count() == 1, pk
        steps = sorted(Decision.objects.filter(case_type=kind, case_id=pk).values_list("step", flat=True))
        assert steps == ["audit", "order", "referral"], (pk, steps)
        kinds = list(Event.objects.filter(case_type=kind, case_id=pk, kind__startswith="enforcement.")
                     .values_list("kind", flat=True))
        for step in ("enforcement.submitted", "enforcement.audited", "enforcement.accepted", "enforcement.referred",
                     "enforcement.order_issued"):
            assert kinds.count(step) == 1, (pk, step, kinds)


def test_worker_killed_mid_batch_nothing_lost_nothing_twice(faults, creditor):
    _redis, new_worker = faults
    ids = file_batch(creditor, 16)  # queued in Redis before any worker runs
    worker = new_worker()
    wait_for(lambda: any(s == Status.ORDER_ISSUED for s in statuses(ids).values()), timeout=40, interval=0.02)
    worker.kill()
    at_kill = statuses(ids)
    assert any(s != Status.ORDER_ISSUED for s in at_kill.values()), "the batch finished before the kill"

    new_worker()  # takes what was still queued; what the killed worker held is found by the sweep
    assert sweep_until_done(ids) == []
    wait_for(lambda: set(statuses(ids).values()) == {Status.ORDER_ISSUED}, timeout=30)
    assert_each_done_exactly_once(ids)


def test_filing_while_redis_is_down_then_the_sweep_completes(faults, creditor, client):
    redis, new_worker = faults
    redis.stop()
    client.force_login(creditor.user)
    numbers = []
    for _ in range(3):
        debtor, instrument = creditor.new_instrument()
        started = time.monotonic()
        response = client.post(reverse("enforcement:new"), {
            "instrument_number": instrument.number, "debtor_ids": debtor.national_id,
            "amount": "5000.00", "iban": creditor.account.iban, "action": "submit",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        assert time.monotonic() - started < 10  # the person does not wait on the broker for long
        numbers.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    ids = list(EnforcementRequest.objects.filter(number__in=numbers).values_list("pk", flat=True))
    assert len(ids) == 3 and set(statuses(ids).values()) == {Status.SUBMITTED}

    redis.start()  # an empty Redis: the messages were never sent
    new_worker()
    assert sweep_until_done(ids) == []
    wait_for(lambda: set(statuses(ids).values()) == {Status.ORDER_ISSUED}, timeout=30)
    assert_each_done_exactly_once(ids)


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
            "datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


def test_database_connections_dropped_mid_batch_tasks_retry(faults, creditor):
    _redis, new_worker = faults
    ids = file_batch(creditor, 12)
    worker = new_worker()
    wait_for(lambda: any(s != Status.SUBMITTED for s in statuses(ids).values()), timeout=40, interval=0.02)
    terminated = 0
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and any(s in AUTOMATIC for s in statuses(ids).values()):
        terminated += _terminate_other_backends()
        time.sleep(0.15)
    assert terminated > 0, "no worker connection was open to drop"
    # the tasks retry with backoff (autoretry_for=OperationalError) and finish by themselves
    wait_for(lambda: not any(s in AUTOMATIC for s in statuses(ids).values()), timeout=45, interval=0.2)
    assert_each_done_exactly_once(ids)
    assert "Retry in" in worker.output(), worker.output()[-3000:]  # Celery logs each retry of a task
