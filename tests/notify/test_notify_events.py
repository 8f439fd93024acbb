"""What to announce, from journal entries alone: stable keys, the baseline, what was delivered, the words."""

from __future__ import annotations

from datetime import timedelta

from launchpad.core.journal.activity import describe_entry
from launchpad.core.journal.journal import make_entry
from launchpad.core.control.notify_config import NotifySpec
from launchpad.core.control.notify_events import NotifyFold, digest_number, timed_announcements
from tests.notify.conftest import NOW

EVERYTHING = NotifySpec("room", "json://x/y", frozenset({"trigger_firing", "trigger_resolved", "hold", "resume",
                                                          "poll_opened", "poll_result", "go", "rollback", "scrub",
                                                          "handoff"}))
ONLY_GO = NotifySpec("pager", "json://x/z", frozenset({"go", "trigger_firing"}))


def entries():
    rows = [
        ("note", "", {"text": "before notifications began"}),
        ("notify", "", {"status": "watching", "from_seq": 1}),
        ("hold", "", {"t_clock": "T-00:40:00", "reason": "weather"}),
        ("trigger", "errors · api", {"trigger": "errors", "probe": "api", "state": "firing",
                                     "message": "error rate 7.5% > 5%", "value": 7.5}),
        ("trigger", "errors · api", {"trigger": "errors", "probe": "api", "state": "firing", "message": "again"}),
        ("trigger", "errors · api", {"trigger": "errors", "probe": "api", "state": "resolved", "message": "0.1%"}),
        ("poll", "", {"action": "open"}),
        ("poll", "", {"action": "close", "result": "go", "verdict": "GO FOR LAUNCH"}),
        ("mode", "", {"mode": "rollback", "reason": "payments down"}),
        ("check", "x", {}),
    ]
    return [make_entry(seq, NOW + timedelta(seconds=seq), "bob", kind, target, payload)
            for seq, (kind, target, payload) in enumerate(rows, start=1)]


def fold(with_entries=None):
    folded = NotifyFold("Orbit", lambda moment: "T-00:39:00")
    folded.apply_all(with_entries or entries())
    return folded


def test_each_news_entry_becomes_one_announcement_after_the_baseline_in_journal_order():
    pending = fold().pending(EVERYTHING)
    assert [a.key for a in pending] == ["e3", "e4", "e6", "e7", "e8", "e9"]  # repeated "firing" is not news
    hold, firing, resolved, opened, go, rollback = pending
    assert firing.title == "Orbit · T-00:39:00"  # the count's clock at the entry
    assert hold.title == "Orbit · T-00:40:00" and hold.body  # where the hold says the count stood == "⏸ HOLD at T-00:40:00: weather — bob"
    assert "FIRING errors on api: error rate 7.5% > 5% (value 7.5)" in firing.body and firing.level == "failure"
    assert "resolved errors on api" in resolved.body
    assert "poll #1 opened" in opened.body and "GO FOR LAUNCH" in go.body and go.events == ("go", "poll_result")
    assert "ROLLBACK declared: payments down" in rollback.body


def test_a_target_gets_only_its_events_and_nothing_journaled_as_delivered():
    journal = entries()
    journal.append(make_entry(11, NOW, "carol", "notify", "pager", {"status": "sent", "key": "e4"}))
    journal.append(make_entry(12, NOW, "carol", "notify", "room", {"status": "failed", "key": "e3", "reason": "500"}))
    folded = fold(journal)
    assert [a.key for a in folded.pending(ONLY_GO)] == ["e8"]
    assert "e3" not in [a.key for a in folded.pending(EVERYTHING)]  # failed for good: journaled, not retried forever


def test_entries_read_twice_count_once():
    folded = fold()
    folded.apply_all(entries())  # the same journal again: a full load, then the same entries polled
    assert [a.key for a in folded.pending(EVERYTHING)] == ["e3", "e4", "e6", "e7", "e8", "e9"]
    assert "poll #1" in folded.pending(EVERYTHING)[3].body


def test_nothing_is_announced_before_a_cockpit_starts_watching():
    assert fold([e for e in entries() if e.kind != "notify"]).pending(EVERYTHING) == []


def test_digests_count_whole_intervals_since_watching_began():
    assert digest_number(1800, NOW, NOW + timedelta(minutes=29)) == 0
    assert digest_number(1800, NOW, NOW + timedelta(minutes=61)) == 2
    assert digest_number(0, NOW, NOW + timedelta(hours=5)) == 0


def test_late_steps_and_t0_are_announced_once_per_attempt_and_not_if_so_before_watching(tmp_path):
    from launchpad.core.control.count import start_count
    from launchpad.core.plan.plan import load_plan
    from tests.notify.conftest import T0, write_plan

    plan, _ = load_plan(write_plan(tmp_path, ""), env={})
    count = start_count(T0, NOW)
    late = T0 - timedelta(minutes=24)  # "Deploy" at T-30m, not started: late after its 5-minute grace
    found = timed_announcements(plan, count, {}, late, NOW)
    assert [a.key for a in found] == ["late:1:deploy"] and "LATE by 6 min: Deploy (owner dev)" in found[0].body
    assert timed_announcements(plan, count, {"deploy": "done"}, late, NOW) == []
    assert timed_announcements(plan, count, {}, late, late) == []  # already late when watching began
    assert timed_announcements(plan, count, {}, T0 - timedelta(minutes=26), NOW) == []  # due, still in its grace
    assert [a.key for a in timed_announcements(plan, count, {"deploy": "done"}, T0 + timedelta(seconds=5), NOW)] == ["t0:1"]


def test_deliveries_read_in_the_activity_log_and_report_without_the_url():
    sent = make_entry(1, NOW, "carol", "notify", "room", {"status": "sent", "key": "e3", "event": "hold",
                                                         "to": "room (slack://…)"})
    failed = make_entry(2, NOW, "carol", "notify", "room", {"status": "failed", "key": "e4", "event": "go",
                                                           "to": "room (slack://…)", "reason": "HTTP 500"})
    assert describe_entry(sent) == "announced hold to room (slack://…)"
    assert describe_entry(failed) == "could not announce go to room (slack://…): HTTP 500"
