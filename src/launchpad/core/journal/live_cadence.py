"""When the prober publishes its live document: states at once, figures once a second, a heartbeat otherwise.

The prober published as soon as anything changed, at most every LIVE_INTERVAL: with 200 probes at 1 s some
latency moved every tenth of a second, so the whole document (and the prober's own probe table) was rebuilt,
written and drawn about eight times a second for figures nobody reads at that pace. A lead must see at once
what changes the verdict: a probe going UP/DOWN/PENDING, a new error, a trigger changing state (a trigger on
consecutive failures or an error rate crossing its threshold is such a change). Figures only (latencies,
percentiles, the trend, error-rate digits, a failure count still counting) wait for the next figures beat,
at most FIGURES_SECONDS after the last publish, which is also when the heartbeat is due: followers still show
the prober's figures within about a second, and a document that stopped getting younger still means a prober
that is gone (live_state.STALE_SECONDS, unchanged).

Pure: the caller gives the time (any monotonic seconds; the prober uses its event loop's) and says what changed.
"""

from __future__ import annotations

from launchpad.core.journal.live_state import HEARTBEAT_SECONDS
from launchpad.core.probes.probe_status import ProbeStatus

URGENT_SECONDS = 0.1  # a state change goes out at most this long after the previous publish
FIGURES_SECONDS = 1.0  # figure-only changes go out at most once this long (followers within about a second)

QUIET, FIGURES, URGENT = 0, 1, 2  # what waits to be published, in rising order


def urgent_change(old: ProbeStatus | None, new: ProbeStatus) -> bool:
    """Whether `new` changes what a lead must see at once against `old` (the status last published): its state
    (UP, DOWN, PENDING) or its error. A streak that starts or ends flips the state; its length growing is a
    figure, and crossing a trigger's threshold is the trigger's own change of state."""
    return old is None or old.state != new.state or old.last_error != new.last_error


class PublishCadence:
    """`mark(urgent)` when something changed; `wait(now)` says how long until the next publish (0: now);
    `published(now)` after each. Marking a change returns True when it brings the next publish forward (the
    publish loop is woken only then: a figure change is due at the heartbeat anyway)."""

    def __init__(self, urgent_seconds: float = URGENT_SECONDS, figures_seconds: float = FIGURES_SECONDS,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS):
        self.gaps = {URGENT: urgent_seconds, FIGURES: figures_seconds, QUIET: heartbeat_seconds}
        self.pending = URGENT  # the first publish goes out at once
        self.last: float | None = None  # when the last publish went out

    def mark(self, urgent: bool) -> bool:
        level = URGENT if urgent else FIGURES
        if level <= self.pending:
            return False
        earlier = self.gaps[level] < self.gaps[self.pending]
        self.pending = level
        return earlier

    def wait(self, now: float) -> float:
        if self.last is None:
            return 0.0
        return max(0.0, self.last + self.gaps[self.pending] - now)

    def published(self, now: float) -> None:
        self.last, self.pending = now, QUIET
