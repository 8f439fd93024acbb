"""Checklist search and folding in the pane itself: each key filters the rows once, and only the rows on screen
are drawn (the pane's cost must not grow with the plan: issue 13, keys in one frame)."""

from __future__ import annotations

from launchpad.tui.widgets.checklist_pane import ChecklistPane

from .conftest import make_app


def count_calls(monkeypatch, owner, name: str) -> list:
    calls: list = []
    original = getattr(owner, name)

    def counted(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def shown_ids(pane: ChecklistPane) -> list[str]:
    return [row.key for row in pane.tree.rows if row.kind == "task"]


def layouts_asked_in_the_pane(monkeypatch) -> list:
    """Widgets of the checklist pane (box, rows, their scrollbars, the pane) that ask for a new layout of the
    screen. Only these: a toast that times out while a slow machine runs the test lays the screen out too."""
    from textual.widget import Widget

    asked: list = []
    refresh = Widget.refresh

    def recorded(self, *regions, **kwargs):
        if kwargs.get("layout") and any(isinstance(node, ChecklistPane) for node in self.ancestors_with_self):
            asked.append(self)
        return refresh(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", recorded)
    return asked


async def test_each_search_key_filters_the_pane_once(session, monkeypatch):
    rebuilds = count_calls(monkeypatch, ChecklistPane, "_rebuild")
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2", "slash")
        pane = pilot.app.query_one(ChecklistPane)
        before = len(rebuilds)
        await pilot.press(*"roll")
        await pilot.pause()
        assert len(rebuilds) - before == 4  # one per key, none from the ticks of the clocks in between
        ids = shown_ids(pane)
        assert ids and all("roll" in (pane._tasks_by_id[i].text + i).lower() for i in ids)
        narrowed = [i for i in ids if "rollback" in (pane._tasks_by_id[i].text + i).lower()]
        await pilot.press(*"back")
        await pilot.pause()
        assert shown_ids(pane) == narrowed  # a longer query keeps exactly those that still match, in order
        assert "search: rollback" in str(pane.border_subtitle)
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert shown_ids(pane) == ids  # a shorter one finds again what the longer one had left out
        await pilot.press("escape")
        await pilot.pause()
        assert len(shown_ids(pane)) == len(pilot.app.plan.tasks)


async def test_only_the_rows_on_screen_are_labelled(session, monkeypatch):
    labels = count_calls(monkeypatch, ChecklistPane, "_task_label")
    async with make_app(session).run_test(size=(80, 24)) as pilot:  # narrow: the checklist has ~15 rows
        await pilot.press("2")
        await pilot.pause()
        pane = pilot.app.query_one(ChecklistPane)
        height = pane.tree.scrollable_content_region.height
        assert len(pane._task_nodes) > 2 * height  # more items than fit
        labels.clear()
        await pilot.press("slash", "e")
        await pilot.pause()
        assert 0 < len(labels) <= 2 * height  # what a frame shows (and re-shows), not every matching item
        labels.clear()
        await pilot.press("escape", "down", "down")
        await pilot.pause()
        assert len(labels) <= 2 * height


async def test_folding_a_section_hides_its_items_and_keys_move_over_it(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        pane = pilot.app.query_one(ChecklistPane)
        tree = pane.tree
        await pilot.press("down", "down")  # the first checklist, then its first section
        section = tree.cursor_node
        assert section.kind == "section"
        under = len(tree.rows)
        await pilot.press("enter")
        await pilot.pause()
        assert tree.cursor_node is section and len(tree.rows) < under
        await pilot.press("down")
        assert tree.cursor_node.depth <= section.depth  # the next section, not a folded-away item
        await pilot.press("up", "space")  # space on a section folds too
        await pilot.pause()
        assert len(tree.rows) == under
        await pilot.press("end")
        assert tree.cursor_line == len(tree.rows) - 1
        assert pane.highlighted_task() is not None
        assert f"#{pane.highlighted_task().id}" in pilot.app.query_one("#checklist-detail").render().plain


async def test_a_search_key_draws_the_box_the_rows_and_the_subtitle_in_one_frame(session, monkeypatch):
    """Through the Input.Changed message the box came out in a frame of its own and the filtered rows in the
    next one, which Textual's update timer puts 17-33 ms later; and each key re-laid out the whole screen."""
    from textual.screen import Screen

    frames: list[set[str]] = []
    update = Screen._on_timer_update

    def recorded(self):
        frames.append({type(widget).__name__ for widget in self._dirty_widgets})
        return update(self)

    monkeypatch.setattr(Screen, "_on_timer_update", recorded)
    layouts = layouts_asked_in_the_pane(monkeypatch)
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", "r")
        await pilot.pause()
        pane = pilot.app.query_one(ChecklistPane)
        before = len(pane.tree.rows)
        frames.clear()
        layouts.clear()
        await pilot.press("o")
        await pilot.pause()
        assert len(pane.tree.rows) < before and pane.tree.show_vertical_scrollbar  # filtered, still scrolling
        with_box = [frame for frame in frames if "SearchInput" in frame]
        assert with_box and {"ChecklistTree", "ChecklistPane"} <= with_box[0]
        assert layouts == []  # no widget of the pane changed size: nothing to lay out again


async def test_the_scrollbar_follows_the_rows_a_search_leaves_without_a_layout(session, monkeypatch):
    """The scrollbar stays (an empty track when all rows fit): hiding it re-laid out the whole screen."""
    layouts = layouts_asked_in_the_pane(monkeypatch)
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash")
        await pilot.pause()
        tree = pilot.app.query_one(ChecklistPane).tree
        height = tree.scrollable_content_region.height
        assert len(tree.rows) > height and tree.max_scroll_y > 0
        layouts.clear()
        await pilot.press(*"rollb")
        await pilot.pause()
        assert len(tree.rows) <= height  # a handful of rows: all on screen, nothing to scroll
        assert tree.max_scroll_y == 0 and tree.vertical_scrollbar.window_virtual_size == len(tree.rows)
        assert tree.scrollable_content_region.height == height  # same room: the rows keep their width
        assert layouts == []
        await pilot.press("escape")  # the search box goes: the rows get its room (a layout, rightly)
        await pilot.pause()
        height = tree.scrollable_content_region.height
        assert tree.vertical_scrollbar.window_virtual_size == len(tree.rows) > height
        assert tree.max_scroll_y == len(tree.rows) - height
        assert not tree.show_horizontal_scrollbar


async def test_a_query_longer_than_the_box_scrolls_to_the_cursor(session):
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash")
        search = pilot.app.query_one("#checklist-search")
        await pilot.press(*("x" * 90), "y")
        await pilot.pause()
        assert search.virtual_size.width == 92  # the text and the cursor after it
        assert search.scroll_x == search.max_scroll_x > 0
        assert search.render_line(0).text.rstrip().endswith("xy")  # the end of the query shows, by the cursor


def drawn(tree, row) -> str:
    """The text of the row as the tree draws it now (it must be on screen)."""
    return tree.render_line(tree.line_of(row) - tree.scroll_offset.y).text


async def test_rows_drawn_once_are_reused_by_the_next_keys_and_redrawn_when_they_change(session, monkeypatch):
    labels = count_calls(monkeypatch, ChecklistPane, "_task_label")
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", "r")
        await pilot.pause()
        tree = pilot.app.query_one(ChecklistPane).tree
        labels.clear()
        await pilot.press("backspace", "r")  # every row back, then the same rows as before: all drawn already
        await pilot.pause()
        assert labels == []
        await pilot.press("enter")  # to the list, on the first item
        await pilot.pause()
        item = tree.cursor_node
        assert "[ ]" in drawn(tree, item)
        await pilot.press("space")  # a tick changes the label: drawn again
        await pilot.pause()
        assert "[x]" in drawn(tree, item)
        section = next(row for row in tree.rows if row.kind == "section")
        tree.move_cursor(section)
        assert "▼" in drawn(tree, section)
        await pilot.press("enter")  # folded: the same row, another icon
        await pilot.pause()
        assert "▶" in drawn(tree, section) and "▼" not in drawn(tree, section)


async def test_the_subtitle_goes_out_with_the_key_without_the_rest_of_the_pane(session, monkeypatch):
    """A new subtitle repaints the pane's bottom line, where it is drawn, not the whole pane (its title line
    stays as it is on the terminal)."""
    import re

    from rich.console import Console
    from textual._compositor import Compositor

    sent: list[str] = []
    render_update = Compositor.render_update
    console = Console(color_system="truecolor", force_terminal=True, width=200)

    def recorded(self, *args, **kwargs):
        update = render_update(self, *args, **kwargs)
        if update is not None:
            sent.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", update.render_segments(console)))
        return update

    monkeypatch.setattr(Compositor, "render_update", recorded)
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2", "slash", "r")
        await pilot.pause()
        sent.clear()
        await pilot.press("o")
        await pilot.pause()
        out = "".join(sent)
        assert "search: ro" in out
        assert "Checklist" not in out  # the pane's title, on its top border: not repainted


async def test_opening_the_search_rebuilds_the_footer_once_with_the_keys_of_the_box(session, monkeypatch):
    """A focus change signals new bindings twice; the Footer rebuilt itself (and re-laid the screen out) for
    each. It now rebuilds when its keys change, and only then."""
    from textual.widgets._footer import FooterKey

    from launchpad.tui.widgets.footer import CockpitFooter

    rebuilds = count_calls(monkeypatch, CockpitFooter, "recompose")
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        await pilot.pause()

        def keys() -> list[str]:
            return [key.description for key in pilot.app.query(FooterKey)]

        assert "Tick" in keys()  # the list has the focus
        rebuilds.clear()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilds) == 1
        assert "Tick" not in keys() and "Find" in keys()  # the box's keys: space types, it does not tick
        await pilot.press("r", "o")
        await pilot.pause()
        assert len(rebuilds) == 1  # typing leaves the keys as they are
        await pilot.press("enter")  # back to the list
        await pilot.pause()
        assert len(rebuilds) == 2 and "Tick" in keys()
