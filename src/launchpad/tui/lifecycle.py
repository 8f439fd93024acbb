"""Callbacks that outlive the screen: timers and the probe runtime calling in while the app shuts down.

Textual stops an app by first marking it not running, then removing every screen's widgets, then stopping
the message pumps. An interval (the once-a-second tick, the session poll, the probe flush) or a journal
listener that fires in between finds no widgets and raised `NoMatches`, which failed tests at random and
could end a cockpit with a traceback instead of "Session saved". `while_running` drops such late calls;
`CockpitPalette` does the same for the command palette's own countdown timers.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from textual.app import App
from textual.command import CommandList, CommandPalette

Method = TypeVar("Method", bound=Callable[..., Any])


def while_running(method: Method) -> Method:
    """Run `method` only while its app is running: once shutdown begins there is nothing left to draw on."""

    @functools.wraps(method)
    def guarded(self, *args: Any, **kwargs: Any) -> Any:
        app = self if isinstance(self, App) else self.app
        if not app.is_running:
            return None
        return method(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]


class CockpitPalette(CommandPalette):
    """Textual's command palette, whose "no matches" and "busy" countdowns never fire into a removed list
    (seen as `NoMatches: No nodes match 'CommandList'` when the palette closed with the app)."""

    def set_timer(self, delay: float, callback: Callable[[], Any] | None = None, *args: Any, **kwargs: Any):
        if callback is None:
            return super().set_timer(delay, callback, *args, **kwargs)
        inner = callback

        def guarded() -> Any:
            if self.is_attached and self.app.is_running and self.query(CommandList):
                return inner()
            return None

        return super().set_timer(delay, guarded, *args, **kwargs)
