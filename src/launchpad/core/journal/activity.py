"""One journal entry as a line a person reads in the activity log: "ticked #deploy-backend Deploy backend"."""

from __future__ import annotations

from launchpad.core.control.control import describe_control
from launchpad.core.control.notify_events import KIND as NOTIFY, describe_notify
from launchpad.core.plan.timeline import STATE_LABELS
from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE, from_payload as minute_from_payload

HISTORY_KINDS = (PROBE_MINUTE,)  # folded per-minute figures: drawn by the sparklines, never lines of the log


def _item(plan, target: str) -> str:
    task = plan.task(target) if plan is not None else None
    return f"#{target} {task.text}" if task else f"#{target}"


def _event(plan, target: str) -> str:
    event = next((e for e in getattr(plan, "events", ()) if e.id == target), None)
    return event.title if event else target


def describe_entry(entry, plan=None) -> str:
    """The one place that puts a journal entry into words: the activity log, toasts, replay and the report."""
    control = describe_control(entry)
    if control is not None:
        return control
    payload = entry.payload or {}
    kind = entry.kind
    if kind in ("check", "uncheck"):
        text = ("ticked " if kind == "check" else "unticked ") + _item(plan, entry.target)
        return text + (f" — {payload['note']}" if payload.get("note") else "")
    if kind == "note":
        where = f" on {_item(plan, entry.target)}" if entry.target else ""
        return f"noted{where}: {payload.get('text', '')}"
    if kind == "event":
        state = str(payload.get("state", ""))
        return f"set “{_event(plan, entry.target)}” to {STATE_LABELS.get(state, state)}"
    if kind == "handoff":
        return f"handed the launch from {payload.get('from') or 'nobody'} to {payload.get('to', entry.target)}"
    if kind == "probe":
        return f"probe {entry.target} is {payload.get('state', '?')}" + (
            f": {payload['error']}" if payload.get("error") else "")
    if kind == "trigger":
        return f"trigger {entry.target} is {payload.get('state', '?')}" + (
            f": {payload['message']}" if payload.get("message") else "")
    if kind == NOTIFY:
        return describe_notify(entry)
    if kind == PROBE_MINUTE:
        minute = minute_from_payload(entry.target, payload)
        if minute is None:
            return f"probe {entry.target}: a minute's figures"
        p95 = f", p95 {minute.p95:g} ms" if minute.p95 is not None else ""
        return f"probe {entry.target}, minute from {minute.minute}: {minute.count} checks, {minute.errors} failed{p95}"
    if kind == "ack":
        return f"acknowledged trigger {entry.target}"
    if kind == "session":
        return str(payload.get("text", "opened the session"))
    return f"{kind} {entry.target}".strip()


def recent_activity(entries, limit: int) -> list:
    """The last `limit` entries a person reads (the per-minute probe figures left out), oldest first: walked
    back from the end, so a long journal of probe minutes costs only what it skips."""
    picked = []
    for entry in reversed(entries):
        if entry.kind not in HISTORY_KINDS:
            picked.append(entry)
            if len(picked) == limit:
                break
    picked.reverse()
    return picked
