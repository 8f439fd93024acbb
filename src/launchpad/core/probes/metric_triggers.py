"""Rollback triggers on metrics, per series, on injected times.

The kinds are those of core/probes/triggers.py, applied to a metric's value instead of a probe's attempts, and they
reuse its TriggerEvaluator state machine (Prometheus `for:` semantics, resolved after firing):
  threshold, error_rate, response_time   value > above at every evaluation for `for`;
  consecutive_failures                   more than `above` queries in a row with value > when_above;
  degradation                            median over `window` vs the median of the `baseline` before T-0.
A value of None ("could not measure") is insufficient data: it resets a pending `for:` timer, never counts
as a breach and never as a success. Each series of a vector gets its own evaluators, up to the metric's
max_series; the series above the cap are left out with a note.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Iterable

from launchpad.core.probes.metric_config import MetricSpec, MetricTriggerSpec
from launchpad.core.probes.metric_status import MetricSample, format_value
from launchpad.core.probes.probe_status import percentile
from launchpad.core.probes.triggers import TriggerEvaluator, TriggerState, _Measure, percent, span, worse_by

_HARD_CAP = 20000


class _MetricEvaluator(TriggerEvaluator):
    def __init__(self, spec: MetricTriggerSpec, target: str, t0: datetime, unit: str):
        super().__init__(spec, target, t0)  # type: ignore[arg-type]  (same field names as TriggerSpec)
        self.unit = unit
        self._last: float | None = None
        self._seen = False

    def fmt(self, value: float | None) -> str:
        return format_value(value, self.unit)

    why = ""  # why the last value is missing, set by MetricTriggers

    def observe_value(self, at: datetime, value: float | None) -> None:
        self._seen = True
        self._last = value

    def _unknown(self) -> _Measure:
        if not self._seen:
            return _Measure(None, None, f"{self._label()}no query yet (insufficient data)")
        return _Measure(None, None, f"{self._label()}could not measure: {self.why} (insufficient data)")


class ThresholdEvaluator(_MetricEvaluator):
    def _measure(self, now: datetime) -> _Measure:
        if self._last is None:
            return self._unknown()
        above = self._last > self.spec.above
        message = f"{self._label()}{self.fmt(self._last)} {'>' if above else '<='} {self.fmt(self.spec.above)}"
        if self.spec.for_duration:
            message += f" (for {span(self.spec.for_duration)})"
        return _Measure(above, self._last, message)


class ConsecutiveBreachEvaluator(_MetricEvaluator):
    """Argo Rollouts' failureLimit: a could-not-measure query neither breaks nor extends the run."""

    def __init__(self, spec: MetricTriggerSpec, target: str, t0: datetime, unit: str):
        super().__init__(spec, target, t0, unit)
        self._breaches = 0
        self._successes = 0
        self._firing = False

    def observe_value(self, at: datetime, value: float | None) -> None:
        super().observe_value(at, value)
        if value is None:
            return
        if value > self.spec.when_above:
            self._breaches += 1
            self._successes = 0
            if self._breaches > self.spec.above:
                self._firing = True
        else:
            self._successes += 1
            self._breaches = 0
            if self._firing and self._successes >= self.spec.resolve_after:
                self._firing = False

    def evaluate(self, now: datetime) -> TriggerState:
        limit = int(self.spec.above)
        bound = self.fmt(self.spec.when_above)
        if self._last is None and not self._firing:
            measure = self._unknown()
            return self._become("insufficient_data", None, measure.message, now)
        if self._firing:
            message = (f"{self._label()}{self._breaches} queries in a row > {bound} (limit {limit})" if self._breaches
                       else f"{self._label()}recovering: {self._successes} of {self.spec.resolve_after} queries under {bound} needed")
            return self._become("firing", float(self._breaches), message, now)
        if self._breaches:
            return self._become("pending", float(self._breaches), f"{self._label()}{self._breaches} queries in a row > {bound} (fires above {limit})", now)
        return self._become("resolved" if self._has_fired else "ok", 0.0, f"{self._label()}{self.fmt(self._last)} <= {bound}", now)


