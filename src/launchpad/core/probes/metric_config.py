"""The `[[metric]]`, `[source.NAME]` and metric `[[trigger]]` tables of a plan, read into frozen specs.

Why a module of its own: metrics are read from a metrics system (Prometheus or anything speaking its HTTP
API), not measured by launchpad, so their tables differ from probes (a PromQL query and a source instead of a
URL) and their triggers compare the metric's value, in the metric's unit, with a threshold. Everything is
checked at load time so `launchpad validate` points at the line. Header values stay `${ENV}` templates here;
the engine resolves them (core/probes/probe_config.resolve_headers does the substitution for both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from launchpad.core.plan.offsets import OffsetError
from launchpad.core.problems import Problem, did_you_mean
from launchpad.core.probes.probe_config import _TEMPLATE, _Reader, check_url, parse_percent, parse_seconds, template_variables
from launchpad.core.redact import Redactor, header_secrets, redact_url, url_secrets
from launchpad.core.tomlpos import TomlPositions

METRIC_TABLE_KEYS = {"metric", "source"}
METRIC_KEYS = {"name", "query", "prometheus", "source", "interval", "timeout", "unit", "label",
               "unmeasured_warning", "max_series"}
SOURCE_KEYS = {"address", "headers", "verify_tls", "ca_file"}
UNITS = ("ratio", "seconds", "count")
METRIC_TRIGGER_KINDS = {
    # kind: keys it accepts besides name, kind, metric
    "threshold": {"above", "for"},
    "error_rate": {"above", "for"},
    "response_time": {"above", "for"},
    "consecutive_failures": {"above", "when_above", "resolve_after"},
    "degradation": {"above", "baseline", "window", "min_samples", "min_difference", "for"},
}
DEFAULT_INTERVAL = 15.0
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_SERIES = 10
_INLINE_SOURCE = "prometheus"  # the name of a source written inline as `prometheus = "http://..."`


@dataclass(frozen=True)
class SourceSpec:
    """Where PromQL is sent: a Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics)."""

    name: str
    address: str
    headers: tuple[tuple[str, str], ...] = ()  # templates as written
    verify_tls: bool = True
    ca_file: str | None = None
    line: int | None = None

    @property
    def shown_address(self) -> str:
        return redact_url(self.address)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    query: str
    source: SourceSpec
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    unit: str = "count"
    label: str = ""
    unmeasured_warning: float = 60.0  # could not measure for longer than this: a warning of its own
    max_series: int = DEFAULT_MAX_SERIES
    line: int | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class MetricTriggerSpec:
    """A rollback trigger on a metric's value (per series). Field names match TriggerSpec so the
    `for:` state machine of core/probes/triggers.TriggerEvaluator serves both.

    kind                  fires when
    threshold, error_rate,
    response_time         value > above, held for `for_duration` (Prometheus `for:`)
    consecutive_failures  more than `above` queries in a row with value > when_above (failureLimit)
    degradation           median over `window` slower than the median of `baseline` before T-0 (frozen at
                          T-0) by more than the fraction `above` and by at least min_difference
    """

    name: str
    kind: str
    metric: str
    above: float
    for_duration: float = 0.0
    when_above: float | None = None
    resolve_after: int = 2
    baseline: float = 1800.0
    window: float = 300.0
    min_samples: int = 3
    min_difference: float = 0.0
    line: int | None = None


def source_redactor(source: SourceSpec, env: Mapping[str, str]) -> Redactor:
    """The source's secrets (env values in its headers, credential headers, URL userinfo and tokens)."""
    secrets = [env[name] for _, template in source.headers for name in template_variables(template) if name in env]
    resolved = [(name, _TEMPLATE.sub(lambda m: env.get(m[1], ""), template)) for name, template in source.headers]
    return Redactor(secrets + header_secrets(resolved) + url_secrets(source.address))


