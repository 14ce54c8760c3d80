"""Latency figures of an automatic step, counted by the database.

    latencies(EnforcementRequest.objects.filter(...), F("order__issued_at") - F("submitted_at"))

gives how many rows, the sum and the maximum of their latency, and how many took at most each
bucket's bound, in one aggregate query (no rows are read into Python). The apps' selectors use it
for their `operational_figures()`; the operations app turns the result into metrics and a page.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, Max, Q, QuerySet, Sum

# Upper bounds in seconds, from "within the p95 target" to "a person should look".
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


@dataclass(frozen=True)
class Latencies:
    """`buckets` holds (bound in seconds, rows at most that long), cumulative like Prometheus's."""

    count: int
    total_seconds: float
    max_seconds: float | None
    buckets: tuple[tuple[float, int], ...]

    @property
    def mean_seconds(self) -> float | None:
        return self.total_seconds / self.count if self.count else None

    def bound_of(self, quantile: float) -> float | None:
        """The smallest bucket bound under which `quantile` of the rows fall (None: above them all)."""
        if not self.count:
            return None
        for bound, count in self.buckets:
            if count >= quantile * self.count:
                return bound
        return None


def _seconds(value) -> float:
    return value.total_seconds() if value is not None else 0.0


def latencies(queryset: QuerySet, latency, buckets=LATENCY_BUCKETS) -> Latencies:
    """Aggregate the `latency` expression (a duration) over the queryset's rows."""
    rows = queryset.annotate(_latency=ExpressionWrapper(latency, output_field=DurationField()))
    aggregates = {
        f"le_{i}": Count("pk", filter=Q(_latency__lte=timedelta(seconds=bound))) for i, bound in enumerate(buckets)
    }
    figures = rows.aggregate(_count=Count("pk"), _total=Sum("_latency"), _max=Max("_latency"), **aggregates)
    return Latencies(
        count=figures["_count"],
        total_seconds=_seconds(figures["_total"]),
        max_seconds=_seconds(figures["_max"]) if figures["_max"] is not None else None,
        buckets=tuple((bound, figures[f"le_{i}"]) for i, bound in enumerate(buckets)),
    )
