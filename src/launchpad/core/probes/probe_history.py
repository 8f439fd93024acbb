"""Probe samples folded per minute: count, errors, p50 and p95 per probe, as the journal keeps them.

A probing cockpit sees one attempt per probe every few seconds; journaling each would make a 28-hour,
20-probe session hundreds of megabytes. One `probe_minute` entry per probe per minute (about 200 bytes)
keeps the figures a report and a replayed sparkline need: 28 h x 20 probes = 33,600 entries, about 7 MB.
Pure: the caller feeds attempts with their times and journals what `MinuteFolder.add` hands back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from launchpad.core.probes.probe_status import percentile

KIND = "probe_minute"
HISTORY_MINUTES = 60  # what the fold keeps per probe: an hour of sparkline, whatever the session's length


@dataclass(frozen=True, slots=True)
class ProbeMinute:
    probe: str
    minute: str  # the minute's start, `2026-11-22T17:41:00.000Z` (kept as text: the fold never parses it)
    count: int
    errors: int
    p50: float | None  # ms, over the attempts that measured a latency
    p95: float | None

    @property
    def error_rate(self) -> float:
        return self.errors / self.count if self.count else 0.0

    def payload(self) -> dict[str, Any]:
        """The journal payload (None figures are left out: TOML has no null)."""
        out: dict[str, Any] = {"minute": self.minute, "count": self.count, "errors": self.errors}
        if self.p50 is not None:
            out["p50"] = self.p50
        if self.p95 is not None:
            out["p95"] = self.p95
        return out


def minute_start(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(second=0, microsecond=0)


def minute_label(moment: datetime) -> str:
    return minute_start(moment).strftime("%Y-%m-%dT%H:%M:00.000Z")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def from_payload(probe: str, payload: Mapping[str, Any] | None) -> ProbeMinute | None:
    """A journaled minute back, or None when the payload is not one (a foreign or damaged entry)."""
    if not payload:
        return None
    count, errors = payload.get("count"), payload.get("errors", 0)
    if type(count) is not int or type(errors) is not int or count < 0:
        return None
    return ProbeMinute(probe, str(payload.get("minute", "")), count, errors, _number(payload.get("p50")),
                       _number(payload.get("p95")))


def fold_minute(probe: str, minute: datetime | str, outcomes: Iterable[bool], latencies: Iterable[float]) -> ProbeMinute:
    """One minute's attempts as its figures (nearest-rank percentiles: every figure was really measured)."""
    outcomes = list(outcomes)
    values = [round(float(value), 1) for value in latencies]
    label = minute if isinstance(minute, str) else minute_label(minute)
    return ProbeMinute(probe, label, len(outcomes), outcomes.count(False),
                       percentile(values, 0.5), percentile(values, 0.95))


class MinuteFolder:
    """Collects attempts per probe and hands back each minute once the probe's next minute begins."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[datetime, list[bool], list[float]]] = {}

    def add(self, probe: str, at: datetime, ok: bool, latency_ms: float | None) -> list[ProbeMinute]:
        start = minute_start(at)
        closed: list[ProbeMinute] = []
        current = self._open.get(probe)
        if current is not None and current[0] != start:
            closed.append(fold_minute(probe, current[0], current[1], current[2]))
            current = None
        if current is None:
            current = (start, [], [])
            self._open[probe] = current
        current[1].append(ok)
        if latency_ms is not None:
            current[2].append(latency_ms)
        return closed

    def flush(self) -> list[ProbeMinute]:
        """Every open minute, folded (at shutdown: the last partial minute is still worth keeping)."""
        out = [fold_minute(probe, start, outcomes, latencies)
               for probe, (start, outcomes, latencies) in self._open.items() if outcomes]
        self._open.clear()
        return out


def sparkline_values(history: Iterable[ProbeMinute]) -> list[float]:
    """What a replayed or following panel draws: the p95 of each minute (0 for a minute with no latency)."""
    return [minute.p95 if minute.p95 is not None else 0.0 for minute in history]
