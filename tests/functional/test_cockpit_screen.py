"""The cockpit's screen lays out for a Resize only when the size changes (tui/cockpit_screen.py).

Textual 8 sent the screen three Resize events at start-up, all at the size it already had, and each re-laid out
the whole cockpit before its first frame. Held here: a Resize at the laid-out size asks for no layout, a real
change of size is laid out at once (the widgets take the new width before anything else runs), and a layout
asked for in between still happens on the screen's next update.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size

from launchpad.tui.cockpit_screen import CockpitScreen

from .conftest import make_app


def _count_layouts(screen) -> list:
    sizes = []
    laid_out = screen._refresh_layout

    def counting(size=None, scroll=False):
        sizes.append(size)
        return laid_out(size, scroll)

    screen._refresh_layout = counting
    return sizes


async def test_a_resize_at_the_same_size_lays_nothing_out_and_a_new_size_does(session):
    app = make_app(session)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CockpitScreen)
        sizes = _count_layouts(screen)
        screen.post_message(events.Resize(Size(160, 50), Size(160, 50)))
        await pilot.pause()
        assert sizes == []  # already laid out at 160x50
        panes = app.query_one("#panes")
        before = panes.size.width
        await pilot.resize_terminal(130, 50)
        await pilot.pause()
        assert Size(130, 50) in sizes
        assert app.query_one("#panes").size.width == before - 30
        sizes.clear()
        app.query_one("#count-bar").styles.height = 4  # a layout asked for, then a Resize at the same size
        screen.post_message(events.Resize(Size(130, 50), Size(130, 50)))
        await pilot.pause()
        assert None in sizes and Size(130, 50) not in sizes  # laid out on the next update, not by the Resize
        assert app.query_one("#count-bar").size.height == 4
