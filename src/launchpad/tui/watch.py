"""`launchpad watch`: the whole cockpit, live from the session, that writes nothing and never probes.

A second screen in the war room or a manager's laptop: it offers no key that writes (tui/read_only.py) and
answers each at once, before any prompt.
"""

from __future__ import annotations

from launchpad.tui.app import LaunchpadApp
from launchpad.tui.read_only import is_write, refusal_bindings


class WatchApp(LaunchpadApp):
    BINDINGS = refusal_bindings("p")  # p polls every role in a live cockpit (a replay's p is play/pause)

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, read_only=True, **kwargs)

    def check_action(self, action: str, parameters) -> bool | None:
        if is_write(self.WRITE_ACTIONS, action, parameters):
            return False  # hidden from the Footer and the keys panel: nothing here writes
        return True

    def action_read_only(self, *args) -> None:
        self.refuse_write()
