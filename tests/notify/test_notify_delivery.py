"""Delivery against real receivers on 127.0.0.1: one that records, one down, one that hangs, one that answers
500 then 200. Bounds are generous and only ever waited for, never asserted as durations."""

from __future__ import annotations

import pytest

from launchpad.shell.notify import Notifier
from tests.notify.conftest import notify_table, start_session, write_plan
from tests.notify.receivers import Receiver, closed_port, wait_until


def notify_entries(session, status=None):
    session.poll()
    from launchpad.store.session_file import load_session

    _, entries, _ = load_session(session.path)
    return [e for e in entries if e.kind == "notify" and (status is None or e.payload.get("status") == status)]


@pytest.fixture
def running():
    """Notifiers started by a test, stopped after it whatever happens."""
    started: list[Notifier] = []

    def start(session, **options) -> Notifier:
        notifier = Notifier(session, backoff=0.05, interval=0.05, **options)
        notifier.start()
        started.append(notifier)
        assert wait_until(lambda: notifier.fold.baseline is not None), "the leader never started watching"
        return notifier

    yield start
    for notifier in started:
        notifier.stop()


def test_down_and_flaky_targets_cost_the_healthy_one_nothing_and_lose_nothing_after_recovery(tmp_path, running):
    with Receiver() as good, Receiver(fail_first=2) as flaky:
        down = f"json://127.0.0.1:{closed_port()}/hook"
        path = write_plan(tmp_path, notify_table(good.url(), name="good") + notify_table(flaky.url(), name="flaky")
                          + notify_table(down, name="down"))
        session = start_session(path, tmp_path / "s.toml")
        running(session, attempts=3)
        for reason in ("weather", "range safety", "fuel"):
            session.control.hold(reason)
            session.control.resume_count()
        bodies = [f"⏸ HOLD at T-01:00:00: {r} — alice" for r in ("weather", "range safety", "fuel")]
        assert wait_until(lambda: len(good.messages) == 6 and len(flaky.messages) == 6)
        assert [b for b in good.bodies() if "HOLD" in b] == bodies  # in journal order
        assert flaky.bodies() == good.bodies()  # two 500s, then every message, none lost, none doubled
        assert flaky.requests == 8  # the first message took three tries (bounded), the rest one each
        assert wait_until(lambda: len(notify_entries(session, "failed")) == 6)
        failed = notify_entries(session, "failed")
        assert {e.target for e in failed} == {"down"} and all(e.payload["attempts"] == 3 for e in failed)
        assert "Connection error" in failed[0].payload["reason"] and failed[0].payload["to"] == "down (json://…)"
        sent = notify_entries(session, "sent")
        assert [e.payload["attempts"] for e in sent if e.target == "flaky"] == [3, 1, 1, 1, 1, 1]
        session.close()


def test_a_hanging_target_delays_only_itself_and_its_later_messages_still_go(tmp_path, running):
    with Receiver() as good, Receiver(hang=True) as hung:
        path = write_plan(tmp_path, notify_table(good.url(), name="good")
                          + notify_table(hung.url("/hook?rto=1&cto=1"), name="hung"))
        session = start_session(path, tmp_path / "s.toml")
        running(session, attempts=1, timeout=2)
        session.control.hold("weather")
        session.control.resume_count()
        assert wait_until(lambda: len(good.messages) == 2)  # while the hung one still waits on its first
        assert wait_until(lambda: len(notify_entries(session, "failed")) == 2)  # each given up after its timeout
        assert hung.requests == 2  # the second message was still tried, after the first gave up
        session.close()


def test_a_new_leader_sends_only_what_was_not_delivered(tmp_path, running):
    with Receiver() as good:
        path = write_plan(tmp_path, notify_table(good.url(), name="good"))
        first = start_session(path, tmp_path / "s.toml")
        leader = running(first)
        first.control.hold("weather")
        assert wait_until(lambda: len(good.messages) == 1)
        assert wait_until(lambda: len(notify_entries(first, "sent")) == 1)
        leader.stop()  # the leader leaves; its lock goes with it
        from launchpad.shell.session import LiveSession

        second = LiveSession.resume(tmp_path / "s.toml", actor="bob", clock=first.clock)
        follower = running(second)
        second.control.resume_count()
        assert wait_until(lambda: len(good.messages) == 2)
        assert wait_until(lambda: len(notify_entries(second, "sent")) == 2) and follower.leader
        assert [b.split(" — ")[0] for b in good.bodies()] == ["⏸ HOLD at T-01:00:00: weather", "▶ count resumed at T-01:00:00"]
        assert len(notify_entries(second, "watching")) == 1  # one baseline, kept by the next leader
        first.close()
        second.close()


def test_the_webhook_token_appears_nowhere_the_session_or_a_failure_can_show(tmp_path, running):
    secret = "tok-9f8e7d6c5b4a3f2e1d0c"
    with Receiver(fail_first=99) as failing:
        path = write_plan(tmp_path, notify_table(failing.url("/hooks/${HOOK_TOKEN}"), name="hook"))
        session = start_session(path, tmp_path / "s.toml", env={"HOOK_TOKEN": secret})
        notices: list[str] = []
        running(session, attempts=2, env={"HOOK_TOKEN": secret}, notice=lambda text, _: notices.append(text))
        session.control.hold("weather")
        assert wait_until(lambda: len(notify_entries(session, "failed")) == 1)
        assert wait_until(lambda: notices)
        text = (tmp_path / "s.toml").read_text()
        assert "hook (json://…)" in text
        for shown in (text, *notices):
            assert secret not in shown and secret[:8] not in shown and str(failing.port) not in shown
        session.close()


def test_what_the_clock_brings_late_step_t0_and_digest_is_sent_once_each(tmp_path, running, clock):
    from datetime import timedelta

    from tests.notify.conftest import T0

    with Receiver() as room, Receiver() as form:
        path = write_plan(tmp_path, notify_table(room.url(), '"late_step", "t0"', name="room", extra='digest = "20m"')
                          + notify_table(form.url(scheme="form"), '"t0"', name="form"))
        session = start_session(path, tmp_path / "s.toml", clock=clock)
        session.toggle(session.plan.tasks[0].id)
        running(session)
        clock.now = T0 - timedelta(minutes=24)  # "Deploy" (T-30m, owner dev) not started: late; a digest is due
        assert wait_until(lambda: len(room.messages) == 2)
        clock.now = T0 + timedelta(seconds=30)
        assert wait_until(lambda: len(room.messages) == 4 and len(form.messages) == 1)
        assert wait_until(lambda: len(notify_entries(session, "sent")) == 5)
        bodies = room.bodies()
        assert bodies[0] == "⏰ LATE by 6 min: Deploy (owner dev)"
        assert bodies[1] == "📋 1/2 items done · open: dev 1"
        assert bodies[2:] == ["🚀 T-0 reached", "📋 1/2 items done · open: dev 1"]  # late once; the digest due now
        assert form.bodies() == ["🚀 T-0 reached"]  # form:// posts the same words as a form
        session.close()
