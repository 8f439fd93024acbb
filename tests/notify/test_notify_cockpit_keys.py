"""The cockpit with a notification target that hangs: keys are handled and journaled while the delivery is
still pending, and quitting does not wait for the target."""

from __future__ import annotations

import asyncio

from launchpad.store.session_file import load_session
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.widgets.checklist_pane import ChecklistPane
from tests.notify.conftest import notify_table, start_session, write_plan
from tests.notify.receivers import Receiver


async def until(condition, pilot, rounds: int = 600) -> bool:
    """Let the cockpit run until `condition` holds (generous bound: about 30 s)."""
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


async def test_keys_are_handled_while_a_hanging_target_holds_a_delivery(tmp_path):
    with Receiver(hang=True) as hung:
        path = write_plan(tmp_path, notify_table(hung.url("/hook?cto=30&rto=30"), '"hold"', name="hung"))
        session = start_session(path, tmp_path / "s.toml")
        app = LaunchpadApp(session, clock=session.clock)
        async with app.run_test(size=(160, 50)) as pilot:
            assert await until(lambda: app.notifier is not None and app.notifier.fold.baseline is not None, pilot)
            app._write(session.hold, "weather")
            assert await until(lambda: hung.requests == 1, pilot)  # the delivery is under way, and hangs
            for key, pane in (("2", "checklist"), ("3", "owners"), ("5", "activity"), ("2", "checklist")):
                await pilot.press(key)
                assert app.active_pane == pane
            checklist = app.query_one(ChecklistPane)
            item = session.plan.tasks[0].id
            checklist.tree.move_cursor(checklist._task_nodes[item])
            await pilot.press("space")
            await app.journal_settled()
            assert await until(lambda: session.state.is_checked(item), pilot)
            kinds = [entry.kind for entry in load_session(session.path)[1]]
            assert kinds[-2:] == ["hold", "check"] and hung.requests == 1  # nothing delivered, nothing blocked
        session.close()


async def test_a_firing_trigger_reaches_the_receiver_once_from_the_cockpit_that_probes(tmp_path):
    """Probes and notifications share one leadership in one cockpit: the engine's trigger entry is announced."""
    from launchpad.shell.probes import ProbeRuntime
    from tests.functional.test_cockpit_probes import fast_plan  # the demo service, a fast probe, a trigger
    from tests.notify.receivers import closed_port

    with Receiver() as room:
        path = fast_plan(tmp_path, closed_port())
        with path.open("a", encoding="utf-8") as plan:
            plan.write("\n" + notify_table(room.url(), '"trigger_firing", "trigger_resolved"', name="room"))
        session = start_session(path, tmp_path / "s.toml")
        runtime = ProbeRuntime(session, start_demo=True, env={})
        app = LaunchpadApp(session, probes=runtime, clock=session.clock)
        try:
            async with app.run_test(size=(160, 50)) as pilot:
                assert await until(lambda: runtime.leader and app.notifier is not None and app.notifier.leader, pilot)
                app.action_demo_mode("down")
                assert await until(lambda: len(room.messages) == 1, pilot)
                app.action_demo_mode("healthy")
                assert await until(lambda: len(room.messages) >= 2, pilot)
            assert room.bodies()[0].startswith("🔴 FIRING Health check failures > 3 consecutive on health")
            assert room.bodies()[1].startswith("✅ resolved Health check failures > 3 consecutive on health")
            # A loaded machine can make the probe time out again after "healthy": whatever the trigger did, each
            # of its journaled transitions went out once, in journal order (the last may still be unsent).
            from launchpad.core.control.notify_events import NotifyFold

            fold = NotifyFold(session.plan.name, str)
            fold.apply_all(load_session(session.path)[1])
            expected = [a.body for a in fold.announcements if a.seq > fold.baseline]
            assert room.bodies() == expected[:len(room.bodies())] and len(expected) - len(room.bodies()) <= 1
        finally:
            runtime.close()
            session.close()


async def test_an_unset_variable_in_a_url_warns_and_leaves_that_target_out(tmp_path, monkeypatch):
    """A `${VAR}` not set does not stop the cockpit opening: the plan loads, the cockpit says which target is
    left out (by the variable's name), and the other target still sends."""
    from launchpad.core.plan.plan import load_plan
    from launchpad.tui.widgets.activity_pane import ActivityPane

    monkeypatch.delenv("PAGER_TOKEN", raising=False)
    with Receiver() as fine:
        path = write_plan(tmp_path, notify_table("json://127.0.0.1:9/${PAGER_TOKEN}", '"hold"', name="pager")
                          + notify_table(fine.url("/hook"), '"hold"', name="room"))
        plan, problems = load_plan(path, env={})
        assert plan is not None and problems == []  # `launchpad PLAN` opens it
        session = start_session(path, tmp_path / "s.toml")
        app = LaunchpadApp(session, clock=session.clock)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            assert await until(lambda: app.notifier is not None and app.notifier.fold.baseline is not None, pilot)
            assert [target.name for target in app.notifier.targets] == ["room"]
            warned = "\n".join(line.plain for line in app.cockpit.query_one(ActivityPane)._lines)
            assert "pager uses ${PAGER_TOKEN}, which is not set; this target is left out" in warned
            app._write(session.hold, "weather")
            assert await until(lambda: fine.requests == 1, pilot)
