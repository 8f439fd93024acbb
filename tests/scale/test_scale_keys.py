"""Keys at scale, for correctness (issue 13, item 4: any key < 100 ms at 100,000 items; the timings are
bench/bench_checklist_keys.py's): on a generated 5,000-item plan the checklist's keys all work, and a key draws
only the rows on screen, whatever the size of the plan."""

from __future__ import annotations

from datetime import timedelta

import pytest

from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.widgets.checklist_pane import ChecklistPane

from .scale_inputs import T0, write_plan

ITEMS = 5_000  # reduced from the 100,000: the pane's cost per key must not depend on it
NOW = T0 - timedelta(hours=1)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    parsed, problems = load_plan(write_plan(tmp_path_factory.mktemp("keys") / "plan", ITEMS), env={})
    assert parsed is not None and not problems, problems
    return parsed


async def test_checklist_keys_work_and_draw_only_what_is_visible(plan, tmp_path, monkeypatch):
    labelled: list = []
    original = ChecklistPane._task_label

    def counted(self, task, done, room):
        labelled.append(task.id)
        return original(self, task, done, room)

    monkeypatch.setattr(ChecklistPane, "_task_label", counted)
    live = LiveSession.start(plan, tmp_path / "keys.session.toml", t0=T0, actor="ada", clock=lambda: NOW)
    try:
        async with LaunchpadApp(live, clock=lambda: NOW).run_test(size=(160, 48)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            pane = pilot.app.query_one(ChecklistPane)
            tree = pane.tree
            height = tree.scrollable_content_region.height
            assert len(pane._task_nodes) == ITEMS
            labelled.clear()
            await pilot.press("down", "down", "down", "pagedown", "end")
            await pilot.pause()
            assert pane.highlighted_task().id == plan.tasks[-1].id  # the last item of the last file
            assert len(labelled) <= 3 * height  # the rows on screen, never the plan
            labelled.clear()
            await pilot.press("slash", *"step 4999")
            await pilot.pause()
            assert [pane._tasks_by_id[i].text.split(":")[0] for i in pane._task_nodes] == ["Step 4999"]
            assert len(labelled) <= len("step 4999") * height  # each key: at most a screenful of rows
            await pilot.press("enter")  # to the list, on the one item found
            await pilot.press("space")  # and tick it
            await pilot.pause()
            assert plan.tasks[4999].id in live.checked()
            await pilot.press("escape")
            await pilot.pause()
            assert len(pane._task_nodes) == ITEMS
            before = len(tree.rows)
            await pilot.press("home", "down", "enter")  # fold the first file's first section
            await pilot.pause()
            assert tree.cursor_node.kind == "section" and len(tree.rows) == before - 50  # its 50 items
            await pilot.press("enter")
            await pilot.pause()
            assert len(tree.rows) == before
    finally:
        live.close()
