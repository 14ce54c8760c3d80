"""What the operators see: one snapshot of the portal's automatic work, read at the moment it
is asked for, from the database and the broker.

Nothing is counted in a process. The web and worker processes are many (gunicorn workers,
Celery children), each would hold only its own share of an in-process counter, and a restart
would lose it. Reading the rows themselves at scrape time gives the same answer whichever
process serves /metrics. Each app reports its own numbers through its selectors
(`operational_figures()`), each read through an index and bounded by a window:

* latencies: the automatic steps completed in the last METRICS_WINDOW (15 minutes);
* stranded: requests idle in an automatic state for longer than METRICS_STRANDED_AFTER (1 minute);
* failed disbursements, queue depths: as they are now.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from conveyance import selectors as conveyance
from enforcement import selectors as enforcement
from najiz.common import clock
from payments import selectors as payments

from .queues import QueueDepths, queue_depths

# The automatic steps measured, in the order shown: (step, service).
STEPS = (("filing_to_order", "enforcement"), ("payment_to_disbursement", "payments"), ("payment_to_deed", "conveyance"))


def window() -> timedelta:
    return getattr(settings, "METRICS_WINDOW", timedelta(minutes=15))


def stranded_after() -> timedelta:
    return getattr(settings, "METRICS_STRANDED_AFTER", timedelta(minutes=1))


@dataclass
class Snapshot:
    at: datetime
    window: timedelta
    stranded_after: timedelta
    latencies: dict = field(default_factory=dict)  # step → najiz.common.figures.Latencies
    stranded: dict = field(default_factory=dict)  # service → requests
    quarantined: dict = field(default_factory=dict)  # service → requests, for the services that keep a quarantine
    disbursements_failed: int = 0
    queues: QueueDepths | None = None


def snapshot() -> Snapshot:
    """Every figure, as of now (a fixed number of queries and one round trip to Redis)."""
    now = clock.now()
    since, idle_before = now - window(), now - stranded_after()
    of = {
        "enforcement": enforcement.operational_figures(since=since, idle_before=idle_before),
        "conveyance": conveyance.operational_figures(since=since, idle_before=idle_before),
        "payments": payments.operational_figures(since=since),
    }
    result = Snapshot(at=now, window=window(), stranded_after=stranded_after(), queues=queue_depths())
    result.latencies = {step: of[service][step] for step, service in STEPS}
    for service in ("enforcement", "conveyance"):
        result.stranded[service] = of[service]["stranded"]
        if of[service].get("quarantined") is not None:
            result.quarantined[service] = of[service]["quarantined"]
    result.disbursements_failed = of["payments"]["disbursements_failed"]
    return result
