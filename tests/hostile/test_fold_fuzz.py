"""Fuzz the folds: any sequence of well-formed entries (valid envelope: seq, at, actor, kind, target) with arbitrary
payload values (huge ints, nan/inf, strings, lists, nested tables, wrong types, times out of range) folds without
an exception everywhere a journal is read: the journal StateBuilder, the count (`fold_count` and its summary), the
poll, rollback mode, the replay index, the report, `status --json` and its text, the activity lines."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchpad.cli.session_cmds import _print_text, status_report
from launchpad.core.journal.activity import describe_entry
from launchpad.core.journal.journal import Entry, Header, fold, freeze
from launchpad.core.plan.offsets import MAX_SECONDS
from launchpad.core.plan.plan import load_plan
from launchpad.core.journal.replay import ReplayIndex
from launchpad.core.journal.report import render_report

from .conftest import ROOT

pytestmark = pytest.mark.hostile

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
START = T0 - timedelta(hours=26)
HEADER = Header("VÖR Platform go-live", "/abs/plan.toml", "ab" * 32, T0, START, "alice", "alice")
KINDS = ["check", "uncheck", "note", "event", "handoff", "probe", "trigger", "probe_minute", "hold", "resume",
         "recycle", "scrub", "poll", "vote", "mode", "step", "ack", "future-kind"]
KEYS = ["to", "from", "t0", "reason", "events", "items", "note", "text", "state", "of", "vote", "action", "mode",
        "done", "attempt", "t_clock", "verdict", "result", "trigger", "minute", "ok", "count", "failures", "p50",
        "p95", "latencies", "error", "message", "value", "status", "latency_ms", "since", "until", "x"]
TARGETS = ["", "deploy-backend", "deploy-frontend", "api-health", "devops", "security", "1", "x" * 300, "[/]"]

EXTREMES = [datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc),
            datetime(9999, 12, 31, 23, tzinfo=timezone.utc), datetime(1, 1, 1, 1, tzinfo=timezone.utc)]
moments = st.one_of(
    st.integers(-30 * 3600, 30 * 3600).map(lambda s: T0 + timedelta(seconds=s)),
    st.sampled_from(EXTREMES),
    st.datetimes(timezones=st.just(timezone.utc)),
)
scalars = st.one_of(
    st.integers(), st.sampled_from([0, -1, 2**63, -(2**63), 10**30, 86400 * 401]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([float("nan"), float("inf"), -1e300, 1e300]),
    st.booleans(), st.text(max_size=20),
    st.sampled_from(["T-99999999999h", "T-3h", "T+0", "T-0", "go", "no-go", "done", "rollback", "normal", "open",
                     "close", "planned:hold-1", "seq:1", "9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", "ok", "firing"]),
    st.datetimes(timezones=st.sampled_from([timezone.utc, None])), st.dates(), st.times(), moments, st.none(),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=12)
# `now` is the injected clock (or `status --at`, which refuses more than 400 days from T-0): within that range.
nows = st.integers(-MAX_SECONDS, MAX_SECONDS).map(lambda s: T0 + timedelta(seconds=s))
payloads = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
entry_parts = st.tuples(moments, st.sampled_from(["alice", "bob", "[/]"]), st.sampled_from(KINDS),
                        st.sampled_from(TARGETS), payloads)


@lru_cache(maxsize=1)
def plan():
    loaded, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert loaded is not None and not problems, problems
    return loaded


def journal(parts) -> list[Entry]:
    return [Entry(seq, at, actor, kind, target, freeze(payload)) for seq, (at, actor, kind, target, payload)
            in enumerate(parts, start=1)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(entry_parts, max_size=12), nows)
def test_any_entries_fold_without_an_exception(parts, now):
    entries = journal(parts)
    the_plan = plan()
    state = fold(HEADER, entries)
    count = state.control.count(HEADER.t0, HEADER.created_at, the_plan.holds)
    count.t_clock(now)
    for entry in entries:
        describe_entry(entry, the_plan)
    report = status_report(HEADER, entries, the_plan, now=now)
    json.dumps(report)
    with redirect_stdout(io.StringIO()):
        _print_text(report)
    json.dumps(status_report(HEADER, entries, None, now=now))
    index = ReplayIndex(HEADER, entries, every=3, planned_holds=the_plan.holds)
    for moment in (index.start, index.end, now):
        index.state_at(moment)
    render_report(HEADER, entries, the_plan)
    render_report(HEADER, entries, None)
