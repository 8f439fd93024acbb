"""The four seed rollback triggers at their edges, on an injected clock (no wall-clock reads)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from launchpad.core.probes.probe_config import TriggerSpec
from launchpad.core.probes.probe_status import Attempt
from launchpad.core.probes.triggers import make_evaluator, make_evaluators, span

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ok(when: float, latency: float = 100.0) -> Attempt:
    return Attempt(probe="api", at=at(when), ok=True, status=200, latency_ms=latency)


def bad(when: float, kind: str = "status") -> Attempt:
    if kind == "connect":
        return Attempt(probe="api", at=at(when), ok=False, error_kind="connect", error_message="refused")
    return Attempt(probe="api", at=at(when), ok=False, status=500, latency_ms=50.0, error_kind=kind, error_message="status 500")


def feed(evaluator, attempts):
    state = None
    for attempt in attempts:
        evaluator.observe(attempt)
        state = evaluator.evaluate(attempt.at)
    return state


# -- 1. error rate ---------------------------------------------------------------------------------

ERROR_RATE = TriggerSpec(name="Error rate > 5%", kind="error_rate", above=0.05, window=300, min_samples=20)


def attempts_with_failures(total: int, failures: int, start: float = 0.0, step: float = 5.0):
    """Successes first, failures last, so the rate only reaches its final figure at the last sample."""
    return [ok(start + i * step) if i < total - failures else bad(start + i * step) for i in range(total)]


def test_error_rate_exactly_5_percent_does_not_fire():
    state = feed(make_evaluator(ERROR_RATE, "api", T0), attempts_with_failures(40, 2))
    assert state.state == "ok" and state.value == pytest.approx(0.05)
    assert state.message == "api: error rate 5% <= 5% over 5m (2/40)"


def test_error_rate_above_5_percent_fires_with_the_figure():
    state = feed(make_evaluator(ERROR_RATE, "api", T0), attempts_with_failures(40, 3))
    assert state.state == "firing" and state.value == pytest.approx(0.075)
    assert state.message == "api: error rate 7.5% > 5% over 5m (3/40)"
    assert state.trigger == "Error rate > 5%" and state.probe == "api"


def test_error_rate_below_min_samples_is_insufficient_not_ok():
    state = feed(make_evaluator(ERROR_RATE, "api", T0), [bad(i) for i in range(19)])
    assert state.state == "insufficient_data" and state.value is None
    assert "19 of 20 samples" in state.message
    evaluator = make_evaluator(ERROR_RATE, "api", T0)
    assert evaluator.evaluate(T0).state == "insufficient_data"


def test_error_rate_resolves_when_the_rate_falls_back_to_exactly_5_percent():
    evaluator = make_evaluator(ERROR_RATE, "api", T0)
    state = feed(evaluator, attempts_with_failures(40, 3, step=5))  # t = 0 .. 195
    assert state.state == "firing" and state.since == at(190)  # 2/39 = 5.1% already fired
    state = feed(evaluator, [ok(200 + i * 5) for i in range(19)])  # up to t = 290: 3/59
    assert state.state == "firing" and state.value == pytest.approx(3 / 59)
    state = feed(evaluator, [ok(295)])  # 3/60 = exactly 5%
    assert state.state == "resolved" and state.since == at(295)
    assert state.message == "api: error rate 5% <= 5% over 5m (3/60)"


def test_error_rate_window_slides_old_samples_out():
    evaluator = make_evaluator(ERROR_RATE, "api", T0)
    feed(evaluator, [bad(i) for i in range(20)])  # t = 0 .. 19, all failed
    state = feed(evaluator, [ok(300 + i) for i in range(20)])  # 5 minutes later: only these remain
    assert state.state == "resolved" and state.value == 0.0 and "(0/20)" in state.message


def test_error_rate_counts_unreachable_as_failures():
    state = feed(make_evaluator(ERROR_RATE, "api", T0), [bad(i, "connect") for i in range(20)])
    assert state.state == "firing" and state.value == 1.0


# -- 2. response time sustained (Prometheus `for:`) ------------------------------------------------

SLOW = TriggerSpec(name="Response time > 3s for 5 minutes", kind="response_time", above=3.0, for_duration=300, min_samples=1)


def test_response_time_pending_then_firing_after_the_whole_duration():
    evaluator = make_evaluator(SLOW, "api", T0)
    state = feed(evaluator, [ok(0, 3500)])
    assert state.state == "pending" and state.since == at(0) and state.value == 3.5
    state = feed(evaluator, [ok(t, 3500) for t in range(10, 300, 10)])  # up to 290 s
    assert state.state == "pending"
    state = feed(evaluator, [ok(300, 3500)])
    assert state.state == "firing" and state.since == at(300)
    assert state.message == "api: response time 3.5s > 3s (for 5m)"


def test_response_time_one_good_sample_inside_the_5_minutes_resets():
    evaluator = make_evaluator(SLOW, "api", T0)
    feed(evaluator, [ok(t, 4000) for t in range(0, 150, 10)])
    state = feed(evaluator, [ok(150, 200)])  # one miss
    assert state.state == "ok"
    state = feed(evaluator, [ok(t, 4000) for t in range(160, 460, 10)])  # 160 .. 450: 290 s held
    assert state.state == "pending" and state.since == at(160)
    state = feed(evaluator, [ok(460, 4000)])
    assert state.state == "firing"


def test_response_time_exactly_at_threshold_is_not_above():
    state = feed(make_evaluator(SLOW, "api", T0), [ok(0, 3000)])
    assert state.state == "ok"


def test_response_time_unreachable_is_insufficient_data_and_resets_pending():
    evaluator = make_evaluator(SLOW, "api", T0)
    feed(evaluator, [ok(t, 4000) for t in range(0, 200, 10)])
    state = feed(evaluator, [bad(200, "connect")])
    assert state.state == "insufficient_data" and "no response (connect)" in state.message
    state = feed(evaluator, [ok(t, 4000) for t in range(210, 500, 10)])
    assert state.state == "pending"  # timer restarted at 210


def test_response_time_timeout_counts_as_measured_slow():
    evaluator = make_evaluator(TriggerSpec(name="slow", kind="response_time", above=3.0, min_samples=1), "api", T0)
    timeout = Attempt(probe="api", at=at(0), ok=False, latency_ms=5000.0, error_kind="timeout", error_message="no response within 5s")
    state = feed(evaluator, [timeout])
    assert state.state == "firing"


def test_response_time_windowed_p95():
    spec = TriggerSpec(name="p95", kind="response_time", above=1.0, aggregate="p95", window=60, min_samples=5)
    evaluator = make_evaluator(spec, "api", T0)
    state = feed(evaluator, [ok(i, 100) for i in range(4)])
    assert state.state == "insufficient_data"
    state = feed(evaluator, [ok(10 + i, 100) for i in range(18)] + [ok(30, 2000), ok(31, 2000)])
    assert state.state == "firing" and state.value == 2.0  # 2 of 24 slow samples sit above the 95th rank
    assert "p95 response time over 1m" in state.message


# -- 3. consecutive failures (Argo failureLimit, Gatus success-threshold) ------------------------

FAILS = TriggerSpec(name="Health check failures > 3 consecutive", kind="consecutive_failures", above=3, resolve_after=2)


def test_consecutive_failures_fire_on_the_fourth():
    evaluator = make_evaluator(FAILS, "api", T0)
    assert evaluator.evaluate(T0).state == "insufficient_data"
    states = [feed(evaluator, [bad(i)]).state for i in range(4)]
    assert states == ["pending", "pending", "pending", "firing"]
    state = evaluator.evaluate(at(3))
    assert state.value == 4.0 and state.message == "api: 4 consecutive failures > 3"


def test_a_success_between_failures_starts_the_count_again():
    evaluator = make_evaluator(FAILS, "api", T0)
    state = feed(evaluator, [bad(0), bad(1), bad(2), ok(3), bad(4), bad(5), bad(6)])
    assert state.state == "pending" and state.value == 3.0


def test_consecutive_failures_resolve_after_two_successes():
    evaluator = make_evaluator(FAILS, "api", T0)
    feed(evaluator, [bad(i) for i in range(5)])
    state = feed(evaluator, [ok(5)])
    assert state.state == "firing" and "1 of 2 successes" in state.message
    state = feed(evaluator, [bad(6), ok(7)])  # a failure in between restarts the success count
    assert state.state == "firing"
    state = feed(evaluator, [ok(8)])
    assert state.state == "resolved" and state.since == at(8)


# -- 4. degradation against a baseline frozen at T-0 ---------------------------------------------

DEGRADED = TriggerSpec(
    name="Performance degradation > 50%", kind="degradation", above=0.5, baseline=1800, window=300,
    min_samples=5, min_difference=0.1,
)


def test_degradation_baseline_is_frozen_at_t0():
    evaluator = make_evaluator(DEGRADED, "api", T0)
    feed(evaluator, [ok(-3600, 5000)])  # before the baseline stretch: ignored
    state = feed(evaluator, [ok(-1800 + i * 60, 200) for i in range(30)])
    assert state.state == "insufficient_data" and "baseline freezes at T-0" in state.message
    state = feed(evaluator, [ok(i * 10, 200) for i in range(5)])
    assert evaluator.baseline_ms == 200 and state.state == "ok"
    # later slow samples do not move the baseline
    state = feed(evaluator, [ok(100 + i * 10, 320) for i in range(30)])
    assert evaluator.baseline_ms == 200
    assert state.state == "firing" and state.value == pytest.approx(0.6)
    assert state.message == "api: median 320ms vs baseline 200ms: 60% slower > 50%"


def test_degradation_exactly_50_percent_does_not_fire():
    evaluator = make_evaluator(DEGRADED, "api", T0)
    feed(evaluator, [ok(-600 + i * 60, 200) for i in range(10)])
    state = feed(evaluator, [ok(i * 10, 300) for i in range(10)])
    assert state.state == "ok" and state.value == pytest.approx(0.5)


def test_degradation_needs_the_minimum_absolute_difference():
    evaluator = make_evaluator(DEGRADED, "api", T0)
    feed(evaluator, [ok(-600 + i * 60, 20) for i in range(10)])
    state = feed(evaluator, [ok(i * 10, 60) for i in range(10)])  # 200% slower, but only 40 ms
    assert state.state == "ok" and state.value == pytest.approx(2.0)
    assert "minimum difference" in state.message


def test_degradation_without_a_baseline_is_insufficient_data():
    evaluator = make_evaluator(DEGRADED, "api", T0)
    feed(evaluator, [ok(-60, 200), ok(-30, 200)])  # 2 of 5 samples
    state = feed(evaluator, [ok(i * 10, 5000) for i in range(10)])
    assert state.state == "insufficient_data" and "no baseline: 2 of 5" in state.message


# -- evaluators per probe --------------------------------------------------------------------------


def test_a_trigger_without_probe_watches_every_probe():
    evaluators = make_evaluators([ERROR_RATE, TriggerSpec(name="only web", kind="error_rate", above=0.1, probe="web")], ["api", "web"], T0)
    assert sorted(evaluators) == [("Error rate > 5%", "api"), ("Error rate > 5%", "web"), ("only web", "web")]


def test_span():
    assert [span(300), span(90), span(0.25), span(3600)] == ["5m", "1m30s", "250ms", "1h"]
