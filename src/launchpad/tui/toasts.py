"""How the cockpit's toasts share the screen: they sit over the Activity pane, so they must not pile up there.

Three "Hold proposed" toasts hid half of Activity at 80x24. So, mixed into LaunchpadApp before Textual's App:
- a toast replaces the one of the same kind still on screen (same title; untitled: same text), never stacks;
- at most one toast per `ROWS_PER_TOAST` rows of terminal shows (80x24: 2, 120x36 and up: 3); the oldest go;
- routine (information) toasts stay `ROUTINE_SECONDS` at most;
- what a warning says is kept whole in Activity (a toast is cut, replaced or dropped; the log line is not);
- `dismiss_toasts(title)` takes a toast down when what it announced is over (ROLLBACK declared, then ended).
Toast text stays literal: LaunchpadApp.notify shows it with markup=False, always.
"""

from __future__ import annotations

from rich.text import Text
from textual.notifications import Notify

ROUTINE_SECONDS = 4.0  # an information toast (someone's tick, a confirmation): read once, then it goes
ROWS_PER_TOAST = 12
MOST_TOASTS = 3


def toast_timeout(severity: str, timeout: float | None) -> float | None:
    """Routine toasts are short: an information toast stays ROUTINE_SECONDS at most; others as asked."""
    if severity == "information":
        return ROUTINE_SECONDS if timeout is None else min(timeout, ROUTINE_SECONDS)
    return timeout


def _kind(notification) -> str:
    return notification.title or notification.message


class ToastRoom:
    """The Notify handler of the cockpit: coalesce, cap, and keep warnings in Activity (see the module)."""

    def _on_notify(self, event: Notify) -> None:
        event.prevent_default()  # Textual's own handler would add it again, uncoalesced
        new = event.notification
        shown = self._notifications
        for old in list(shown):
            if _kind(old) == _kind(new):
                del shown[old]
        shown.add(new)
        most = max(1, min(MOST_TOASTS, self.size.height // ROWS_PER_TOAST))
        for old in list(shown)[:-most]:  # oldest first
            del shown[old]
        self._refresh_notifications()

    def dismiss_toasts(self, title: str) -> None:
        """Take down the toasts with this title (what they announced is over)."""
        gone = [toast for toast in self._notifications if toast.title == title]
        for toast in gone:
            del self._notifications[toast]
        if gone:
            self._refresh_notifications()

    def keep_in_activity(self, title: str, text: str) -> None:
        """A warning's whole text as an Activity line (UI thread; the toast itself may be cut or replaced)."""
        from launchpad.tui.widgets.activity_pane import ActivityPane

        try:
            pane = self.cockpit.query_one(ActivityPane)
        except Exception:  # not composed yet (a notice before mount) or torn down: the toast still says it
            return
        line = Text(no_wrap=False)
        line.append(f"{self.clock():%H:%M:%S} ", style="dim")
        line.append("⚠ " + (f"{title}: " if title else ""), style="bold")
        line.append(text)
        pane.add(line)
