"""One probe attempt, and the rolling status of a probe that the panels draw.

History is bounded (the last RECENT attempts): Statping-ng kept every check in memory and its UI
hung on long-running instances.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

RECENT = 60
ERROR_KINDS = ("dns", "connect", "timeout", "tls", "status", "condition", "too_large", "redirects", "encoding", "error")


@dataclass(frozen=True)
class Attempt:
    probe: str
    at: datetime  # UTC, when the attempt started
    ok: bool
    status: int | None = None
    latency_headers_ms: float | None = None
    latency_ms: float | None = None  # total, including the body; for a timeout, the time until the deadline
    error_kind: str | None = None
    error_message: str | None = None
    body_excerpt: str | None = None
    start_delay_ms: float | None = None  # how late the attempt started against its schedule

    @property
    def measured(self) -> bool:
        """True when the attempt says something about response time (a response, or the deadline hit)."""
        return self.latency_ms is not None and (self.status is not None or self.error_kind == "timeout")

    def describe_error(self) -> str | None:
        if self.ok or not self.error_kind:
            return None
        message = self.error_message or ""
        if message.startswith(self.error_kind):  # "status 500 is not in 200-299" says its kind already
            return message
        return f"{self.error_kind}: {message}".rstrip(": ")


def percentile(values: list[float] | tuple[float, ...], fraction: float) -> float | None:
    """Nearest-rank percentile (no interpolation: every figure shown was really measured)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(round(fraction * 1000)) * len(ordered) // 1000))  # ceil(fraction * n) without float noise
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class ProbeStatus:
    name: str
    state: str = "PENDING"  # "UP" | "DOWN" | "PENDING"
    latencies: tuple[float, ...] = ()  # last RECENT total latencies (ms) of attempts that had one
    latency_ok: tuple[bool, ...] = ()  # beside `latencies`: whether that attempt passed (a sparkline bar of a
    # failed attempt is drawn in the error colour); shorter than `latencies` when the figures came without it
    outcomes: tuple[bool, ...] = ()  # last RECENT attempts, True = ok
    p50: float | None = None
    p95: float | None = None
    error_rate: float | None = None  # over `outcomes`
    consecutive_failures: int = 0
    last_error: str | None = None
    attempts: int = 0
    failures: int = 0
    last_attempt: Attempt | None = None


def apply_attempt(status: ProbeStatus, attempt: Attempt) -> ProbeStatus:
    latencies, latency_ok = status.latencies, status.latency_ok
    if attempt.latency_ms is not None:
        latencies = (*latencies[-(RECENT - 1) :], attempt.latency_ms)
        latency_ok = (*latency_ok[-(RECENT - 1) :], attempt.ok)
    outcomes = (*status.outcomes[-(RECENT - 1) :], attempt.ok)
    return replace(
        status,
        state="UP" if attempt.ok else "DOWN",
        latencies=latencies,
        latency_ok=latency_ok,
        outcomes=outcomes,
        p50=percentile(latencies, 0.5),
        p95=percentile(latencies, 0.95),
        error_rate=outcomes.count(False) / len(outcomes),
        consecutive_failures=0 if attempt.ok else status.consecutive_failures + 1,
        last_error=status.last_error if attempt.ok else attempt.describe_error(),
        attempts=status.attempts + 1,
        failures=status.failures + (0 if attempt.ok else 1),
        last_attempt=attempt,
    )
