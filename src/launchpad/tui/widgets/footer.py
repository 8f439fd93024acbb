"""The Footer, recomposed only when the keys it shows change.

Textual's Footer rebuilds its keys (removes and mounts a widget per key, then a layout of the whole screen,
the 200 probe panels included) every time the screen says its bindings were updated, and a focus change
says so twice: at once, and again after the next frame. Opening the checklist search cost two such layouts
after the search box was drawn, and the first keys typed waited behind them (bench/README.md, "Search
keystroke, session 4"). Here a signal that leaves the keys as they are is let go.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def keys_shown(screen: Screen) -> tuple:
    """What the Footer's compose reads from the screen: every active binding with its state and tooltip."""
    return tuple((key, binding.action, binding.description, binding.show, enabled, tooltip)
                 for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items())


class CockpitFooter(Footer):
    """`Footer`, without a rebuild when the bindings signal leaves its keys unchanged."""

    _shown: tuple | None = None  # the keys of the last compose

    def compose(self):
        self._shown = keys_shown(self.screen) if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's, with two changes: nothing when the keys are the same, and the new keys composed at once
        (`call_later`) rather than after the next frame, so that they come out in the same layout as what moved
        the focus (the search box appearing) instead of a layout of their own a frame later."""
        if self._shown is not None and screen is self.screen and keys_shown(screen) == self._shown:
            return
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_later(self.recompose)
