"""The trigger grammar: written rollback triggers -> rules with exact semantics, or manual items with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.plan.checklist import parse_checklist
from launchpad.core.plan.plan_init import trigger_lines
from launchpad.core.probes.probe_config import parse_probe_tables
from launchpad.core.probes.probe_status import Attempt
from launchpad.core.tomlpos import scan
from launchpad.core.plan.trigger_text import ManualTrigger, TriggerRule, read_trigger
from launchpad.core.probes.triggers import make_evaluator

# Every trigger line each seed writes under its rollback-trigger heading, and what it must become.
SEED_TRIGGERS = {
    "000": {
        "Critical functionality broken": None,
        "Performance degradation >50%": ("degradation", {"above": "50%"}),
        "Security vulnerability detected": None,
        "Database corruption": None,
        "More than 5% user impact": ("error_rate", {"above": "5%"}),
    },
    "001": {
        "Critical security vulnerability discovered": None,
        "System performance degraded significantly": None,
        "Data corruption detected": None,
        "Blockchain integration failures": None,
        "User-impacting bugs discovered": None,
    },
    "002": {},
    "003": {
        "High error rate (>5%)": ("error_rate", {"above": "5%"}),
        "Performance degradation (>50% slower)": ("degradation", {"above": "50%"}),
        "Security incidents": None,
        "Data integrity issues": None,
        "Critical business logic failures": None,
    },
    "004": {
        "Error rate > 5%": ("error_rate", {"above": "5%"}),
        "Response time > 3s for 5 minutes": ("response_time", {"above": "3s", "aggregate": "last", "for": "5m"}),
        "Health check failures > 3 consecutive": ("consecutive_failures", {"above": 3}),
    },
}


def check(line: str, expected) -> None:
    result = read_trigger(line)
    if expected is None:
        assert isinstance(result, ManualTrigger), f"{line!r} must stay manual, got {result}"
        assert result.reason
        return
    kind, fields = expected
    assert isinstance(result, TriggerRule), f"{line!r} must become a rule: {result}"
    assert result.kind == kind, line
    for key, value in fields.items():
        assert result.get(key) == value, (line, key, result.fields)
    for key in ("for", "window"):
        if key not in fields and key not in result.defaults:
            assert result.get(key) is None, (line, key, result.fields)


@pytest.mark.parametrize("prefix", sorted(SEED_TRIGGERS))
def test_every_trigger_line_of_each_seed_and_nothing_else(seeds, prefix):
    path = next(seed for seed in seeds if Path(seed).name.startswith(prefix))
    checklist = parse_checklist(Path(path).read_text(encoding="utf-8"), str(path))
    found = {text: read_trigger(text) for text, _, _ in trigger_lines(checklist)}
    assert set(found) == set(SEED_TRIGGERS[prefix])
    for line, expected in SEED_TRIGGERS[prefix].items():
        check(line, expected)


# Phrasings the issue names, and phrasings found in public checklists and runbooks (source in the comment).
PHRASINGS = [
    ("Error rate > 5%", ("error_rate", {"above": "5%"})),
    ("High error rate (>5%)", ("error_rate", {"above": "5%"})),
    ("More than 5% user impact", ("error_rate", {"above": "5%"})),
    ("Response time > 3s for 5 minutes", ("response_time", {"above": "3s", "aggregate": "last", "for": "5m"})),
    ("Performance degradation >50%", ("degradation", {"above": "50%"})),
    ("Performance degradation (>50% slower)", ("degradation", {"above": "50%"})),
    ("Health check failures > 3 consecutive", ("consecutive_failures", {"above": 3})),
    ("p95 latency above 800 ms for 10m", ("response_time", {"above": "800ms", "aggregate": "p95", "for": "10m"})),
    # Rainking6693/Genesis-Rebuild, docs ROLLBACK_PROCEDURES.md: "Error rate > 1%, Pass rate < 95%, P95 latency > 500ms,
    # Service down > 2 min" (auto) and "Security vulnerability, data corruption, customer-impacting bugs" (manual).
    ("Error rate > 1%", ("error_rate", {"above": "1%"})),
    ("P95 latency > 500ms", ("response_time", {"above": "500ms", "aggregate": "p95"})),
    ("Pass rate < 95%", None),
    ("Service down > 2 min", None),
    ("Security vulnerability", None),
    ("data corruption", None),
    ("customer-impacting bugs", None),
    # Andycodeman/awesome-claude-code-toolkit contexts/deploy.md: baseline multiples are no fixed threshold.
    ("Error rate exceeds 2x the pre-deploy baseline.", None),
    ("P99 latency exceeds 3x the pre-deploy baseline.", None),
    ("Health check failures on more than one instance.", None),
    ("Any data corruption or integrity violation.", None),
    ("Customer-reported critical issues within the deploy window.", None),
    # itsnas.me CI/CD rollback cheatsheet: a p95 slowdown is not the median the degradation rule compares.
    ("Error rate increases by more than 2x baseline for 5 minutes.", None),
    ("p95 latency increases by more than 50% for critical endpoints.", None),
    # T.A.R.S. canary rollback tests: "Error rate spike (>5% increase)", "P95 latency > 2x baseline".
    ("Error rate spike (>5% increase)", None),
    ("P95 latency > 2x baseline", None),
    ("Health probe failures", None),
    # neuralliquid/autopr-engine rollback strategy: no numbers at all.
    ("High error rates", None),
    ("Performance degradation", None),
    # SLO-based rollback table ("Error Rate | < 1.0% | > 5.0%").
    ("Error Rate > 5.0%", ("error_rate", {"above": "5%"})),
    # More shapes of the same kinds.
    ("3 consecutive health check failures", ("consecutive_failures", {"above": 2})),
    ("Health checks fail 3 times in a row", ("consecutive_failures", {"above": 2})),
    ("Average response time above 2 seconds over 10 minutes",
     ("response_time", {"above": "2s", "aggregate": "mean", "window": "10m"})),
    ("5xx error rate above 2% over the last 10 minutes", ("error_rate", {"above": "2%", "window": "10m"})),
    ("Latency > 1.5s", ("response_time", {"above": "1500ms", "aggregate": "last"})),
    ("Latency over 2s", ("response_time", {"above": "2s", "aggregate": "last"})),
    ("Response time over 3 seconds for 5 minutes", ("response_time", {"above": "3s", "aggregate": "last", "for": "5m"})),
    ("Median response time over 2s in the last 10 minutes",
     ("response_time", {"above": "2s", "aggregate": "p50", "window": "10m"})),
    ("Response times are acceptable (<500ms)", None),
    ("Error rate >= 5%", None),
    ("CPU usage > 90%", None),
    ("Memory usage above 80% for 10 minutes", None),
    ("Throughput degradation > 20%", None),
    ("Disk errors > 5%", None),
    ("Availability < 99.9%", None),
    ("Server errors above 2%", ("error_rate", {"above": "2%"})),
    ("Error percentage exceeds 0.5% for 3 minutes", ("error_rate", {"above": "0.5%", "for": "3m"})),
]


@pytest.mark.parametrize("line, expected", PHRASINGS, ids=[line for line, _ in PHRASINGS])
def test_phrasings(line, expected):
    check(line, expected)


def test_reasons_say_why_a_line_stays_manual():
    assert "at least" in read_trigger("Error rate >= 5%").reason
    assert "baseline" in read_trigger("Error rate exceeds 2x the pre-deploy baseline.").reason
    assert "median" in read_trigger("p95 latency increases by more than 50% for critical endpoints.").reason
    assert "no threshold" in read_trigger("Data corruption").reason
    assert "lower bound" in read_trigger("Response times are acceptable (<500ms)").reason


T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)


def evaluator_for(line: str):
    """The rule a line becomes, through the plan's own trigger parser, as a live evaluator."""
    rule = read_trigger(line)
    assert isinstance(rule, TriggerRule)
    toml = {"trigger": [{"name": line, "kind": rule.kind, **dict(rule.fields)}]}
    _, triggers, _, problems = parse_probe_tables(toml, scan(""), "plan.toml", {})
    assert not problems, problems
    return make_evaluator(triggers[0], "api", T0)


