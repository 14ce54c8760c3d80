"""The portal's figures in the Prometheus exposition format, for GET /metrics.

A custom collector reads one `selectors.snapshot()` per scrape; nothing is kept between scrapes.
The step latencies cover the steps completed in the last METRICS_WINDOW, so they are a *gauge*
histogram (OpenMetrics `gaugehistogram`; in the plain text format a `histogram` whose `_bucket`
series go up and down, with `_gcount` and `_gsum` beside it). Take quantiles straight from the
buckets, without rate():

    histogram_quantile(0.95, najiz_step_latency_seconds_bucket{step="filing_to_order"})
"""

from prometheus_client.core import CollectorRegistry, GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

from . import selectors

STEP_LABELS = {
    "filing_to_order": "enforcement: submitted to execution order issued",
    "payment_to_disbursement": "payments: payment received to payout done",
    "payment_to_deed": "conveyance: payment received to new deed issued",
}


def _bound(value: float) -> str:
    return "+Inf" if value == float("inf") else repr(float(value))


class PortalCollector:
    """Yields the snapshot's figures as metric families."""

    def __init__(self, snapshot=None):
        self._snapshot = snapshot

    def describe(self):
        return []  # no registration-time scrape: the figures are read only when asked for

    def collect(self):
        snap = self._snapshot or selectors.snapshot()
        yield GaugeMetricFamily(
            "najiz_step_latency_window_seconds", "How far back the step latencies look (METRICS_WINDOW).",
            value=snap.window.total_seconds(),
        )
        latency = GaugeHistogramMetricFamily(
            "najiz_step_latency_seconds",
            "Latency of each automatic step completed within the window: " + "; ".join(
                f"{step} = {label}" for step, label in STEP_LABELS.items()),
            labels=["step"],
        )
        for step, figures in snap.latencies.items():
            buckets = [(_bound(bound), count) for bound, count in figures.buckets] + [("+Inf", figures.count)]
            latency.add_metric([step], buckets, figures.total_seconds)
        yield latency

        stranded = GaugeMetricFamily(
            "najiz_stranded_requests",
            f"Requests idle in an automatic state for over {int(snap.stranded_after.total_seconds())} s.",
            labels=["service"],
        )
        for service, count in snap.stranded.items():
            stranded.add_metric([service], count)
        yield stranded

        if snap.quarantined:  # only the services that keep a quarantine report one
            quarantined = GaugeMetricFamily(
                "najiz_quarantined_requests", "Requests set aside after failing their automatic step.",
                labels=["service"],
            )
            for service, count in snap.quarantined.items():
                quarantined.add_metric([service], count)
            yield quarantined

        yield GaugeMetricFamily(
            "najiz_disbursements_failed", "Disbursements that failed for good and wait for a person.",
            value=snap.disbursements_failed,
        )

        if snap.queues is not None:  # no Redis, no queues: the series are absent
            yield GaugeMetricFamily("najiz_broker_up", "1 if the broker's Redis answered.", value=int(snap.queues.up))
            depth = GaugeMetricFamily("najiz_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"])
            for queue, count in snap.queues.depths.items():
                depth.add_metric([queue], count)
            yield depth


def exposition(accept_header: str = "") -> tuple[bytes, str]:
    """(body, content type) of one scrape, in the format the scraper asks for."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PortalCollector())
    encoder, content_type = choose_encoder(accept_header)
    return encoder(registry), content_type
