"""What to announce, derived from the journal alone, and in what words: pure, so every cockpit agrees.

Every announcement has a stable `key`: `e<seq>` for one drawn from a journal entry (a hold, a firing
trigger, a closed poll ...), `t0:<attempt>`, `late:<attempt>:<step>` and `digest:<n>` for those the clock
brings. A delivery is journaled as a `notify` entry naming the target and the key, so whichever cockpit
leads next folds the same journal, finds what was already delivered and sends only the rest.

The first cockpit to lead journals a `notify` entry with `status = "watching"` and the last seq it had
read: entries up to there are history and are not announced (opening a plan with a new `[[notify]]` on an
old session must not page anyone about last week). Messages are short enough for a phone's lock screen:
the title says launch and T-clock, the body what happened, the figure that fired and who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from launchpad.core.literal import one_line
from launchpad.core.plan.offsets import format_clock
from launchpad.core.control.poll import GO_FOR_LAUNCH
from launchpad.core.plan.progress import by_owner, overall
from launchpad.core.plan.timeline import LATE, grace_of, timeline

KIND = "notify"
WATCHING, SENT, FAILED = "watching", "sent", "failed"
BODY_LIMIT = 300


@dataclass(frozen=True)
class Announcement:
    key: str
    events: tuple[str, ...]  # the plan's event names it answers to (a GO is also a poll result)
    title: str
    body: str
    level: str = "info"  # info, success, warning, failure (Apprise's notify types)
    seq: int = 0  # the journal entry it comes from; 0 for what the clock brings

    def for_target(self, spec) -> bool:
        return any(spec.wants(event) for event in self.events)


def title(launch: str, tclock: str) -> str:
    return one_line(f"{launch} · {tclock}", 120)


def _said(payload, key: str, prefix: str = ": ") -> str:
    value = payload.get(key)
    return f"{prefix}{value}" if value else ""


def _entry_news(entry, previous_trigger: str | None, poll_number: int):
    """(events, what happened, level) for one journal entry, or None when it is no news to send."""
    payload = entry.payload or {}
    kind = entry.kind
    if kind == "trigger":
        state = payload.get("state")
        if state == previous_trigger:
            return None
        name = f"{payload.get('trigger', entry.target)} on {payload.get('probe', '?')}"
        figure = f" (value {payload['value']:g})" if isinstance(payload.get("value"), (int, float)) else ""
        if state == "firing":
            return ("trigger_firing",), f"🔴 FIRING {name}{_said(payload, 'message')}{figure}", "failure"
        if state == "resolved":
            return ("trigger_resolved",), f"✅ resolved {name}{_said(payload, 'message')}", "success"
        return None
    if kind == "hold":
        return ("hold",), f"⏸ HOLD at {payload.get('t_clock', '?')}{_said(payload, 'reason')}", "warning"
    if kind == "resume":
        return ("resume",), f"▶ count resumed at {payload.get('t_clock', '?')}", "info"
    if kind == "poll":
        if payload.get("action") == "close":
            verdict = payload.get("verdict") or payload.get("result", "?")
            if verdict == GO_FOR_LAUNCH:
                return ("go", "poll_result"), f"🚀 GO FOR LAUNCH (poll #{poll_number})", "success"
            return ("poll_result",), f"Go/No-Go poll #{poll_number} closed: {verdict}", "warning"
        return ("poll_opened",), f"Go/No-Go poll #{poll_number} opened: every role, answer go or no-go", "info"
    if kind == "mode":
        if payload.get("mode") == "rollback":
            return ("rollback",), f"⏪ ROLLBACK declared{_said(payload, 'reason')}", "failure"
        return ("rollback",), f"rollback ended{_said(payload, 'reason')}", "info"
    if kind == "scrub":
        return ("scrub",), f"✖ SCRUB of attempt {payload.get('attempt', '?')}{_said(payload, 'reason')}", "failure"
    if kind == "handoff":
        return ("handoff",), f"{payload.get('from') or 'nobody'} handed the launch to {payload.get('to', entry.target)}", "info"
    return None


class NotifyFold:
    """The journal folded into what there is to announce and what each target has already been sent.

    `tclock(moment)` formats the T-clock at a moment (the shell passes the session's count), so the fold
    stays pure and the words are the same in every cockpit.
    """

    def __init__(self, launch: str, tclock: Callable[[datetime], str]):
        self.launch = launch
        self.tclock = tclock
        self.baseline: int | None = None  # entries up to this seq are history, not news
        self.baseline_at: datetime | None = None
        self.delivered: set[tuple[str, str]] = set()  # (target name, key) journaled as sent or failed
        self.announcements: list[Announcement] = []  # in journal order
        self._triggers: dict[str, str] = {}
        self._polls = 0
        self.last_seq = 0

    def apply(self, entry) -> None:
        if entry.seq <= self.last_seq:  # read twice (a full load, then the same entries polled): once only
            return
        self.last_seq = entry.seq
        payload = entry.payload or {}
        if entry.kind == KIND:
            status = payload.get("status")
            if status == WATCHING and self.baseline is None:
                from_seq = payload.get("from_seq")
                self.baseline = from_seq if isinstance(from_seq, int) else entry.seq
                self.baseline_at = entry.at
            elif status in (SENT, FAILED) and isinstance(payload.get("key"), str):
                self.delivered.add((entry.target, payload["key"]))
            return
        if entry.kind == "poll" and payload.get("action", "open") == "open":
            self._polls += 1
        news = _entry_news(entry, self._triggers.get(entry.target), self._polls)
        if entry.kind == "trigger":
            self._triggers[entry.target] = payload.get("state")
        if news is not None:
            events, what, level = news
            body = one_line(f"{what} — {entry.actor}", BODY_LIMIT)
            stamped = payload.get("t_clock")  # a hold or resume says where the count stood; others are computed
            clock = stamped if isinstance(stamped, str) and stamped else self.tclock(entry.at)
            self.announcements.append(Announcement(f"e{entry.seq}", events, title(self.launch, clock),
                                                   body, level, entry.seq))

    def apply_all(self, entries: Iterable) -> None:
        for entry in entries:
            self.apply(entry)

    def pending(self, spec, extra: Iterable[Announcement] = ()) -> list[Announcement]:
        """What `spec` still has to be sent, oldest first: news after the baseline, not yet journaled as delivered."""
        if self.baseline is None:
            return []
        fresh = [a for a in self.announcements if a.seq > self.baseline]
        return [a for a in (*fresh, *extra) if a.for_target(spec) and (spec.name, a.key) not in self.delivered]


# --------------------------------------------------------------------------- what the clock brings


def timed_announcements(plan, count, marks, now: datetime, since: datetime | None) -> list[Announcement]:
    """T-0 reached and steps running late, each once per attempt; not what was already so before `since`."""
    if since is None:
        return []
    t_now = count.t_clock(now)
    head = title(plan.name, format_clock(t_now))
    found: list[Announcement] = []
    for row in timeline(plan.events, t_now, marks):
        if row.state != LATE:  # late as the cockpit shows it: after the step's grace (core/plan/timeline.py)
            continue
        if now - timedelta(seconds=row.overdue_by - grace_of(row.event)) < since:
            continue
        owner = f" (owner {row.event.owner})" if row.event.owner else ""
        body = one_line(f"⏰ LATE by {int(row.overdue_by // 60)} min: {row.event.title}{owner}", BODY_LIMIT)
        found.append(Announcement(f"late:{count.attempt}:{row.event.id}", ("late_step",), head, body, "warning"))
    if t_now >= 0 and now - timedelta(seconds=t_now) >= since:
        found.append(Announcement(f"t0:{count.attempt}", ("t0",), head, "🚀 T-0 reached", "success"))
    return found


def digest_number(interval: int, since: datetime | None, now: datetime) -> int:
    """Which digest is due: 1 once `interval` has passed since watching began, 2 after twice that ..."""
    if not interval or since is None:
        return 0
    return int((now - since).total_seconds() // interval)


def digest_announcement(number: int, plan, count, checked: set[str], probe_states, now: datetime) -> Announcement:
    """The periodic status line: T-clock, progress, open items per owner, probes."""
    tally = overall(plan.tasks, checked)
    parts = [f"📋 {tally} items done"]
    if count.is_holding(now):
        parts.append("HOLDING")
    owners = by_owner(plan.tasks, checked, plan.owner_of)
    open_items = [f"{owner} {len(left)}" for owner, (_, left) in sorted(owners.items()) if left]
    if open_items:
        parts.append("open: " + ", ".join(open_items))
    probes = [f"{name} {payload.get('state', '?')}" for name, payload in sorted(probe_states.items())]
    if probes:
        parts.append("probes: " + ", ".join(probes))
    return Announcement(f"digest:{number}", ("digest",), title(plan.name, format_clock(count.t_clock(now))),
                        one_line(" · ".join(parts), BODY_LIMIT), "info")


def describe_notify(entry) -> str:
    """The activity-log line of a `notify` entry (the target shown by name and scheme only)."""
    payload = entry.payload or {}
    status = payload.get("status")
    to = payload.get("to") or entry.target
    if status == WATCHING:
        return "notifications: this cockpit now sends the launch's news"
    what = payload.get("event", "message")
    if status == SENT:
        return f"announced {what} to {to}"
    reason = payload.get("reason") or "no reason given"
    return f"could not announce {what} to {to}: {reason}"