@pytest.mark.parametrize("line, fires_on", [("Health check failures > 3 consecutive", 4),
                                            ("3 consecutive health check failures", 3)])
def test_consecutive_counts_exactly(line, fires_on):
    evaluator = evaluator_for(line)
    states = []
    for index in range(1, 6):
        at = T0 + timedelta(seconds=10 * index)
        evaluator.observe(Attempt("api", at, ok=False, error_kind="connect"))
        states.append(evaluator.evaluate(at).state)
    assert states.index("firing") + 1 == fires_on


def test_error_rate_fires_strictly_above_the_written_percentage():
    evaluator = evaluator_for("Error rate > 5%")
    at = T0
    for index in range(100):  # exactly 5 failures in 100: 5% is not more than 5%
        at = T0 + timedelta(seconds=index)
        evaluator.observe(Attempt("api", at, ok=index >= 5, status=200 if index >= 5 else 500, latency_ms=10))
    assert evaluator.evaluate(at).state == "ok"
    at += timedelta(seconds=1)
    evaluator.observe(Attempt("api", at, ok=False, status=500, latency_ms=10))
    assert evaluator.evaluate(at).state == "firing"


def test_response_time_must_hold_for_the_written_duration():
    evaluator = evaluator_for("Response time > 3s for 5 minutes")
    states = {}
    for minute in (0, 4, 5):
        at = T0 + timedelta(minutes=minute)
        evaluator.observe(Attempt("api", at, ok=True, status=200, latency_ms=3500))
        states[minute] = evaluator.evaluate(at).state
    assert states == {0: "pending", 4: "pending", 5: "firing"}
