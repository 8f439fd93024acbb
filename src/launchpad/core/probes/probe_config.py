"""The `[defaults]`, `[[probe]]`, `[[trigger]]` and `[demo]` tables of a plan, read into frozen specs.

Conventions follow blackbox_exporter, Kubernetes probes and Gatus. Everything is checked at load time so
that `launchpad validate` can point at the line: unknown keys, bad durations, invalid URLs
(`invalid_url`), bad conditions, and header templates naming environment variables that are not set.
Header values stay templates here; `resolve_headers` is the one place a secret is materialised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

from launchpad.core.probes.conditions import HINT as CONDITION_HINT
from launchpad.core.probes.conditions import Condition, ConditionError, parse_condition
from launchpad.core.plan.offsets import OffsetError, parse_duration
from launchpad.core.problems import Problem, did_you_mean
from launchpad.core.redact import Redactor, header_secrets, redact_url, url_secrets
from launchpad.core.plan.table_reader import TableReader
from launchpad.core.tomlpos import TomlPositions

PROBE_TABLE_KEYS = {"defaults", "probe", "trigger", "demo"}

SHARED_KEYS = {
    "method",
    "headers",
    "interval",
    "timeout",
    "valid_status_codes",
    "conditions",
    "follow_redirects",
    "max_redirects",
    "body_size_limit",
    "verify_tls",
}
PROBE_KEYS = SHARED_KEYS | {"name", "url"}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

TRIGGER_KINDS = {
    # kind: keys it accepts besides name, kind, probe
    "error_rate": {"above", "window", "min_samples", "for"},
    "response_time": {"above", "aggregate", "window", "min_samples", "for"},
    "consecutive_failures": {"above", "resolve_after"},
    "degradation": {"above", "baseline", "window", "min_samples", "min_difference", "for"},
}
AGGREGATES = ("last", "mean", "p50", "p95", "p99", "max")
DEMO_KEYS = {"host", "port"}
LOOPBACK = ("127.0.0.1", "localhost", "::1")

_TEMPLATE = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
_DURATION_HINT = 'write a duration such as "10s", "500ms", "1m30s" or a number of seconds'


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()  # templates as written, e.g. ("Authorization", "Bearer ${API_TOKEN}")
    interval: float = 10.0
    timeout: float = 5.0
    valid_status_codes: tuple[tuple[int, int], ...] = ((200, 299),)  # inclusive ranges
    conditions: tuple[Condition, ...] = ()
    follow_redirects: bool = True
    max_redirects: int = 10
    body_size_limit: int = 1048576
    verify_tls: bool = True
    line: int | None = None

    def status_is_valid(self, status: int) -> bool:
        return any(low <= status <= high for low, high in self.valid_status_codes)

    @property
    def shown_url(self) -> str:
        """The URL as any panel, message or output may show it: no userinfo, no token values."""
        return redact_url(self.url)


@dataclass(frozen=True)
class TriggerSpec:
    """One rollback trigger. `probe=None` watches every probe (one evaluator per probe).

    kind            above means                     other fields used
    error_rate      fraction of failed attempts     window, min_samples, for_duration
    response_time   seconds (aggregate of latency)  aggregate, window, min_samples, for_duration
    consecutive_failures  failures in a row (fires on above+1)  resolve_after
    degradation     fraction slower than baseline   baseline, window, min_samples, min_difference, for_duration
    """

    name: str
    kind: str
    above: float
    probe: str | None = None
    window: float = 300.0
    min_samples: int = 10
    for_duration: float = 0.0
    aggregate: str = "last"
    resolve_after: int = 2
    baseline: float = 1800.0
    min_difference: float = 0.1
    line: int | None = None


@dataclass(frozen=True)
class DemoSpec:
    host: str = "127.0.0.1"
    port: int = 8787


def template_variables(value: str) -> list[str]:
    return _TEMPLATE.findall(value)


def resolve_headers(spec: ProbeSpec, env: Mapping[str, str]) -> dict[str, str]:
    """Header values with `${VAR}` replaced from env. Raises KeyError naming a missing variable."""

    def substitute(match: re.Match) -> str:
        name = match[1]
        if name not in env:
            raise KeyError(f"header of probe {spec.name} uses ${{{name}}}, which is not set")
        return env[name]

    return {name: _TEMPLATE.sub(substitute, value) for name, value in spec.headers}


def probe_redactor(spec: ProbeSpec, env: Mapping[str, str]) -> Redactor:
    """Everything secret about one probe, as a Redactor: the values its headers take from `${ENV}`, the
    values of credential headers (Authorization, Cookie, X-Api-Key ...), and its URL's userinfo and token
    parameters. Variables that are not set are skipped (validate reports them)."""
    secrets = [env[name] for _, template in spec.headers for name in template_variables(template) if name in env]
    resolved = [(name, _TEMPLATE.sub(lambda m: env.get(m[1], ""), template)) for name, template in spec.headers]
    secrets += header_secrets(resolved)
    secrets += url_secrets(spec.url)
    return Redactor(secrets)


def parse_seconds(value: Any) -> float:
    """`10s`, `1m30m`, `500ms`, `0:30` or a number of seconds -> float seconds. Raises OffsetError."""
    if isinstance(value, bool):
        raise OffsetError(f"bad duration `{value}`")
    if isinstance(value, (int, float)):
        if value < 0:
            raise OffsetError(f"bad duration `{value}`: it cannot be negative")
        return float(value)
    if isinstance(value, str) and value.strip().endswith("ms"):
        number = value.strip()[:-2].strip()
        try:
            result = float(number)
        except ValueError:
            raise OffsetError(f"bad duration `{value}`") from None
        if result < 0:
            raise OffsetError(f"bad duration `{value}`: it cannot be negative")
        return result / 1000.0
    return float(parse_duration(value))


def parse_size(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"bad size `{value}`")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"bad size `{value}`: it must be positive")
        return value
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match:
            size = int(float(match[1]) * _SIZE_UNITS[(match[2] or "B").lower()])
            if size > 0:
                return size
    raise ValueError(f"bad size `{value}`")


def parse_percent(value: Any) -> float:
    """`"5%"` -> 0.05. Bare numbers are refused: `5` and `0.05` are both plausible readings."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1])
        except ValueError:
            pass
        else:
            if number >= 0:
                return number / 100.0
    raise ValueError(f"bad percentage `{value}`")


