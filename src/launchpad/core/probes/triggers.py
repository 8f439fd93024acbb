"""Rollback triggers, evaluated per (trigger, probe) on injected times — no wall-clock reads here.

The four seed triggers, stated exactly:
  error_rate            failed/all over a sliding window > threshold (strictly: exactly 5% does not fire),
                        needing min_samples attempts in the window;
  response_time         an aggregate of response time > threshold at every evaluation for `for`
                        (Prometheus `for:` semantics: one evaluation below it resets the pending timer);
  consecutive_failures  fires on failure number above+1 in a row (Argo Rollouts failureLimit), resolves
                        after resolve_after successes in a row (Gatus success-threshold);
  degradation           median latency over `window` vs the median of the `baseline` stretch before T-0,
                        frozen at T-0: fires when slower by more than the fraction AND by at least
                        min_difference.
"Could not measure" (too few samples, no baseline, connection failures for latency) is insufficient_data,
never confused with "measured bad".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from launchpad.core.probes.probe_config import TriggerSpec
from launchpad.core.probes.probe_status import Attempt, percentile

STATES = ("insufficient_data", "ok", "pending", "firing", "resolved")
_HARD_CAP = 20000  # samples per evaluator, whatever the window: memory stays bounded


@dataclass(frozen=True)
class TriggerState:
    trigger: str
    probe: str
    state: str  # one of STATES
    value: float | None
    since: datetime | None
    message: str

    @property
    def firing(self) -> bool:
        return self.state == "firing"


def span(seconds: float) -> str:
    """300 -> `5m`, 90 -> `1m30s`, 0.25 -> `250ms`."""
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    rest = int(round(seconds))
    parts = []
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


def millis(value_ms: float) -> str:
    return f"{value_ms:.0f}ms" if value_ms < 1000 else f"{value_ms / 1000:.3g}s"


def worse_by(current: float, baseline: float) -> float:
    """How much worse than its baseline a median is, as a fraction (0.5 = 50 % worse); any rise from a zero
    baseline is infinitely worse. One rule for the probes' and the metrics' degradation triggers."""
    if baseline > 0:
        return (current - baseline) / baseline
    return float("inf") if current > 0 else 0.0


def percent(fraction: float) -> str:
    return f"{fraction * 100:.3g}%"


@dataclass(frozen=True)
class _Measure:
    condition: bool | None  # None = could not measure
    value: float | None
    message: str


class TriggerEvaluator:
    """Base: turns a measure (condition true/false/unknown) into states with `for:` semantics."""

    def __init__(self, spec: TriggerSpec, probe: str, t0: datetime):
        self.spec = spec
        self.probe = probe
        self.t0 = t0
        self._state = "insufficient_data"
        self._since: datetime | None = None
        self._pending_since: datetime | None = None
        self._has_fired = False

    def observe(self, attempt: Attempt) -> None:
        raise NotImplementedError

    def _measure(self, now: datetime) -> _Measure:
        raise NotImplementedError

    def _label(self) -> str:
        return f"{self.probe}: "

    def evaluate(self, now: datetime) -> TriggerState:
        measure = self._measure(now)
        if measure.condition is None:
            self._pending_since = None
            new = "insufficient_data"
        elif measure.condition:
            if self._pending_since is None:
                self._pending_since = now
            held = (now - self._pending_since).total_seconds()
            new = "firing" if held >= self.spec.for_duration else "pending"
        else:
            self._pending_since = None
            new = "resolved" if self._has_fired else "ok"
        message = measure.message
        if new == "pending":
            held = (now - self._pending_since).total_seconds() if self._pending_since else 0.0
            message += f", pending {span(held)} of {span(self.spec.for_duration)}"
        return self._become(new, measure.value, message, now, pending_since=self._pending_since)

    def _become(self, new: str, value: float | None, message: str, now: datetime, pending_since: datetime | None = None) -> TriggerState:
        if new != self._state:
            self._since = pending_since if new == "pending" and pending_since else now
            if new == "firing":
                self._has_fired = True
            self._state = new
        return TriggerState(self.spec.name, self.probe, self._state, value, self._since, message)


def _prune(samples: deque, oldest_allowed: datetime) -> None:
    while samples and samples[0][0] <= oldest_allowed:
        samples.popleft()


class ErrorRateEvaluator(TriggerEvaluator):
    def __init__(self, spec: TriggerSpec, probe: str, t0: datetime):
        super().__init__(spec, probe, t0)
        self._samples: deque[tuple[datetime, bool]] = deque(maxlen=_HARD_CAP)
        self._failures = 0
        self._window = timedelta(seconds=spec.window)

    def observe(self, attempt: Attempt) -> None:
        if len(self._samples) == self._samples.maxlen and not self._samples[0][1]:
            self._failures -= 1
        self._samples.append((attempt.at, attempt.ok))
        if not attempt.ok:
            self._failures += 1
        self._drop_before(attempt.at - self._window)

    def _drop_before(self, oldest_allowed: datetime) -> None:
        while self._samples and self._samples[0][0] <= oldest_allowed:
            _, ok = self._samples.popleft()
            if not ok:
                self._failures -= 1

    def _measure(self, now: datetime) -> _Measure:
        self._drop_before(now - self._window)
        total = len(self._samples)
        window = span(self.spec.window)
        if total < self.spec.min_samples:
            return _Measure(None, None, f"{self._label()}error rate: {total} of {self.spec.min_samples} samples needed over {window}")
        rate = self._failures / total
        relation = ">" if rate > self.spec.above else "<="
        message = f"{self._label()}error rate {percent(rate)} {relation} {percent(self.spec.above)} over {window} ({self._failures}/{total})"
        return _Measure(rate > self.spec.above, rate, message)


class ResponseTimeEvaluator(TriggerEvaluator):
    """Latency of measured attempts only: a refused connection has no response time (insufficient data).

    A timeout counts with its elapsed time, a lower bound of the real response time.
    """

    def __init__(self, spec: TriggerSpec, probe: str, t0: datetime):
        super().__init__(spec, probe, t0)
        self._samples: deque[tuple[datetime, float]] = deque(maxlen=_HARD_CAP)
        self._last: Attempt | None = None
        self._window = timedelta(seconds=spec.window)

    def observe(self, attempt: Attempt) -> None:
        self._last = attempt
        if attempt.measured:
            self._samples.append((attempt.at, float(attempt.latency_ms)))
        _prune(self._samples, attempt.at - self._window)

    def _aggregate(self, values: list[float]) -> float:
        kind = self.spec.aggregate
        if kind == "mean":
            return sum(values) / len(values)
        if kind == "max":
            return max(values)
        fraction = {"p50": 0.5, "p95": 0.95, "p99": 0.99}[kind]
        return percentile(values, fraction)  # type: ignore[return-value]

    def _measure(self, now: datetime) -> _Measure:
        threshold_ms = self.spec.above * 1000.0
        if self.spec.aggregate == "last":
            if self._last is None or not self._last.measured:
                why = "no attempt yet" if self._last is None else f"last attempt had no response ({self._last.error_kind})"
                return _Measure(None, None, f"{self._label()}response time unknown: {why}")
            value = float(self._last.latency_ms)  # type: ignore[arg-type]
            label = "response time"
        else:
            _prune(self._samples, now - self._window)
            values = [latency for _, latency in self._samples]
            if len(values) < self.spec.min_samples:
                return _Measure(
                    None, None,
                    f"{self._label()}{self.spec.aggregate} response time: {len(values)} of {self.spec.min_samples} samples needed over {span(self.spec.window)}",
                )
            value = self._aggregate(values)
            label = f"{self.spec.aggregate} response time over {span(self.spec.window)}"
        relation = ">" if value > threshold_ms else "<="
        message = f"{self._label()}{label} {millis(value)} {relation} {span(self.spec.above)}"
        if self.spec.for_duration:
            message += f" (for {span(self.spec.for_duration)})"
        return _Measure(value > threshold_ms, value / 1000.0, message)


class ConsecutiveFailuresEvaluator(TriggerEvaluator):
    """Attempt-driven: the state changes on observe, evaluate only reports it."""

    def __init__(self, spec: TriggerSpec, probe: str, t0: datetime):
        super().__init__(spec, probe, t0)
        self._failures = 0
        self._successes = 0
        self._seen = 0
        self._firing = False

    def observe(self, attempt: Attempt) -> None:
        self._seen += 1
        if attempt.ok:
            self._successes += 1
            self._failures = 0
            if self._firing and self._successes >= self.spec.resolve_after:
                self._firing = False
        else:
            self._failures += 1
            self._successes = 0
            if self._failures > self.spec.above:
                self._firing = True

    def evaluate(self, now: datetime) -> TriggerState:
        limit = int(self.spec.above)
        if self._seen == 0:
            return self._become("insufficient_data", None, f"{self._label()}no health check yet", now)
        if self._firing:
            if self._failures:
                message = f"{self._label()}{self._failures} consecutive failures > {limit}"
            else:
                message = f"{self._label()}recovering: {self._successes} of {self.spec.resolve_after} successes needed to resolve"
            return self._become("firing", float(self._failures), message, now)
        if self._failures:
            return self._become("pending", float(self._failures), f"{self._label()}{self._failures} consecutive failures (fires above {limit})", now)
        state = "resolved" if self._has_fired else "ok"
        return self._become(state, 0.0, f"{self._label()}0 consecutive failures (fires above {limit})", now)


class DegradationEvaluator(TriggerEvaluator):
    def __init__(self, spec: TriggerSpec, probe: str, t0: datetime):
        super().__init__(spec, probe, t0)
        self._baseline_start = t0 - timedelta(seconds=spec.baseline)
        self._before: list[float] = []
        self._baseline: float | None = None
        self._baseline_count = 0
        self._frozen = False
        self._samples: deque[tuple[datetime, float]] = deque(maxlen=_HARD_CAP)
        self._window = timedelta(seconds=spec.window)

    @property
    def baseline_ms(self) -> float | None:
        return self._baseline

    def _freeze(self) -> None:
        self._frozen = True
        self._baseline_count = len(self._before)
        if self._baseline_count >= self.spec.min_samples:
            self._baseline = percentile(self._before, 0.5)
        self._before = []

    def observe(self, attempt: Attempt) -> None:
        if not attempt.measured:
            return
        latency = float(attempt.latency_ms)  # type: ignore[arg-type]
        if attempt.at < self.t0:
            if attempt.at >= self._baseline_start and not self._frozen and len(self._before) < _HARD_CAP:
                self._before.append(latency)
            return
        if not self._frozen:
            self._freeze()
        self._samples.append((attempt.at, latency))
        _prune(self._samples, attempt.at - self._window)

    def _measure(self, now: datetime) -> _Measure:
        if now < self.t0:
            return _Measure(None, None, f"{self._label()}baseline freezes at T-0 ({len(self._before)} samples so far)")
        if not self._frozen:
            self._freeze()
        if self._baseline is None:
            return _Measure(
                None, None,
                f"{self._label()}no baseline: {self._baseline_count} of {self.spec.min_samples} samples in the {span(self.spec.baseline)} before T-0",
            )
        _prune(self._samples, now - self._window)
        values = [latency for _, latency in self._samples]
        if len(values) < self.spec.min_samples:
            return _Measure(None, None, f"{self._label()}degradation: {len(values)} of {self.spec.min_samples} samples needed over {span(self.spec.window)}")
        current = percentile(values, 0.5)
        baseline = self._baseline
        ratio = worse_by(current, baseline)
        slower_ms = current - baseline
        condition = ratio > self.spec.above and slower_ms >= self.spec.min_difference * 1000.0
        relation = ">" if ratio > self.spec.above else "<="
        message = (
            f"{self._label()}median {millis(current)} vs baseline {millis(baseline)}: "
            f"{percent(ratio) if ratio != float('inf') else 'inf'} slower {relation} {percent(self.spec.above)}"
        )
        if ratio > self.spec.above and not condition:
            message += f", but under the {millis(self.spec.min_difference * 1000)} minimum difference"
        return _Measure(condition, ratio, message)


EVALUATORS = {
    "error_rate": ErrorRateEvaluator,
    "response_time": ResponseTimeEvaluator,
    "consecutive_failures": ConsecutiveFailuresEvaluator,
    "degradation": DegradationEvaluator,
}


def make_evaluator(spec: TriggerSpec, probe: str, t0: datetime) -> TriggerEvaluator:
    return EVALUATORS[spec.kind](spec, probe, t0)


def make_evaluators(
    triggers: Iterable[TriggerSpec], probe_names: Iterable[str], t0: datetime
) -> dict[tuple[str, str], TriggerEvaluator]:
    """One evaluator per (trigger name, probe name); a trigger without `probe` watches every probe."""
    names = list(probe_names)
    evaluators: dict[tuple[str, str], TriggerEvaluator] = {}
    for spec in triggers:
        for probe in [spec.probe] if spec.probe else names:
            if probe in names:
                evaluators[(spec.name, probe)] = make_evaluator(spec, probe, t0)
    return evaluators
