"""Rollback triggers as checklists write them ("Error rate > 5%") read into `[[trigger]]` rules.

A small grammar, not a guess: a line becomes a rule only when it names something a probe measures (error
rate, response time, slowdown against the pre-launch baseline, health-check failures in a row) AND writes
the threshold with a direction launchpad evaluates exactly (strictly above). Everything else ("Security
vulnerability detected", "Data corruption", "Error rate 2x baseline", "p95 latency up 50%") stays a manual
checklist item, with the reason, so that nobody mistakes an invented threshold for a written one.

Semantics, matching core.triggers:
  "Health check failures > 3 consecutive"   consecutive_failures above 3 (fires on the 4th failure in a row)
  "3 consecutive health check failures"     consecutive_failures above 2 (fires on the 3rd)
  "Error rate > 5%"                          error_rate above 5% (strictly) over a 5m window
  "Response time > 3s for 5 minutes"         response_time, last attempt above 3s, held for 5m
  "p95 latency above 800 ms for 10m"         response_time, p95 over the window above 800ms, held for 10m
  "Performance degradation >50%"            degradation: median slower than the pre-T-0 baseline by > 50%
Pure: text in, rule out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(\d+(?:\.\d+)?)"
_TIME_UNITS = {
    "ms": 0.001, "msec": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
}
_UNIT = r"(ms|msec|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b"
_GT = r"(?:>(?!=)|\babove\b|\bover\b|\bexceeds?\b|\bexceeding\b|\bexceeded\b|\bgreater than\b|\bmore than\b|\bhigher than\b|\bin excess of\b)"
_GE = r"(?:>=|≥|=>|\bat least\b|\bor more\b|\bor above\b)"
_LT = r"(?:<|≤|\bbelow\b|\bunder\b|\bless than\b|\blower than\b|\bdrops?\b)"

# "for 5 minutes" holds the condition (Prometheus `for:`); "over the last 10 minutes" is the window measured.
_FOR = re.compile(rf"\b(?:for|sustained for|lasting)\s+(?:more than\s+|over\s+|at least\s+)?{_NUMBER}\s*{_UNIT}", re.I)
_WINDOW_UNIT = r"(m|mins?|minutes?|h|hrs?|hours?)\b"  # windows are minutes or hours: "over 2s" is a threshold
_WINDOW = re.compile(rf"\b(?:over|in|within|during|across)\s+(?:the\s+)?(?:last\s+|past\s+)?(?:a\s+)?{_NUMBER}\s*{_WINDOW_UNIT}",
                     re.I)
_PERCENT = re.compile(rf"{_NUMBER}\s*(?:%|\s*percent\b)", re.I)
_LATENCY_VALUE = re.compile(rf"{_NUMBER}\s*{_UNIT}", re.I)
_RELATIVE = re.compile(r"\b(?:baseline|\d+(?:\.\d+)?\s*x\b|times\s+(?:the\s+)?(?:normal|baseline)|increases?\s+by\s+(?!more|over)|increase\b|rise\b|jump\b|doubles?|vs\.?)", re.I)

_CONSECUTIVE = re.compile(r"\b(?:consecutive|in a row|successive)\b", re.I)
_HEALTH = re.compile(r"\b(?:health[\s-]*checks?|health[\s-]*probes?|health\s+endpoints?|liveness|readiness|probes?)\b", re.I)
_FAIL = re.compile(r"\bfail", re.I)
_ERROR_RATE = re.compile(
    r"\b(?:error[\s-]*(?:rates?|ratio|percentage)|(?:http|server|api|request|5xx)\s+errors?|5xx|"
    r"failure[\s-]*rates?|failed\s+requests|request\s+failures|"
    r"requests?\s+fail\w*|user\s+impact|users?\s+(?:affected|impacted)|impacted\s+users|affected\s+users)\b",
    re.I,
)
_DEGRADATION = re.compile(
    r"\b(?:degradation|degraded|slower|slowdown|slow-down|regression|(?:latency|response[\s-]*times?)\s+increases?)\b", re.I
)
_LATENCY = re.compile(r"\b(?:response[\s-]*times?|latency|latencies|ttfb)\b", re.I)
_AGGREGATES = (
    (re.compile(r"\bp\s*99\b|\b99th\b", re.I), "p99"),
    (re.compile(r"\bp\s*95\b|\b95th\b", re.I), "p95"),
    (re.compile(r"\bp\s*50\b|\b50th\b|\bmedian\b", re.I), "p50"),
    (re.compile(r"\b(?:average|avg|mean)\b", re.I), "mean"),
    (re.compile(r"\b(?:max|maximum|worst)\b", re.I), "max"),
)
# Things people measure that no launchpad probe does: a threshold on them stays manual, never a latency rule.
_OTHER_METRIC = re.compile(
    r"\b(?:cpu|memory|ram|disk|heap|throughput|traffic|conversions?|revenue|sign-?ups?|orders?|queues?|backlog|"
    r"saturation|availability|uptime|pass\s+rate|success\s+rate|apdex|cost|connections?|pods?|replicas?)\b", re.I)
_MARKUP = re.compile(r"[*_`]+")

DEFAULT_WINDOW = "5m"  # launchpad's own defaults, named as such in the plan `init` writes
ERROR_RATE_MIN_SAMPLES = 20
AGGREGATE_MIN_SAMPLES = 10
DEGRADATION_DEFAULTS = (("baseline", "30m"), ("window", "5m"), ("min_samples", 10), ("min_difference", "100ms"))


@dataclass(frozen=True)
class TriggerRule:
    """A trigger line read into one `[[trigger]]`: `fields` are its TOML keys besides name, in order."""

    text: str
    kind: str
    fields: tuple[tuple[str, object], ...]
    reading: str  # what the rule does, in words, for the comment above it
    defaults: tuple[str, ...] = ()  # keys launchpad filled in because the text does not say

    def get(self, key: str, default=None):
        return dict(self.fields).get(key, default)


@dataclass(frozen=True)
class ManualTrigger:
    """A trigger line no probe can evaluate exactly: it stays a checklist item a person watches."""

    text: str
    reason: str


def duration_text(seconds: float) -> str:
    """Seconds as a plan duration: 300 -> `5m`, 90 -> `1m30s`, 0.8 -> `800ms`, 1.5 -> `1500ms`."""
    if seconds != int(seconds) or seconds < 1:
        return f"{seconds * 1000:g}ms"
    rest = int(seconds)
    parts = []
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)


def _seconds(number: str, unit: str) -> float:
    return float(number) * _TIME_UNITS[unit.lower()]


def _number_text(number: str) -> str:
    value = float(number)
    return f"{value:g}"


def _take(pattern: re.Pattern, text: str) -> tuple[re.Match | None, str]:
    """The first match and the text without it, so "over 10 minutes" is not read again as a threshold."""
    match = pattern.search(text)
    if match is None:
        return None, text
    return match, text[: match.start()] + " " + text[match.end():]


def _direction(text: str, start: int, end: int) -> str | None:
    """The comparison written next to a number: "gt", "ge", "lt" or None when none is written.

    Looks at the words just before the number ("> 5%", "more than 5%") and, for "5% or more", just after."""
    before = text[max(0, start - 24): start]
    after = text[end: end + 12]
    if re.search(_GE + r"\s*\(?\s*$", before, re.I) or re.match(r"\s*(?:or more|or above|\+)", after, re.I):
        return "ge"
    if re.search(_LT + r"\s*\(?\s*$", before, re.I):
        return "lt"
    if re.search(_GT + r"\s*\(?\s*(?:by\s+)?$", before, re.I):
        return "gt"
    if re.search(r"\bby\s+(?:more than|over)\s*$", before, re.I):
        return "gt"
    return None


def _refuse_direction(text: str, direction: str | None, what: str) -> ManualTrigger | None:
    if direction == "gt":
        return None
    if direction == "ge":
        return ManualTrigger(text, f"the {what} is written as `at least`; launchpad rules fire strictly above a threshold")
    if direction == "lt":
        return ManualTrigger(text, f"the {what} is a lower bound; launchpad rules fire when a value rises above a threshold")
    return ManualTrigger(text, f"the {what} is written without `>` or `above`: which side fires is not said")


def _one_threshold(original: str, text: str, matches: list, what: str, several: str) -> re.Match | ManualTrigger:
    """The one threshold written, if it is written as strictly above; else the manual item saying why not."""
    if len(matches) != 1:
        return ManualTrigger(original, several)
    match = matches[0]
    return _refuse_direction(original, _direction(text, match.start(), match.end()), what) or match


def _timing(text: str) -> tuple[str, list[tuple[str, object]]]:
    """(text without its durations, [("for", ...), ("window", ...)]) as written."""
    found: list[tuple[str, object]] = []
    held, text = _take(_FOR, text)
    if held:
        found.append(("for", duration_text(_seconds(held[1], held[2]))))
    window, text = _take(_WINDOW, text)
    if window:
        found.append(("window", duration_text(_seconds(window[1], window[2]))))
    return text, found


def _consecutive(original: str, text: str) -> TriggerRule | ManualTrigger | None:
    if not (_CONSECUTIVE.search(text) and _FAIL.search(text) and _HEALTH.search(text)):
        return None
    numbers = list(re.finditer(r"(?<![\w.])(\d+)(?![\w.%])", text))
    if len(numbers) != 1:
        return ManualTrigger(original, "how many failures in a row is not written as one number")
    match = numbers[0]
    count = int(match[1])
    direction = _direction(text, match.start(), match.end())
    if direction == "lt":
        return ManualTrigger(original, "the count is a lower bound; a failure streak rule fires when it grows")
    # "> 3 consecutive" fires on the 4th failure; "3 consecutive failures" (or "at least 3") on the 3rd.
    above = count if direction == "gt" else count - 1
    if above < 0:
        return ManualTrigger(original, "a streak of zero failures is no rule")
    fires = above + 1
    return TriggerRule(
        original, "consecutive_failures", (("above", above), ("resolve_after", 2)),
        f"fires on health-check failure number {fires} in a row; resolves after 2 successes in a row",
        ("resolve_after",),
    )


def _error_rate(original: str, text: str, timing: list) -> TriggerRule | ManualTrigger | None:
    if not _ERROR_RATE.search(text):
        return None
    percents = list(_PERCENT.finditer(text))
    if not percents and not _RELATIVE.search(text):
        return None  # perhaps latency; otherwise manual further down
    if _RELATIVE.search(text):
        return ManualTrigger(original, "the error rate is compared with a baseline or a multiple; launchpad's error-rate "
                                       "rule compares it with a fixed percentage")
    match = _one_threshold(original, text, percents, "error-rate threshold", "more than one percentage is written")
    if isinstance(match, ManualTrigger):
        return match
    above = f"{_number_text(match[1])}%"
    fields: list[tuple[str, object]] = [("above", above)]
    timing = dict(timing)
    defaults: list[str] = []
    if "window" in timing:
        fields.append(("window", timing["window"]))
    else:
        fields.append(("window", DEFAULT_WINDOW))
        defaults.append("window")
    fields.append(("min_samples", ERROR_RATE_MIN_SAMPLES))
    defaults.append("min_samples")
    if "for" in timing:
        fields.append(("for", timing["for"]))
    reading = f"fires when more than {above} of probe attempts fail over {dict(fields)['window']}"
    if re.search(r"\buser|impact", text, re.I):
        reading += " (the share of failed probe attempts stands for the share of users affected)"
    if "for" in timing:
        reading += f", held for {timing['for']}"
    return TriggerRule(original, "error_rate", tuple(fields), reading, tuple(defaults))


def _degradation(original: str, text: str, timing: list) -> TriggerRule | ManualTrigger | None:
    if not _DEGRADATION.search(text):
        return None
    percents = list(_PERCENT.finditer(text))
    if not percents:
        return ManualTrigger(original, "no percentage is written: how much slower is too slow is not said")
    aggregate = next((name for pattern, name in _AGGREGATES if pattern.search(text)), None)
    if aggregate not in (None, "p50"):
        return ManualTrigger(original, f"launchpad's degradation rule compares median latency; this line is about {aggregate}")
    if re.search(r"\b(?:\d+(?:\.\d+)?\s*x|times)\b", text, re.I):
        return ManualTrigger(original, "the slowdown is written as a multiple, not a percentage")
    match = _one_threshold(original, text, percents, "slowdown", "the slowdown is not written as one percentage")
    if isinstance(match, ManualTrigger):
        return match
    above = f"{_number_text(match[1])}%"
    fields: dict[str, object] = {"above": above}
    defaults: list[str] = []
    written = dict(timing)
    for key, value in DEGRADATION_DEFAULTS:
        if key in written:
            fields[key] = written[key]
        else:
            fields[key] = value
            defaults.append(key)
    if "for" in written:
        fields["for"] = written["for"]
    reading = (f"fires when median latency over {fields['window']} is more than {above} above its median in the "
               f"{fields['baseline']} before T-0 (and slower by at least {fields['min_difference']})")
    return TriggerRule(original, "degradation", tuple(fields.items()), reading, tuple(defaults))


def _response_time(original: str, text: str, timing: list) -> TriggerRule | ManualTrigger | None:
    if not _LATENCY.search(text):
        return None
    if _RELATIVE.search(text) or _PERCENT.search(text):
        return ManualTrigger(original, "the latency is compared with a baseline or a multiple, not a written time")
    values = [match for match in _LATENCY_VALUE.finditer(text) if not re.match(r"p\d", text[max(0, match.start() - 1):])]
    values = [match for match in values if not (match.start() > 0 and text[match.start() - 1].lower() == "p")]
    match = _one_threshold(original, text, values, "response-time threshold",
                           "no single response-time threshold (such as `3s` or `800ms`) is written")
    if isinstance(match, ManualTrigger):
        return match
    above = duration_text(_seconds(match[1], match[2]))
    aggregate = next((name for pattern, name in _AGGREGATES if pattern.search(text)), "last")
    written = dict(timing)
    fields: list[tuple[str, object]] = [("aggregate", aggregate), ("above", above)]
    defaults: list[str] = []
    if aggregate == "last":
        if "window" in written:  # "response time > 2s over 5 minutes" without an aggregate: every answer, held
            fields.append(("for", written["window"]))
            reading = f"fires when every response for {written['window']} takes longer than {above}"
        elif "for" in written:
            fields.append(("for", written["for"]))
            reading = f"fires when each response for {written['for']} takes longer than {above}"
        else:
            reading = f"fires when a response takes longer than {above}"
    else:
        window = written.get("window", DEFAULT_WINDOW)
        fields.append(("window", window))
        fields.append(("min_samples", AGGREGATE_MIN_SAMPLES))
        defaults.extend((["window"] if "window" not in written else []) + ["min_samples"])
        if "for" in written:
            fields.append(("for", written["for"]))
        reading = f"fires when the {aggregate} response time over {window} is above {above}"
        if "for" in written:
            reading += f", held for {written['for']}"
    return TriggerRule(original, "response_time", tuple(fields), reading, tuple(defaults))


def read_trigger(line: str) -> TriggerRule | ManualTrigger:
    """One written trigger line -> a rule with exact semantics, or a manual item saying why not."""
    original = " ".join(line.split())
    text = _MARKUP.sub("", original).replace("≥", ">=").replace("≤", "<=").replace("–", "-").replace("—", "-")
    consecutive = _consecutive(original, text)
    if consecutive is not None:
        return consecutive
    other = _OTHER_METRIC.search(text)
    if other:
        return ManualTrigger(original, f"no probe measures {other[0].lower()}: a person watches it")
    text, timing = _timing(text)
    for reader in (_degradation, _error_rate, _response_time):
        result = reader(original, text, timing)
        if result is not None:
            return result
    if _PERCENT.search(text) or _LATENCY_VALUE.search(text):
        return ManualTrigger(original, "none of launchpad's trigger kinds (error rate, response time, slowdown against "
                                       "the baseline, health-check failures in a row) measures this")
    return ManualTrigger(original, "no threshold is written: a person decides")
