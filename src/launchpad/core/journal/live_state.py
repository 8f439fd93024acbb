"""The prober's live figures as one small document every cockpit on the session draws from.

The journal keeps what must last (probe and trigger transitions, per-minute folds); what a probe panel shows
*now* (p50, p95, error rate, consecutive failures, n, last error, the sparkline) lives only in the prober's
memory. Folding the journal again in each follower gave three cockpits three different stories. So the
prober publishes its figures, encoded here, and followers decode and draw exactly those; a document older
than STALE_SECONDS (by the follower's injected clock) means the prober is gone, and its figures are shown as
STALE, never as DOWN. Pure: encoding, decoding and the staleness rule; the file itself is store/live_file.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Mapping

from launchpad.core.probes.metric_status import MetricStatus, Series
from launchpad.core.probes.probe_status import ProbeStatus
from launchpad.core.probes.triggers import TriggerState

VERSION = 1
STALE_SECONDS = 5.0  # the prober rewrites the document at least once a second; five missed beats = gone
HEARTBEAT_SECONDS = 1.0
STALE = "STALE"  # the probe state a follower shows when the figures are older than STALE_SECONDS
NOT_MEASURED = "insufficient_data"


def since_key(moment: datetime | None) -> str:
    """A firing's identity across processes: its start, as text with microseconds (acks name it)."""
    return "" if moment is None else moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _instant(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


@dataclass(frozen=True)
class LiveState:
    """What the prober sees now. `at` is the prober's clock when it wrote the document."""

    prober: str
    pid: int
    at: datetime
    probes: Mapping[str, ProbeStatus]
    triggers: tuple[TriggerState, ...]
    metrics: Mapping[str, MetricStatus] = None  # the prober's PromQL figures, when the plan has [[metric]]s
    notes: Mapping[str, str] = None  # a metric's series-cap note, by metric

    def age(self, now: datetime) -> float:
        return max(0.0, (now - self.at).total_seconds())

    def stale(self, now: datetime) -> bool:
        return self.age(now) > STALE_SECONDS


def encode_status(status: ProbeStatus) -> dict[str, Any]:
    return {"state": status.state, "p50": status.p50, "p95": status.p95, "error_rate": status.error_rate,
            "consecutive_failures": status.consecutive_failures, "n": status.attempts, "failures": status.failures,
            "last_error": status.last_error, "latencies": list(status.latencies),  # exact: the same sparkline
            "latency_ok": list(status.latency_ok)}


def encode_trigger(state: TriggerState) -> dict[str, Any]:
    return {"trigger": state.trigger, "probe": state.probe, "state": state.state, "value": state.value,
            "since": since_key(state.since), "message": state.message}


RAW_KEPT = 2000  # characters of a metric's last raw answer carried to followers (the "show query" view)


def encode_metric(status: MetricStatus) -> dict[str, Any]:
    return {"state": status.state, "values": list(status.values), "last_error": status.last_error,
            "last_raw": status.last_raw[:RAW_KEPT], "queries": status.queries, "failures": status.failures,
            "series": [{"labels": [list(pair) for pair in item.labels], "value": item.value} for item in status.series]}


def decode_metric(name: str, data: Mapping[str, Any]) -> MetricStatus:
    state = data.get("state")
    values = data.get("values") if isinstance(data.get("values"), list) else []
    series = []
    for item in data.get("series") if isinstance(data.get("series"), list) else []:
        if isinstance(item, dict):
            labels = tuple((str(pair[0]), str(pair[1])) for pair in item.get("labels") or []
                           if isinstance(pair, list) and len(pair) == 2)
            series.append(Series(labels, _number(item.get("value"))))
    error, raw = data.get("last_error"), data.get("last_raw")
    return MetricStatus(name, state=state if state in ("PENDING", "MEASURED", "UNMEASURED") else "PENDING",
                        series=tuple(series), values=tuple(v for v in (_number(x) for x in values) if v is not None),
                        last_error=error if isinstance(error, str) else None, last_raw=raw if isinstance(raw, str) else "",
                        queries=_count(data.get("queries")), failures=_count(data.get("failures")))


def figures(statuses: Mapping[str, ProbeStatus], triggers, metrics: Mapping[str, MetricStatus] | None = None,
            notes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The part of the document that changes with the probes and metrics (the prober rewrites only when this
    changes, or when its heartbeat is due)."""
    body = {"probes": {name: encode_status(status) for name, status in statuses.items()},
            "triggers": [encode_trigger(state) for state in triggers]}
    if metrics:
        body["metrics"] = {name: encode_metric(status) for name, status in metrics.items()}
        body["metric_notes"] = {name: note for name, note in (notes or {}).items() if note}
    return body


def encode(prober: str, pid: int, at: datetime, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"version": VERSION, "prober": prober, "pid": pid, "at": since_key(at), **body}


def decode_status(name: str, data: Mapping[str, Any]) -> ProbeStatus:
    state = data.get("state")
    latencies = data.get("latencies") if isinstance(data.get("latencies"), list) else []
    latency_ok = data.get("latency_ok") if isinstance(data.get("latency_ok"), list) else []
    error = data.get("last_error")
    return ProbeStatus(
        name, state=state if state in ("UP", "DOWN", "PENDING") else "PENDING",
        latencies=tuple(v for v in (_number(x) for x in latencies) if v is not None),
        latency_ok=tuple(flag is not False for flag in latency_ok[-len(latencies):]) if latencies else (),
        p50=_number(data.get("p50")), p95=_number(data.get("p95")), error_rate=_number(data.get("error_rate")),
        consecutive_failures=_count(data.get("consecutive_failures")), last_error=error if isinstance(error, str) else None,
        attempts=_count(data.get("n")), failures=_count(data.get("failures")))


def decode_trigger(data: Mapping[str, Any]) -> TriggerState:
    return TriggerState(str(data.get("trigger", "")), str(data.get("probe", "")), str(data.get("state", NOT_MEASURED)),
                        _number(data.get("value")), _instant(data.get("since")), str(data.get("message", "")))


def decode(data: Any) -> LiveState | None:
    """The document back, or None when it is not one (a foreign file, a newer version, a torn write)."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    at = _instant(data.get("at"))
    probes = data.get("probes")
    triggers = data.get("triggers")
    if at is None or not isinstance(probes, dict) or not isinstance(triggers, list):
        return None
    metrics = data.get("metrics") if isinstance(data.get("metrics"), dict) else {}
    notes = data.get("metric_notes") if isinstance(data.get("metric_notes"), dict) else {}
    return LiveState(str(data.get("prober", "")), _count(data.get("pid")), at,
                     {str(name): decode_status(str(name), value) for name, value in probes.items()
                      if isinstance(value, dict)},
                     tuple(decode_trigger(value) for value in triggers if isinstance(value, dict)),
                     {str(name): decode_metric(str(name), value) for name, value in metrics.items() if isinstance(value, dict)},
                     {str(name): str(note) for name, note in notes.items()})


def stale_status(status: ProbeStatus) -> ProbeStatus:
    """Figures from a prober that stopped writing: kept for reference, but the state says they are old."""
    return replace(status, state=STALE)


def unmeasured(state: TriggerState, why: str) -> TriggerState:
    """A trigger nobody can evaluate right now: could not measure (never a failure)."""
    return TriggerState(state.trigger, state.probe, NOT_MEASURED, None, None, f"{state.probe}: {why}")


def describe_source(live: LiveState | None, now: datetime, *, here: bool) -> str:
    """The probe pane's subtitle: whose probes these are and how old the figures are."""
    if here:
        return "probing here"
    if live is None:
        return "no prober yet: waiting for live figures"
    age = live.age(now)
    who = f"{live.prober} (pid {live.pid})" if live.prober else f"pid {live.pid}"
    if live.stale(now):
        return f"STALE: {who} stopped {age:.0f}s ago"
    # Whole seconds, and one text while fresh: a subtitle that changed four times a second repainted the pane.
    return f"from {who} · updated {'<2s' if age < 2 else f'{age:.0f}s'} ago"
