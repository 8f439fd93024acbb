"""The cockpit's screen: Textual's Screen without the full layouts of start-up Resize events at its own size.

Textual 8 sends the default screen three Resize events as it starts, all at the size it already has: the App's
own first one, the driver's (the App keeps an event of an unchanged size and forwards it when idle), and the one
the screen's first layout posts to itself. Each ran a full layout of the whole cockpit (~60 widgets: 13, 5 and
1 ms of CPU after the 40-50 ms of the first), before the first frame, for nothing: the size is the one the
screen was laid out at, and whatever asked for a layout since (widgets mounted, shown, restyled) already
has one coming on the screen's next update (Screen._on_timer_update), which lays out at the same size. Those
are skipped here; a real change of size is laid out at once, as before, and the Resize still reaches the
screen's other handlers (breakpoint classes, the app's on_resize).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen


class CockpitScreen(Screen):
    def _screen_resized(self, size: Size) -> None:
        laid_out = self._compositor.size
        if laid_out and size == laid_out and not self.app.is_inline:
            return  # laid out at this size already; a layout asked for since runs on the next update, as any
        super()._screen_resized(size)
