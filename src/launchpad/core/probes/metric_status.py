"""What one PromQL query answered, and a metric's running status: plain data, no I/O.

A query either measures (one or more series, each with a value) or "could not measure": Prometheus
unreachable, an HTTP or query error, an empty vector (no data, or every series stale), or NaN. Could not
measure is never a value of zero and never a breach; it is kept apart so panels and triggers say so
(Argo Rollouts' "inconclusive" against "failed").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from launchpad.core.probes.triggers import millis, percent

HISTORY = 60  # values kept for the sparkline
METRIC_KEY_PREFIX = "metric:"  # metric panels share the probe panels' sink and redraw batching under this prefix
UNMEASURED_KINDS = ("connect", "timeout", "http", "query", "empty", "nan", "answer")


@dataclass(frozen=True)
class Series:
    labels: tuple[tuple[str, str], ...]
    value: float | None  # None: NaN, this series could not be measured

    @property
    def shown(self) -> str:
        """`{code="500",path="/api"}` as PromQL writes a label set; empty for a single aggregated series."""
        if not self.labels:
            return ""
        return "{" + ",".join(f'{name}="{value}"' for name, value in self.labels) + "}"


@dataclass(frozen=True)
class MetricSample:
    metric: str
    at: datetime
    series: tuple[Series, ...] = ()
    error_kind: str | None = None  # one of UNMEASURED_KINDS when the query could not measure
    error: str | None = None
    raw: str = ""  # the answer as received (cut, redacted): shown literally on demand
    latency_ms: float | None = None
    start_delay_ms: float | None = None

    @property
    def measured(self) -> bool:
        return self.error_kind is None


def series_from_answer(payload: Any) -> tuple[tuple[Series, ...], str | None, str | None]:
    """Series from a decoded `/api/v1/query` answer -> (series sorted by labels, error_kind, error).

    Handles `status: error` (Prometheus's own message is kept), vectors, scalars and NaN/Inf strings."""
    if not isinstance(payload, dict):
        return (), "answer", "the answer is not a JSON object"
    if payload.get("status") != "success":
        kind = str(payload.get("errorType") or "error")
        message = str(payload.get("error") or "no error message")
        return (), "query", f"{kind}: {message}"
    data = payload.get("data")
    if not isinstance(data, dict):
        return (), "answer", "the answer has no data"
    result_type, result = data.get("resultType"), data.get("result")
    pairs: list[tuple[dict, Any]] = []
    if result_type == "vector" and isinstance(result, list):
        pairs = [(item.get("metric") or {}, item.get("value")) for item in result if isinstance(item, dict)]
    elif result_type == "scalar":
        pairs = [({}, result)]
    elif result_type == "matrix":
        return (), "answer", "the query returned a range vector: use an instant query (e.g. wrap it in rate(...))"
    else:
        return (), "answer", f"unexpected result type `{result_type}`"
    series = []
    for labels, value in pairs:
        number = None
        if isinstance(value, list) and len(value) == 2:
            try:
                number = float(value[1])
            except (TypeError, ValueError):
                number = None
        if number is not None and math.isnan(number):
            number = None
        clean = tuple(sorted((str(k), str(v)) for k, v in labels.items() if isinstance(labels, dict)))
        series.append(Series(clean, number))
    series.sort(key=lambda item: item.labels)
    if not series:
        return (), "empty", "the query returned no series (no data, or the series are stale)"
    if all(item.value is None for item in series):
        return tuple(series), "nan", "the query returned NaN (e.g. 0/0: no traffic in the window)"
    return tuple(series), None, None


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if unit == "ratio":
        return percent(value)
    if unit == "seconds":
        return millis(value * 1000.0)
    return f"{value:.4g}"


@dataclass(frozen=True)
class MetricStatus:
    name: str
    state: str = "PENDING"  # PENDING (no query yet), MEASURED, UNMEASURED
    series: tuple[Series, ...] = ()
    values: tuple[float, ...] = ()  # first series' recent values, for the sparkline
    last_error: str | None = None
    last_raw: str = ""
    unmeasured_since: datetime | None = None
    queries: int = 0
    failures: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def value(self) -> float | None:
        return next((item.value for item in self.series if item.value is not None), None)


def apply_sample(status: MetricStatus, sample: MetricSample) -> MetricStatus:
    values = status.values
    if sample.measured and sample.series and sample.series[0].value is not None and not math.isinf(sample.series[0].value):
        values = (*values, sample.series[0].value)[-HISTORY:]
    if sample.measured:
        return replace(status, state="MEASURED", series=sample.series, values=values, last_error=None,
                       last_raw=sample.raw, unmeasured_since=None, queries=status.queries + 1)
    return replace(status, state="UNMEASURED", series=(), last_error=sample.error, last_raw=sample.raw,
                   unmeasured_since=status.unmeasured_since or sample.at, queries=status.queries + 1,
                   failures=status.failures + 1)


def unmeasured_for(status: MetricStatus, now: datetime) -> float:
    if status.unmeasured_since is None:
        return 0.0
    return max(0.0, (now - status.unmeasured_since).total_seconds())


@dataclass(frozen=True)
class MetricView:
    """Everything a metric panel draws: the spec (query, unit, threshold), the status, the triggers on it
    and the series-cap note. `followed` is set in a cockpit that does not query (another one leads)."""

    spec: Any
    status: MetricStatus
    triggers: tuple = ()  # TriggerState of each (trigger, series) on this metric
    note: str = ""
    followed: bool = False
    thresholds: tuple[float, ...] = ()  # the `above` of the value triggers on it, marked beside the sparkline