def check_url(url: Any) -> str | None:
    """Why a probe URL cannot be used, or None. Mirrors what httpx refuses (InvalidURL, UnsupportedProtocol)."""
    if not isinstance(url, str) or not url.strip():
        return "it is empty"
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"it cannot be read ({error})"
    if not parts.scheme:
        return "it has no scheme (start it with http:// or https://)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"the scheme `{parts.scheme}` is not supported (use http or https)"
    if not parts.hostname:
        return "it has no host"
    if port == 0:
        return "port 0 cannot be probed"
    return None


class _Reader(TableReader):
    """Collects problems while reading one table; every message names the table it is about."""

    def __init__(self, path: str, positions: TomlPositions, env: Mapping[str, str]):
        super().__init__(path, positions)
        self.env = env

    problem = TableReader.add

    def each_table(self, doc: Mapping, key: str) -> Iterator[tuple[int, tuple, dict]]:
        """Every `[[key]]` table with its index and key path. A value that is not an array of tables (`[key]`,
        `key = 5`) or an item that is not a table is a problem with its line, never an exception."""
        tables = doc.get(key, [])
        if not isinstance(tables, list):
            self.problem((key,), f"`{key}` must be an array of tables", f"write `[[{key}]]` (double brackets) for each {key}")
            return
        for index, table in enumerate(tables):
            where = (key, index)
            if not isinstance(table, dict):
                self.problem(where, f"each {key} must be a table", f"write `[[{key}]]` followed by its keys")
                continue
            yield index, where, table

    def unique_name(self, table: Mapping, where: tuple, what: str, index: int, taken, example: str) -> str:
        """The table's `name`, with a problem when it is missing, holds control characters or is taken."""
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem((*where, "name"), f"{what} #{index + 1} has no name", f'add `name = "{example}"`')
            return f"#{index + 1}"
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            self.problem((*where, "name"), f"{what} name {name!r} contains control characters", "use plain text")
        elif name in taken:
            self.problem((*where, "name"), f"{what} name `{name}` is used twice", f"give each {what} its own name")
        return name

    def seconds(self, value: Any, where: tuple, what: str, *, positive: bool = True) -> float | None:
        try:
            seconds = parse_seconds(value)
        except OffsetError as error:
            self.problem(where, f"{what}: {error}", _DURATION_HINT)
            return None
        if positive and seconds <= 0:
            self.problem(where, f"{what}: the duration must be more than zero", _DURATION_HINT)
            return None
        return seconds

    def integer(self, value: Any, where: tuple, what: str, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(where, f"{what}: `{value}` is not a whole number >= {minimum}", f"write e.g. `{max(minimum, 3)}`")
            return None
        return value

    def boolean(self, value: Any, where: tuple, what: str) -> bool | None:
        if not isinstance(value, bool):
            self.problem(where, f"{what}: `{value}` is not true or false", "write `true` or `false` (no quotes)")
            return None
        return value

    def status_codes(self, value: Any, where: tuple, what: str) -> tuple[tuple[int, int], ...] | None:
        items = value if isinstance(value, list) else [value]
        ranges: list[tuple[int, int]] = []
        hint = 'write e.g. `[200, 204]`, `["200-299"]` or `["2xx", 301]`'
        for item in items:
            low = high = None
            if isinstance(item, int) and not isinstance(item, bool):
                low = high = item
            elif isinstance(item, str):
                text = item.strip().lower()
                if re.fullmatch(r"[1-5]xx", text):
                    low, high = int(text[0]) * 100, int(text[0]) * 100 + 99
                elif re.fullmatch(r"\d{3}\s*-\s*\d{3}", text):
                    low, high = (int(part) for part in text.split("-"))
                elif re.fullmatch(r"\d{3}", text):
                    low = high = int(text)
            if low is None or high is None or not (100 <= low <= high <= 599):
                self.problem(where, f"{what}: `{item}` is not a status code or range (100-599)", hint)
                return None
            ranges.append((low, high))
        if not ranges:
            self.problem(where, f"{what}: the list is empty", hint)
            return None
        return tuple(ranges)

    def headers(self, value: Any, where: tuple, owner: str) -> tuple[tuple[str, str], ...] | None:
        if not isinstance(value, dict):
            self.problem(where, f"headers of {owner} must be a table", 'write `headers = { Authorization = "Bearer ${API_TOKEN}" }`')
            return None
        result = []
        for name, template in value.items():
            at = (*where, name)
            if not _HEADER_NAME.fullmatch(name):
                self.problem(at, f"header name `{name}` of {owner} is not a valid HTTP header name", "use letters, digits and dashes")
                continue
            if not isinstance(template, str):
                self.problem(at, f"header {name} of {owner} must be a string", 'quote it: `X-Token = "${TOKEN}"`')
                continue
            if any(c in template for c in "\r\n\x00"):
                self.problem(at, f"header {name} of {owner} contains a line break", "header values are one line")
                continue
            if "${" in _TEMPLATE.sub("", template):
                self.problem(at, f"header {name} of {owner} has an unclosed `${{`", "write `${VAR}`")
                continue
            for variable in template_variables(template):
                if not _ENV_NAME.fullmatch(variable):
                    self.problem(at, f"header {name} of {owner} uses `${{{variable}}}`, which is not a variable name", "write `${API_TOKEN}`")
                elif variable not in self.env:
                    # Only the name is reported, never a value.
                    self.problem(
                        at,
                        f"header {name} of {owner} uses ${{{variable}}}, which is not set",
                        f"export {variable}=... before starting launchpad",
                    )
            result.append((name, template))
        return tuple(result)

    def conditions(self, value: Any, where: tuple, owner: str) -> tuple[Condition, ...] | None:
        if not isinstance(value, list):
            self.problem(where, f"conditions of {owner} must be a list of strings", 'write `conditions = ["[STATUS] == 200"]`')
            return None
        parsed = []
        for text in value:
            try:
                parsed.append(parse_condition(text))
            except ConditionError as error:
                self.problem(where, f"bad condition in {owner}: {error}", CONDITION_HINT)
        return tuple(parsed)

    def shared(self, table: dict, where: tuple, owner: str) -> dict[str, Any]:
        """The keys [defaults] and [[probe]] share, converted to ProbeSpec field values."""
        values: dict[str, Any] = {}
        for key, value in table.items():
            at = (*where, key)
            converted: Any = None
            if key == "method":
                if isinstance(value, str) and value.upper() in METHODS:
                    converted = value.upper()
                else:
                    self.problem(at, f"method of {owner}: `{value}` is not an HTTP method", f"use one of {', '.join(METHODS)}")
            elif key in ("interval", "timeout"):
                converted = self.seconds(value, at, f"{key} of {owner}")
            elif key == "valid_status_codes":
                converted = self.status_codes(value, at, f"valid_status_codes of {owner}")
            elif key == "conditions":
                converted = self.conditions(value, at, owner)
            elif key in ("follow_redirects", "verify_tls"):
                converted = self.boolean(value, at, f"{key} of {owner}")
            elif key == "max_redirects":
                converted = self.integer(value, at, f"max_redirects of {owner}", 0)
            elif key == "body_size_limit":
                try:
                    converted = parse_size(value)
                except ValueError as error:
                    self.problem(at, f"body_size_limit of {owner}: {error}", 'write a number of bytes or e.g. "1MiB", "512KiB"')
            elif key == "headers":
                converted = self.headers(value, at, owner)
            if converted is not None:
                values[key] = converted
        return values


def _check_timing(reader: _Reader, spec: ProbeSpec, index: int) -> None:
    if spec.timeout > spec.interval:
        reader.problem(
            ("probe", index, "timeout"),
            f"probe {spec.name}: timeout {spec.timeout:g}s is longer than its interval {spec.interval:g}s",
            "an attempt must end before the next one starts: shorten the timeout or lengthen the interval",
        )


def _read_probes(reader: _Reader, doc: dict) -> list[ProbeSpec]:
    defaults_table = doc.get("defaults", {})
    defaults: dict[str, Any] = {}
    if not isinstance(defaults_table, dict):
        reader.problem(("defaults",), "`defaults` must be a table", "write a `[defaults]` table")
    else:
        reader.unknown_keys(defaults_table, SHARED_KEYS, ("defaults",), "[defaults]")
        defaults = reader.shared({k: v for k, v in defaults_table.items() if k in SHARED_KEYS}, ("defaults",), "[defaults]")

    probes: list[ProbeSpec] = []
    seen: dict[str, int] = {}
    for index, where, table in reader.each_table(doc, "probe"):
        name = reader.unique_name(table, where, "probe", index, seen, "api")
        seen.setdefault(name, index)
        owner = f"probe {name}"
        reader.unknown_keys(table, PROBE_KEYS, where, owner)
        url = table.get("url")
        if url is None:
            reader.problem((*where, "url"), f"{owner} has no url", 'add `url = "https://example.com/health"`')
            url = ""
        else:
            reason = check_url(url)
            if reason:
                reader.problem(
                    (*where, "url"),
                    f"invalid_url: url of {owner} `{redact_url(url) if isinstance(url, str) else url}` is invalid: {reason}",
                    'write a full URL such as "https://api.example.com/health"',
                )
        own = reader.shared({k: v for k, v in table.items() if k in SHARED_KEYS}, where, owner)
        values = dict(defaults)
        if "headers" in defaults and "headers" in own:
            merged = dict(defaults["headers"])
            merged.update(dict(own["headers"]))
            own["headers"] = tuple(merged.items())
        values.update(own)
        spec = ProbeSpec(name=name, url=url if isinstance(url, str) else "", line=reader.positions.line(*where), **values)
        _check_timing(reader, spec, index)
        probes.append(spec)
    return probes


def _read_triggers(reader: _Reader, doc: dict, probe_names: list[str]) -> list[TriggerSpec]:
    triggers: list[TriggerSpec] = []
    names: set[str] = set()
    for index, where, table in reader.each_table(doc, "trigger"):
        name = reader.unique_name(table, where, "trigger", index, names, "Error rate > 5%")
        if "metric" in table:  # a trigger on a metric: core/probes/metric_config reads it
            names.add(name)
            continue
        names.add(name)
        owner = f"trigger {name}"
        kind = table.get("kind")
        if kind not in TRIGGER_KINDS:
            hint = (did_you_mean(str(kind), TRIGGER_KINDS) if kind is not None else "") or f"use one of {', '.join(TRIGGER_KINDS)}"
            reader.problem((*where, "kind"), f"{owner}: kind `{kind}` is not known" if kind is not None else f"{owner} has no kind", hint)
            continue
        allowed = TRIGGER_KINDS[kind] | {"name", "kind", "probe"}
        other_kinds = set().union(*TRIGGER_KINDS.values()) - allowed
        for key in table:
            if key in other_kinds:
                reader.problem(
                    (*where, key),
                    f"`{key}` does not apply to {owner} (kind {kind})",
                    f"kind {kind} takes: {', '.join(sorted(allowed))}",
                )
        reader.unknown_keys({k: v for k, v in table.items() if k not in other_kinds}, allowed, where, f"{owner} (kind {kind})")
        values: dict[str, Any] = {}
        probe = table.get("probe")
        if probe is not None:
            if not isinstance(probe, str) or probe not in probe_names:
                hint = did_you_mean(str(probe), probe_names) or f"known probes: {', '.join(probe_names) or 'none'}; leave `probe` out to watch every probe"
                reader.problem((*where, "probe"), f"{owner} watches probe `{probe}`, which does not exist", hint)
            else:
                values["probe"] = probe
        if "above" not in table:
            example = {"error_rate": '"5%"', "response_time": '"3s"', "consecutive_failures": "3", "degradation": '"50%"'}[kind]
            reader.problem(where, f"{owner} has no `above` threshold", f"add `above = {example}`")
            continue
        above = table["above"]
        at = (*where, "above")
        if kind in ("error_rate", "degradation"):
            try:
                values["above"] = parse_percent(above)
            except ValueError as error:
                reader.problem(at, f"{owner}: {error}", 'write a percentage in quotes, e.g. `above = "5%"`')
                values["above"] = None
        elif kind == "response_time":
            values["above"] = reader.seconds(above, at, f"above of {owner}")
        else:
            count = reader.integer(above, at, f"above of {owner}", 0)
            values["above"] = None if count is None else float(count)
        for key, converter in (
            ("window", lambda v, a: reader.seconds(v, a, f"window of {owner}")),
            ("baseline", lambda v, a: reader.seconds(v, a, f"baseline of {owner}")),
            ("for", lambda v, a: reader.seconds(v, a, f"for of {owner}", positive=False)),
            ("min_difference", lambda v, a: reader.seconds(v, a, f"min_difference of {owner}", positive=False)),
            ("min_samples", lambda v, a: reader.integer(v, a, f"min_samples of {owner}", 1)),
            ("resolve_after", lambda v, a: reader.integer(v, a, f"resolve_after of {owner}", 1)),
        ):
            if key in table and key in allowed:
                values["for_duration" if key == "for" else key] = converter(table[key], (*where, key))
        if "aggregate" in table and "aggregate" in allowed:
            aggregate = table["aggregate"]
            if aggregate in AGGREGATES:
                values["aggregate"] = aggregate
            else:
                hint = did_you_mean(str(aggregate), AGGREGATES) or f"use one of {', '.join(AGGREGATES)}"
                reader.problem((*where, "aggregate"), f"{owner}: aggregate `{aggregate}` is not known", hint)
                values["aggregate"] = None
        if any(value is None for value in values.values()):
            continue
        if kind == "response_time" and values.get("aggregate", "last") == "last":
            values.setdefault("min_samples", 1)  # the latest sample is a complete measurement
        triggers.append(TriggerSpec(name=name, kind=kind, line=reader.positions.line(*where), **values))
    return triggers


def _read_demo(reader: _Reader, doc: dict) -> DemoSpec | None:
    if "demo" not in doc:
        return None
    table = doc["demo"]
    if not isinstance(table, dict):
        reader.problem(("demo",), "`demo` must be a table", "write a `[demo]` table with `port = 8787`")
        return None
    reader.unknown_keys(table, DEMO_KEYS, ("demo",), "[demo]")
    demo = DemoSpec()
    host = table.get("host", demo.host)
    if host not in LOOPBACK:
        reader.problem(("demo", "host"), f"[demo] host `{host}` is not a loopback address", "the demo service only listens on 127.0.0.1")
        return None
    port = table.get("port", demo.port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        reader.problem(("demo", "port"), f"[demo] port `{port}` is not a port number", "write e.g. `port = 8787`")
        return None
    return replace(demo, host=host, port=port)


def parse_probe_tables(
    doc: dict, positions: TomlPositions, path: str, env: Mapping[str, str]
) -> tuple[list[ProbeSpec], list[TriggerSpec], DemoSpec | None, list[Problem]]:
    """Read the probe-related top-level tables of a parsed plan; other keys are the plan loader's."""
    reader = _Reader(path, positions, env)
    probes = _read_probes(reader, doc)
    triggers = _read_triggers(reader, doc, [probe.name for probe in probes])
    demo = _read_demo(reader, doc)
    return probes, triggers, demo, reader.problems