def parse_value(value: Any, unit: str) -> float:
    """A threshold in the metric's unit: `"5%"` (ratio), `"3s"`/`"500ms"` (seconds) or a plain number."""
    if isinstance(value, bool):
        raise ValueError(f"`{value}` is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_percent(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return parse_seconds(value)
        except OffsetError:
            pass
    raise ValueError(f"`{value}` is not a number, percentage or duration")


_UNIT_EXAMPLE = {"ratio": '"5%"', "seconds": '"3s"', "count": "100"}


def _check_address(reader: _Reader, where: tuple, address: Any, owner: str) -> str:
    reason = check_url(address)
    if reason:
        shown = redact_url(address) if isinstance(address, str) else address
        reader.problem(where, f"invalid_url: address of {owner} `{shown}` is invalid: {reason}",
                       'write the Prometheus base URL, e.g. "http://127.0.0.1:9090"')
        return ""
    return address.rstrip("/")


def _read_sources(reader: _Reader, doc: dict) -> dict[str, SourceSpec | None]:
    """Named sources; a source with problems maps to None (reported once, not again by each metric)."""
    tables = doc.get("source", {})
    if not isinstance(tables, dict):
        reader.problem(("source",), "`source` must hold named tables", 'write `[source.prod]` with `address = "http://..."`')
        return {}
    sources: dict[str, SourceSpec | None] = {}
    for name, table in tables.items():
        where = ("source", name)
        sources[name] = None
        owner = f"[source.{name}]"
        if not isinstance(table, dict):
            reader.problem(where, f"{owner} must be a table", f'write `[source.{name}]` then `address = "http://..."`')
            continue
        reader.unknown_keys(table, SOURCE_KEYS, where, owner)
        if "address" not in table:
            reader.problem(where, f"{owner} has no address", 'add `address = "http://127.0.0.1:9090"`')
            continue
        address = _check_address(reader, (*where, "address"), table["address"], owner)
        headers = reader.headers(table["headers"], (*where, "headers"), owner) if "headers" in table else ()
        verify = reader.boolean(table["verify_tls"], (*where, "verify_tls"), f"verify_tls of {owner}") if "verify_tls" in table else True
        ca_file = table.get("ca_file")
        if ca_file is not None and (not isinstance(ca_file, str) or not ca_file.strip()):
            reader.problem((*where, "ca_file"), f"ca_file of {owner} must be a file path", 'write `ca_file = "/etc/ssl/prom-ca.pem"`')
            ca_file = None
        if address:
            sources[name] = SourceSpec(name, address, headers or (), verify is not False, ca_file, reader.positions.line(*where))
    return sources


def _read_metrics(reader: _Reader, doc: dict, sources: dict[str, SourceSpec | None]) -> list[MetricSpec]:
    metrics: list[MetricSpec] = []
    seen: set[str] = set()
    for index, where, table in reader.each_table(doc, "metric"):
        name = reader.unique_name(table, where, "metric", index, seen, "error-ratio")
        seen.add(name)
        owner = f"metric {name}"
        reader.unknown_keys(table, METRIC_KEYS, where, owner)
        ok = True
        query = table.get("query")
        if not isinstance(query, str) or not query.strip():
            reader.problem(where if query is None else (*where, "query"), f"{owner} has no query",
                           "add `query = '...'` with the PromQL to run, e.g. `query = 'sum(rate(http_requests_total[1m]))'`")
            ok = False
        source = None
        if "prometheus" in table and "source" in table:
            reader.problem((*where, "source"), f"{owner} names both `prometheus` and `source`", "keep one of them")
            ok = False
        elif "prometheus" in table:
            address = _check_address(reader, (*where, "prometheus"), table["prometheus"], owner)
            source = SourceSpec(_INLINE_SOURCE, address, line=reader.positions.line(*where, "prometheus")) if address else None
            ok = ok and source is not None
        elif "source" in table:
            named = table["source"]
            source = sources.get(named) if isinstance(named, str) else None
            if source is None and named in sources:
                ok = False  # its own problem is already reported
            elif source is None:
                hint = did_you_mean(str(named), sources) or (
                    f"known sources: {', '.join(sources)}" if sources else 'define it: `[source.NAME]` with `address = "http://..."`')
                reader.problem((*where, "source"), f"{owner} uses source `{named}`, which is not defined", hint)
                ok = False
        else:
            reader.problem(where, f"{owner} has no source", 'add `prometheus = "http://127.0.0.1:9090"` or `source = "NAME"`')
            ok = False
        values: dict[str, Any] = {}
        for key in ("interval", "timeout", "unmeasured_warning"):
            if key in table:
                seconds = reader.seconds(table[key], (*where, key), f"{key} of {owner}")
                ok = ok and seconds is not None
                values[key] = seconds
        if "max_series" in table:
            values["max_series"] = reader.integer(table["max_series"], (*where, "max_series"), f"max_series of {owner}", 1)
            ok = ok and values["max_series"] is not None
        unit = table.get("unit", "count")
        if unit not in UNITS:
            reader.problem((*where, "unit"), f"{owner}: unit `{unit}` is not known",
                           did_you_mean(str(unit), UNITS) or f"use one of {', '.join(UNITS)}")
            ok = False
        label = table.get("label", "")
        if not isinstance(label, str) or any(ord(c) < 32 or ord(c) == 127 for c in label):
            reader.problem((*where, "label"), f"label of {owner} must be one line of text", 'write `label = "Error ratio"`')
            ok = False
        if not ok:
            continue
        interval = values.pop("interval", DEFAULT_INTERVAL)
        timeout = values.pop("timeout", min(DEFAULT_TIMEOUT, interval))
        if timeout > interval:
            reader.problem((*where, "timeout"), f"{owner}: timeout {timeout:g}s is longer than its interval {interval:g}s",
                           "a query must end before the next one starts: shorten the timeout or lengthen the interval")
            continue
        values.setdefault("unmeasured_warning", max(60.0, 3 * interval))
        metrics.append(MetricSpec(name=name, query=query.strip(), source=source, interval=interval, timeout=timeout,
                                  unit=unit, label=label, line=reader.positions.line(*where), **values))
    return metrics


def _read_metric_triggers(reader: _Reader, doc: dict, metrics: list[MetricSpec]) -> list[MetricTriggerSpec]:
    tables = doc.get("trigger", [])
    if not isinstance(tables, list):
        return []  # probe_config reports it
    by_name = {metric.name: metric for metric in metrics}
    triggers: list[MetricTriggerSpec] = []
    for index, table in enumerate(tables):
        if not isinstance(table, dict) or "metric" not in table:
            continue
        where = ("trigger", index)
        name = table.get("name")
        owner = f"trigger {name}"
        if not isinstance(name, str) or not name.strip():
            reader.problem((*where, "name"), f"trigger #{index + 1} has no name", 'add `name = "Error rate > 5%"`')
            continue
        if "probe" in table:
            reader.problem((*where, "probe"), f"{owner} names both a probe and a metric", "a trigger watches one of them")
            continue
        kind = table.get("kind")
        if kind not in METRIC_TRIGGER_KINDS:
            hint = (did_you_mean(str(kind), METRIC_TRIGGER_KINDS) if kind is not None else "") or f"on a metric use one of {', '.join(METRIC_TRIGGER_KINDS)}"
            reader.problem((*where, "kind"), f"{owner}: kind `{kind}` is not known for a metric" if kind is not None else f"{owner} has no kind", hint)
            continue
        allowed = METRIC_TRIGGER_KINDS[kind] | {"name", "kind", "metric"}
        hint = f"kind {kind} on a metric takes: {', '.join(sorted(allowed))}"
        if kind in ("error_rate", "response_time", "threshold"):
            hint += " (the window lives in the PromQL, e.g. rate(...[5m]))"
        reader.unknown_keys(table, allowed, where, f"{owner} (kind {kind} on a metric)")
        metric = by_name.get(table["metric"]) if isinstance(table["metric"], str) else None
        if metric is None:
            reader.problem((*where, "metric"), f"{owner} watches metric `{table['metric']}`, which does not exist",
                           did_you_mean(str(table["metric"]), by_name) or f"known metrics: {', '.join(by_name) or 'none'}")
            continue
        if any(key not in allowed for key in table):
            continue
        if "above" not in table:
            example = "3" if kind == "consecutive_failures" else ('"50%"' if kind == "degradation" else _UNIT_EXAMPLE[metric.unit])
            reader.problem(where, f"{owner} has no `above` threshold", f"add `above = {example}`")
            continue
        values: dict[str, Any] = {}
        at = (*where, "above")
        if kind == "consecutive_failures":
            values["above"] = reader.integer(table["above"], at, f"above of {owner}", 0)
            if "when_above" not in table:
                reader.problem(where, f"{owner} has no `when_above`: the value that counts as a failed query",
                               f"add `when_above = {_UNIT_EXAMPLE[metric.unit]}`")
                continue
        elif kind == "degradation":
            try:
                values["above"] = parse_percent(table["above"])
            except ValueError as error:
                reader.problem(at, f"{owner}: {error}", 'write a percentage in quotes, e.g. `above = "50%"`')
                values["above"] = None
        for key in ("above", "when_above", "min_difference"):
            if key in table and key not in values:
                try:
                    values[key] = parse_value(table[key], metric.unit)
                except ValueError as error:
                    reader.problem((*where, key), f"{key} of {owner}: {error}", f"write it in the metric's unit ({metric.unit}), e.g. {_UNIT_EXAMPLE[metric.unit]}")
                    values[key] = None
        for key, converter in (
            ("for", lambda v, a: reader.seconds(v, a, f"for of {owner}", positive=False)),
            ("window", lambda v, a: reader.seconds(v, a, f"window of {owner}")),
            ("baseline", lambda v, a: reader.seconds(v, a, f"baseline of {owner}")),
            ("min_samples", lambda v, a: reader.integer(v, a, f"min_samples of {owner}", 1)),
            ("resolve_after", lambda v, a: reader.integer(v, a, f"resolve_after of {owner}", 1)),
        ):
            if key in table:
                values["for_duration" if key == "for" else key] = converter(table[key], (*where, key))
        if any(value is None for value in values.values()):
            continue
        values["above"] = float(values["above"])
        triggers.append(MetricTriggerSpec(name=name, kind=kind, metric=metric.name, line=reader.positions.line(*where), **values))
    return triggers


def parse_metric_tables(
    doc: dict, positions: TomlPositions, path: str, env: Mapping[str, str]
) -> tuple[list[MetricSpec], list[MetricTriggerSpec], list[Problem]]:
    """Read `[source.*]`, `[[metric]]` and the `[[trigger]]` tables that name a `metric`."""
    reader = _Reader(path, positions, env)
    sources = _read_sources(reader, doc)
    metrics = _read_metrics(reader, doc, sources)
    triggers = _read_metric_triggers(reader, doc, metrics)
    return metrics, triggers, reader.problems
