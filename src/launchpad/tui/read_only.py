"""What a cockpit that writes nothing (`launchpad watch`, a replay) does with the keys that write elsewhere.

Every key that writes in a live cockpit is taken first by the app and answered "read-only" at once, before any
prompt opens, and none of them is offered: hidden from the Footer and from the `?` keys panel. The panes' own
bindings (s/d/x/r on the timeline, N, n...) would otherwise show and act, so they are shadowed here by priority
bindings rather than filtered one pane at a time.
"""

from __future__ import annotations

from textual.binding import Binding

from launchpad.tui.control import WRITES as CONTROL_WRITES

# The panes' s/d/x/r/N, the count's H/C/R/S/v/X, the app's n/h/w/a.
WRITE_KEYS = ("s", "d", "x", "r", "N", "H", "C", "R", "S", "v", "X", "n", "h", "w", "a")


def refusal_bindings(*more: str) -> list[Binding]:
    """Priority bindings of every write key (and `more`) to `read_only`, shown nowhere."""
    return [Binding(key, "read_only", "Read-only", show=False, priority=True, system=True)
            for key in (*WRITE_KEYS, *more)]


def is_write(write_actions, action: str, parameters) -> bool:
    """Whether an app action writes to the session: one of the app's own, or one of launch control's."""
    return action in write_actions or (action == "control" and bool(parameters) and parameters[0] in CONTROL_WRITES)
