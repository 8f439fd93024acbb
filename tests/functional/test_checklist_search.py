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
