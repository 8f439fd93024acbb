"""When the prober publishes its live document: a change of state within LIVE_INTERVAL, figures once a second.

Driven with made-up times (the cadence takes `now` from its caller), so nothing here waits or measures time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.core.journal.live_cadence import FIGURES_SECONDS, PublishCadence, urgent_change
from launchpad.core.journal.live_state import HEARTBEAT_SECONDS, STALE_SECONDS
from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.shell.live_snapshot import LiveSnapshot
from launchpad.shell.probes import LIVE_INTERVAL

START = datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc)


def _attempt(name: str, second: float, latency: float, ok: bool = True) -> Attempt:
    return Attempt(name, START + timedelta(seconds=second), ok, 200 if ok else 500, latency, latency,
                   None if ok else "status", None if ok else "status 500 is not in 200-299")


def test_what_a_lead_must_see_at_once_and_what_is_only_a_figure():
    up = apply_attempt(ProbeStatus("api"), _attempt("api", 0, 12.0))
    assert urgent_change(None, up)  # never published
    assert urgent_change(ProbeStatus("api"), up)  # PENDING -> UP
    faster = apply_attempt(up, _attempt("api", 1, 3.0))
    assert faster.p50 != up.p50 and not urgent_change(up, faster)  # latency, percentiles, trend: figures
    down = apply_attempt(faster, _attempt("api", 2, 40.0, ok=False))
    assert urgent_change(faster, down)  # UP -> DOWN, with its error
    still_down = apply_attempt(down, _attempt("api", 3, 41.0, ok=False))
    assert still_down.consecutive_failures == 2 and still_down.error_rate != down.error_rate
    assert not urgent_change(down, still_down)  # the streak counting on and the error-rate digits: figures
    assert urgent_change(still_down, replace(still_down, last_error="timeout: no answer within 5 s"))  # a new error
    assert urgent_change(still_down, apply_attempt(still_down, _attempt("api", 4, 9.0)))  # DOWN -> UP


def test_a_state_flip_goes_out_within_live_interval_even_right_after_a_figures_publish():
    cadence = PublishCadence(urgent_seconds=LIVE_INTERVAL)
    assert cadence.wait(100.0) == 0.0  # the first document goes out at once
    cadence.published(100.0)
    assert cadence.wait(100.0) == HEARTBEAT_SECONDS  # nothing new: the heartbeat
    assert cadence.mark(urgent=False) is False  # a figure: due with the heartbeat, the loop is not woken
    assert cadence.wait(100.3) == pytest.approx(FIGURES_SECONDS - 0.3)
    cadence.published(101.0)  # figures published
    assert cadence.mark(urgent=False) is False
    assert cadence.mark(urgent=True) is True  # a probe goes DOWN 20 ms later: the publish loop is woken
    assert cadence.mark(urgent=True) is False  # already due soon
    flip = 101.02
    assert 0 < cadence.wait(flip) <= LIVE_INTERVAL and cadence.wait(flip) == pytest.approx(LIVE_INTERVAL - 0.02)
    assert cadence.wait(101.0 + LIVE_INTERVAL) == 0.0  # published within LIVE_INTERVAL of the flip
    cadence.published(101.0 + LIVE_INTERVAL)
    assert cadence.mark(urgent=True) is True
    assert cadence.wait(101.15) == pytest.approx(101.0 + 2 * LIVE_INTERVAL - 101.15)  # never more than ten a second


def test_the_heartbeat_keeps_a_live_prober_fresh_and_a_dead_one_goes_stale_as_before():
    """A quiet prober still rewrites its document every HEARTBEAT_SECONDS, so a follower's STALE_SECONDS
    threshold (5 missed heartbeats) still tells a prober that stopped within the same time."""
    cadence, now, publishes = PublishCadence(urgent_seconds=LIVE_INTERVAL), 0.0, []
    while now < 30.0:
        if cadence.wait(now) == 0.0:
            publishes.append(now)
            cadence.published(now)
        now = round(now + 0.01, 2)
    gaps = {round(b - a, 2) for a, b in zip(publishes, publishes[1:])}
    assert gaps == {HEARTBEAT_SECONDS} and HEARTBEAT_SECONDS * 5 <= STALE_SECONDS


def _simulate(probes: int, seconds: float, down: dict[str, float]) -> tuple[list[float], dict[str, float], dict]:
    """The prober's publish path with made-up time in 10 ms steps: each probe attempts once a second (spread
    over the second, a different latency each time), marks its change as ProbeRuntime._on_attempt does
    (against the status last published), and a publish happens whenever the cadence says so (the snapshot
    takes the statuses then). `down`: probe -> second from which it fails. Returns the publish times, when
    each failing probe's DOWN was first published, and what followers would read at the end."""
    names = [f"svc-{index:03d}" for index in range(probes)]
    statuses = {name: ProbeStatus(name) for name in names}
    snapshot, cadence = LiveSnapshot(), PublishCadence(urgent_seconds=LIVE_INTERVAL)
    publishes, seen_down, step, tick = [], {}, 0.01, 0
    while (now := tick * step) < seconds:
        for index, name in enumerate(names):
            if tick % 100 == index * 100 // probes:  # this probe's attempt, once a second
                ok = now < down.get(name, seconds + 1)
                statuses[name] = apply_attempt(statuses[name], _attempt(name, now, 5.0 + (tick * 7 + index) % 13, ok))
                cadence.mark(urgent_change(snapshot.status(name), statuses[name]))
        if cadence.wait(now) == 0.0:
            cadence.published(now)
            snapshot.update(statuses, [])
            publishes.append(now)
            for name in down:
                if snapshot.status(name).state == "DOWN":
                    seen_down.setdefault(name, now)
        tick += 1
    return publishes, seen_down, {name: snapshot.status(name) for name in names}


def test_figure_only_changes_at_200_probes_go_out_about_once_a_second():
    publishes, _, last = _simulate(200, 30.0, {})
    # Before: a publish as soon as anything changed, every LIVE_INTERVAL: ten a second here (300 in 30 s).
    # In the first second the probes go PENDING -> UP one after another (at most ten publishes a second);
    # from then on only figures move: one publish a second.
    steady = [moment for moment in publishes if moment >= 1.0 + LIVE_INTERVAL]
    assert 28 <= len(steady) <= 29
    assert min(b - a for a, b in zip(steady, steady[1:])) >= FIGURES_SECONDS - 1e-9
    assert len(publishes) <= 10 + 1 + 29
    assert all(status.state == "UP" and status.attempts >= 29 for status in last.values())  # followers are current


def test_a_probe_going_down_among_200_is_published_within_live_interval_and_followers_lag_a_second_at_most():
    publishes, seen_down, last = _simulate(200, 20.0, {"svc-050": 10.0, "svc-199": 12.5})
    # svc-050 attempts at x.25 s, svc-199 at x.99 s: the first failed attempt after the given second
    assert 10.25 <= seen_down["svc-050"] <= 10.25 + LIVE_INTERVAL + 1e-9
    assert 12.99 <= seen_down["svc-199"] <= 12.99 + LIVE_INTERVAL + 1e-9
    assert len([moment for moment in publishes if moment >= 1.0 + LIVE_INTERVAL]) <= 19 + 2  # + the two flips
    # every probe's figures as last published are at most FIGURES_SECONDS (plus a step) behind its latest attempt
    assert all(status.attempts >= 19 for status in last.values())
