"""Metric tables: sources, queries, units, intervals and metric triggers, each problem with its line and a hint."""

from __future__ import annotations

import tomllib

from launchpad.cli.main import main
from launchpad.core.probes.metric_config import parse_metric_tables
from launchpad.core.plan.plan import load_plan
from launchpad.core.tomlpos import scan

GOOD = """
[source.prod]
address = "https://prom.example.com:9090/"
headers = { Authorization = "Bearer ${PROM_TOKEN}" }
verify_tls = false

[[metric]]
name = "error-ratio"
label = "Error ratio"
prometheus = "http://127.0.0.1:9090"
query = 'sum(rate(demo_requests_total{code=~"5.."}[30s])) / sum(rate(demo_requests_total[30s]))'
unit = "ratio"
interval = "5s"
timeout = "2s"

[[metric]]
name = "p95"
source = "prod"
query = 'histogram_quantile(0.95, sum by (le) (rate(demo_request_duration_seconds_bucket[1m])))'
unit = "seconds"

[[trigger]]
name = "Error rate > 5%"
kind = "error_rate"
metric = "error-ratio"
above = "5%"
for = "10s"

[[trigger]]
name = "p95 > 3s, 3 in a row"
kind = "consecutive_failures"
metric = "p95"
above = 2
when_above = "3s"
"""


def load(text: str, env=None):
    return parse_metric_tables(tomllib.loads(text), scan(text), "plan.toml", env if env is not None else {"PROM_TOKEN": "t"})


def messages(text: str, env=None) -> list[str]:
    return [problem.format() for problem in load(text, env)[2]]


def test_good_tables_read_into_specs():
    metrics, triggers, problems = load(GOOD)
    assert problems == []
    ratio, p95 = metrics
    assert (ratio.source.address, ratio.interval, ratio.timeout, ratio.unit, ratio.title) == (
        "http://127.0.0.1:9090", 5.0, 2.0, "ratio", "Error ratio")
    assert ratio.query.startswith("sum(rate(demo_requests_total{code=~")
    assert (p95.source.name, p95.source.address, p95.source.verify_tls) == ("prod", "https://prom.example.com:9090", False)
    assert p95.source.headers == (("Authorization", "Bearer ${PROM_TOKEN}"),)
    assert (p95.interval, p95.timeout, p95.unmeasured_warning) == (15.0, 10.0, 60.0)
    rate, breaches = triggers
    assert (rate.metric, rate.kind, rate.above, rate.for_duration) == ("error-ratio", "error_rate", 0.05, 10.0)
    assert (breaches.above, breaches.when_above) == (2.0, 3.0)


def test_each_mistake_is_reported_at_its_line():
    text = """
[source.prod]
address = "prom.example.com"

[[metric]]
name = "a"
prometheus = "http://127.0.0.1:9090"

[[metric]]
name = "b"
source = "prdo"
query = "up"

[[metric]]
name = "c"
prometheus = "http://127.0.0.1:9090"
query = "up"
interval = "5s"
timeout = "10s"

[[metric]]
name = "d"
prometheus = "ftp://x"
query = "up"
unit = "percent"

[[trigger]]
name = "t"
kind = "error_rate"
metric = "nope"
above = "5%"
"""
    found = messages(text)
    assert any(m.startswith("plan.toml:3: invalid_url: address of [source.prod]") and "no scheme" in m for m in found), found
    assert any(m.startswith("plan.toml:5: metric a has no query") for m in found), found
    assert any(m.startswith("plan.toml:11: metric b uses source `prdo`, which is not defined") and "did you mean" in m.lower() for m in found), found
    assert any(m.startswith("plan.toml:19: metric c: timeout 10s is longer than its interval 5s") for m in found), found
    assert any(m.startswith("plan.toml:23: invalid_url") and "ftp" in m for m in found), found
    assert any(m.startswith("plan.toml:25: metric d: unit `percent` is not known") for m in found), found
    assert any(m.startswith("plan.toml:30: trigger t watches metric `nope`, which does not exist") for m in found), found
    assert len(found) == 7, found


def test_metric_trigger_keys_checked_and_env_secret_named_not_shown():
    text = GOOD.replace('for = "10s"', 'for = "10s"\nwindow = "5m"').replace("${PROM_TOKEN}", "${PROM_SECRET}")
    found = messages(text, env={})
    assert any("unknown key `window` in trigger Error rate > 5% (kind error_rate on a metric)" in m for m in found), found
    assert any(m.startswith("plan.toml:4: header Authorization of [source.prod] uses ${PROM_SECRET}, which is not set") for m in found), found


def test_plan_carries_metrics_and_validate_counts_them(tmp_path, capsys):
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text('[launch]\nname = "x"\n' + GOOD.replace("${PROM_TOKEN}", "${HOME}"), encoding="utf-8")
    plan, problems = load_plan(plan_file)
    assert problems == []
    assert [m.name for m in plan.metrics] == ["error-ratio", "p95"]
    assert plan.triggers == () and len(plan.metric_triggers) == 2  # a metric trigger never watches the probes
    assert main(["validate", str(plan_file)]) == 0
    assert "0 probes, 2 metrics, 2 triggers: ok" in capsys.readouterr().out
    plan_file.write_text('[launch]\nname = "x"\n\n[[metric]]\nname = "m"\nquery = "up"\n', encoding="utf-8")
    assert main(["validate", str(plan_file)]) == 1
    assert f"{plan_file}:4: metric m has no source" in capsys.readouterr().out


def test_readme_metric_example_is_a_valid_plan(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Triggers on your metrics", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text('[launch]\nname = "x"\n\n' + example, encoding="utf-8")
    plan, problems = load_plan(plan_file, env={"PROM_TOKEN": "t"})
    assert problems == [], [problem.format() for problem in problems]
    assert [trigger.kind for trigger in plan.metric_triggers] == ["error_rate", "consecutive_failures"]