class MetricDegradationEvaluator(_MetricEvaluator):
    def __init__(self, spec: MetricTriggerSpec, target: str, t0: datetime, unit: str):
        super().__init__(spec, target, t0, unit)
        self._baseline_start = t0 - timedelta(seconds=spec.baseline)
        self._before: list[float] = []
        self._baseline: float | None = None
        self._frozen = False
        self._samples: deque[tuple[datetime, float]] = deque(maxlen=_HARD_CAP)

    def _freeze(self) -> None:
        self._frozen = True
        if len(self._before) >= self.spec.min_samples:
            self._baseline = percentile(self._before, 0.5)

    def observe_value(self, at: datetime, value: float | None) -> None:
        super().observe_value(at, value)
        if value is None:
            return
        if at < self.t0:
            if at >= self._baseline_start and not self._frozen and len(self._before) < _HARD_CAP:
                self._before.append(value)
            return
        if not self._frozen:
            self._freeze()
        self._samples.append((at, value))

    def _measure(self, now: datetime) -> _Measure:
        if now < self.t0:
            return _Measure(None, None, f"{self._label()}baseline freezes at T-0 ({len(self._before)} values so far)")
        if not self._frozen:
            self._freeze()
        if self._baseline is None:
            return _Measure(None, None, f"{self._label()}no baseline: fewer than {self.spec.min_samples} values in the {span(self.spec.baseline)} before T-0")
        oldest = now - timedelta(seconds=self.spec.window)
        while self._samples and self._samples[0][0] <= oldest:
            self._samples.popleft()
        if self._last is None:
            return self._unknown()
        values = [value for _, value in self._samples]
        if len(values) < self.spec.min_samples:
            return _Measure(None, None, f"{self._label()}degradation: {len(values)} of {self.spec.min_samples} values needed over {span(self.spec.window)}")
        current, baseline = percentile(values, 0.5), self._baseline
        ratio = worse_by(current, baseline)
        condition = ratio > self.spec.above and current - baseline >= self.spec.min_difference
        message = (f"{self._label()}median {self.fmt(current)} vs baseline {self.fmt(baseline)}: "
                   f"{percent(ratio) if ratio != float('inf') else 'inf'} worse {'>' if ratio > self.spec.above else '<='} {percent(self.spec.above)}")
        return _Measure(condition, ratio, message)


EVALUATORS = {
    "threshold": ThresholdEvaluator,
    "error_rate": ThresholdEvaluator,
    "response_time": ThresholdEvaluator,
    "consecutive_failures": ConsecutiveBreachEvaluator,
    "degradation": MetricDegradationEvaluator,
}


def series_target(metric: str, shown_labels: str) -> str:
    """The name a trigger state carries: the metric, plus the label set when the vector has several series."""
    return f"{metric}{shown_labels}"


class MetricTriggers:
    """Every trigger on one metric, one evaluator per (trigger, series) up to the metric's cap."""

    def __init__(self, metric: MetricSpec, triggers: Iterable[MetricTriggerSpec], t0: datetime):
        self.metric = metric
        self.specs = [spec for spec in triggers if spec.metric == metric.name]
        self.t0 = t0
        self.evaluators: dict[tuple[str, str], _MetricEvaluator] = {}
        self.note = ""  # set when a vector had more series than the cap

    def initial_states(self) -> dict[tuple[str, str], TriggerState]:
        return {(spec.name, self.metric.name): TriggerState(spec.name, self.metric.name, "insufficient_data", None, None,
                                                          f"{self.metric.name}: no data yet") for spec in self.specs}

    def observe(self, sample: MetricSample, now: datetime) -> dict[tuple[str, str], TriggerState]:
        """Feed one query's answer; returns the state of every evaluator of this metric."""
        if not self.specs:
            return {}
        shown = {series.shown: series.value for series in sample.series[: self.metric.max_series]} if sample.measured else {}
        over = len(sample.series) - self.metric.max_series
        self.note = (f"{len(sample.series)} series: triggers watch the first {self.metric.max_series} by label "
                     f"(max_series), {over} left out") if sample.measured and over > 0 else ""
        for labels in shown:
            for spec in self.specs:
                key = (spec.name, series_target(self.metric.name, labels))
                if key not in self.evaluators:
                    self.evaluators[key] = EVALUATORS[spec.kind](spec, key[1], self.t0, self.metric.unit)
        why = sample.error or "this series is not in the answer (stale or gone)"
        if not self.evaluators:  # no series measured yet: the placeholders say why
            return {key: replace(state, message=f"{self.metric.name}: could not measure: {why} (insufficient data)")
                    for key, state in self.initial_states().items()}
        states: dict[tuple[str, str], TriggerState] = {}
        for key, evaluator in self.evaluators.items():
            labels = key[1][len(self.metric.name):]
            value = shown.get(labels)
            evaluator.why = "the value is NaN" if labels in shown else why
            evaluator.observe_value(sample.at, value)
            states[key] = evaluator.evaluate(now)
        return states
