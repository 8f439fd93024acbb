"""The post-launch report: GitHub-flavoured Markdown built from the journal and the plan, pure.

Every figure comes from the journal (and the plan it followed), so a report can be rebuilt at any time and
two reports of the same file are identical. Text from people and services (item text, notes, reasons,
error messages) is escaped so it can never open a link, an HTML tag, a table cell or a checkbox: the only
checkboxes in the document are the checklist's, one per task of the plan, ticked as the launch left them
(`cmark-gfm -e tasklist` counts exactly the plan's tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from launchpad.core.journal.activity import describe_entry
from launchpad.core.journal.journal import Entry, Header, SessionState, fold
from launchpad.core.literal import markdown_literal
from launchpad.core.plan.offsets import clamp_into, format_clock, format_offset, session_window
from launchpad.core.plan.timeline import DONE, LATE, SKIPPED, STATE_LABELS, timeline
from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE
from launchpad.core.probes.probe_history import ProbeMinute, from_payload
from launchpad.core.journal.replay import CountClock, count_of, is_rollback
from launchpad.core.probes.triggers import millis

FINISHED = (DONE, SKIPPED)
QUIET_KINDS = (PROBE_MINUTE,)  # folded history: in the incident figures, not the timeline


def md(text: Any) -> str:
    """Outside text as inert Markdown on one line (core.literal: controls visible, specials escaped, no links)."""
    return markdown_literal(text)


def utc(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def hms(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def span(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


@dataclass(frozen=True)
class Incident:
    probe: str
    down: datetime
    up: datetime | None
    error: str
    minutes: tuple[ProbeMinute, ...]

    @property
    def worst_p95(self) -> float | None:
        values = [minute.p95 for minute in self.minutes if minute.p95 is not None]
        return max(values) if values else None

    @property
    def errors(self) -> tuple[int, int]:
        return sum(m.errors for m in self.minutes), sum(m.count for m in self.minutes)


def probe_incidents(entries: Sequence[Entry]) -> list[Incident]:
    """Each stretch a probe was DOWN, with the folded minutes that fall in it."""
    minutes: dict[str, list[tuple[datetime, ProbeMinute]]] = {}
    for entry in entries:
        if entry.kind == PROBE_MINUTE:
            minute = from_payload(entry.target, entry.payload)
            if minute is not None:
                minutes.setdefault(entry.target, []).append((entry.at, minute))
    found: list[Incident] = []
    down: dict[str, tuple[datetime, str]] = {}
    for entry in entries:
        if entry.kind != "probe":
            continue
        state = (entry.payload or {}).get("state")
        if state == "DOWN" and entry.target not in down:
            down[entry.target] = (entry.at, str((entry.payload or {}).get("error", "")))
        elif state == "UP" and entry.target in down:
            began, error = down.pop(entry.target)
            found.append(_incident(entry.target, began, entry.at, error, minutes))
    for probe, (began, error) in down.items():
        found.append(_incident(probe, began, None, error, minutes))
    return sorted(found, key=lambda incident: incident.down)


def _incident(probe, began, ended, error, minutes) -> Incident:
    # A minute is journaled as it closes: it belongs to the incident if it closed after the probe went down
    # and began before it came back up.
    inside = tuple(minute for closed, minute in minutes.get(probe, ())
                   if closed > began and (ended is None or (closed - ended).total_seconds() < 60))
    return Incident(probe, began, ended, error, inside)


def render_report(header: Header, entries: Sequence[Entry], plan=None) -> str:
    """The whole report as Markdown text (ends with a newline)."""
    entries = list(entries)
    state: SessionState = fold(header, entries)
    end = clamp_into(max([header.created_at] + [entry.at for entry in entries]),  # 9999-12-31: the edge
                     session_window(header.t0, header.created_at))
    planned_holds = getattr(plan, "holds", ()) if plan is not None else ()
    count = count_of(header, entries, planned_holds)
    counted = count.at(end)
    clock = CountClock(header, entries, planned_holds)
    reached = clock.t0_reached(header.created_at, end)

    def t_of(moment: datetime) -> str:
        """The T-clock at that moment, as the cockpit showed it (holds froze it)."""
        return format_clock(clock.t_clock(moment))

    out: list[str] = [f"# Post-launch report: {md(header.launch)}", ""]
    out.append(f"Session journal: {len(entries)} entries, {utc(header.created_at)} to {utc(end)}; "
               f"plan {md(header.plan)}.")
    out.append("")

    # ------------------------------------------------------------------ summary
    holds = counted.all_holds(end)
    rollbacks = [entry for entry in entries if is_rollback(entry)]
    firings = _firings(entries)
    out += ["## Summary", ""]
    # The steps as the cockpit's timeline showed them when the journal ends (due, LATE ...), not the marks alone
    steps = step_rows(plan, state, clock.t_clock(end)) if plan is not None else []
    rows: list[tuple[str, str]] = [("Outcome", _outcome(state, rollbacks, reached, counted, t_of, steps))]
    rows.append(("T-0 planned", utc(header.t0)))
    if reached is None:
        rows.append(("T-0 actual", f"not reached (the count read {t_of(end)} when the journal ends)"))
    else:
        late = (reached - header.t0).total_seconds()
        rows.append(("T-0 actual", utc(reached) + (f" ({span(late)} later than planned, after holds)" if late >= 1 else "")))
    held = sum(hold.seconds(end) for hold in holds)
    rows.append(("Holds", f"{len(holds)}, {span(held)} held in all" if holds else "none"))
    if plan is not None:
        from launchpad.core.plan.progress import checked_ids

        checked = checked_ids(plan.tasks, state.marks())
        rows.append(("Checklist", f"{len(checked)} of {len(plan.tasks)} items done, {len(plan.tasks) - len(checked)} left open"))
        done_events = sum(1 for row in steps if row.state in FINISHED)
        late = sum(1 for row in steps if row.state == LATE)
        rows.append(("Timeline steps", f"{done_events} of {len(plan.events)} done or skipped"
                     + (f", {late} LATE when the journal ends" if late else "")))
    rows.append(("Rollback triggers fired", str(len(firings))))
    rows.append(("Rollback", "declared at " + ", ".join(f"{t_of(e.at)} by {md(e.actor)}" for e in rollbacks)
                 if rollbacks else "none"))
    leads = [header.first_lead] + [handoff.to_lead for handoff in state.handoffs]
    rows.append(("Lead", " → ".join(md(lead) for lead in leads)))
    out += _table(("", ""), ((f"**{name}**", value) for name, value in rows)) + [""]

    # ------------------------------------------------------------------ holds
    if holds:
        out += ["## Holds", ""]
        out += _table(("#", "Held at", "From (UTC)", "To (UTC)", "Length", "Reason", "Called by"), (
            (str(number), format_clock(hold.t_at), utc(hold.start), utc(hold.end) if hold.end else "still holding",
             span(hold.seconds(end)), md(hold.reason), md(hold.actor))
            for number, hold in enumerate(holds, start=1)))
        out.append("")

    # ------------------------------------------------------------------ timeline
    out += ["## Timeline", "", "Every action in the journal (the per-minute probe figures are in *Probe incidents*).", ""]
    out += _table(("T", "Time (UTC)", "Who", "What"), (
        (t_of(entry.at), hms(entry.at), md(entry.actor), md(describe_entry(entry, plan)))
        for entry in entries if entry.kind not in QUIET_KINDS))
    out.append("")

    # ------------------------------------------------------------------ steps
    if steps:
        out += ["## Timeline steps", "", f"As the cockpit's timeline showed them when the journal ends ({t_of(end)}).", ""]
        out += _table(("T", "Step", "Owner", "State"), (
            (format_offset(row.event.at), md(row.event.title), md(row.event.owner or "—"), _step_state(row))
            for row in steps))
        out.append("")

    # ------------------------------------------------------------------ checklist
    if plan is not None:
        out += _checklist(plan, state, t_of)

    # ------------------------------------------------------------------ probes and triggers
    out += ["## Probe incidents", ""]
    incidents = probe_incidents(entries)
    if incidents:
        out += _table(("Probe", "Down at", "Up at", "Length", "Worst p95", "Errors", "Last error"), (
            (md(i.probe), t_of(i.down), t_of(i.up) if i.up else "still down",
             span(((i.up or end) - i.down).total_seconds()),
             millis(i.worst_p95) if i.worst_p95 is not None else "—",
             "{} of {} checks".format(*i.errors) if i.errors[1] else "—", md(i.error) or "—")
            for i in incidents))
    else:
        out.append("No probe went down.")
    out += ["", "## Trigger firings", ""]
    if firings:
        out += _table(("Trigger", "Probe", "Fired at", "Value", "Acknowledged", "Resolved at", "Message"), (
            (md(f["trigger"]), md(f["probe"]), t_of(f["at"]), _value(f["trigger"], f["value"]),
             f"{t_of(f['ack'].at)} by {md(f['ack'].actor)}" if f["ack"] else "—",
             t_of(f["resolved"]) if f["resolved"] else "—", md(f["message"]))
            for f in firings))
    else:
        out.append("No rollback trigger fired.")
    out.append("")

    # ------------------------------------------------------------------ handoffs
    out += ["## Handoffs", ""]
    if state.handoffs:
        out += _table(("At", "Time (UTC)", "From", "To", "By", "Note"), (
            (t_of(h.at), hms(h.at), md(h.from_lead), md(h.to_lead), md(h.actor), md(h.note) or "—")
            for h in state.handoffs))
    else:
        out.append(f"No handoff: {md(header.first_lead)} led throughout.")
    out.append("")
    return "\n".join(out)


def _value(trigger: str, value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "—"
    lowered = trigger.lower()
    if "response time" in lowered or "latency" in lowered:
        return millis(value * 1000)
    if "%" in trigger:
        return f"{value * 100:.3g}%"
    return f"{value:g}"


def _firings(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    firings: list[dict[str, Any]] = []
    open_by_target: dict[str, dict[str, Any]] = {}
    for entry in entries:
        payload = entry.payload or {}
        if entry.kind == "trigger":
            state = payload.get("state")
            current = open_by_target.get(entry.target)
            if state == "firing" and current is None:
                current = {"trigger": str(payload.get("trigger", entry.target)), "probe": str(payload.get("probe", "")),
                           "at": entry.at, "value": payload.get("value"), "message": str(payload.get("message", "")),
                           "ack": None, "resolved": None}
                open_by_target[entry.target] = current
                firings.append(current)
            elif state != "firing" and current is not None:
                current["resolved"] = entry.at
                del open_by_target[entry.target]
        elif entry.kind == "ack" and entry.target in open_by_target and open_by_target[entry.target]["ack"] is None:
            open_by_target[entry.target]["ack"] = entry
    return firings


def step_rows(plan, state: SessionState, t_clock: float) -> list:
    """The plan's steps in the timeline's states at that T-clock (core.plan.timeline: the cockpit's own)."""
    return timeline(plan.events, t_clock, {event.id: state.event_state(event.id) for event in plan.events})


def _step_state(row) -> str:
    label = STATE_LABELS.get(row.state, row.state)
    return f"**{label}** by {span(row.overdue_by)}" if row.state == LATE and row.overdue_by >= 1 else label


def _outcome(state, rollbacks, reached, counted, t_of, steps) -> str:
    if rollbacks:
        first = rollbacks[0]
        text = f"**Rolled back**: rollback declared at {t_of(first.at)} by {md(first.actor)}"
        mode = state.control.mode if hasattr(state, "control") else None
        if mode is not None and not mode.rollback and mode.since and mode.since > first.at:
            text += f"; back to the count at {t_of(mode.since)}"
        return text
    if len(counted.attempts) > 1:
        return f"**Scrubbed** {len(counted.attempts) - 1} time(s); attempt {counted.attempt} is the last"
    if counted.holding is not None:
        return f"**Holding** since {t_of(counted.holding.start)}: {md(counted.holding.reason)}"
    if reached is None:
        return "**Not launched**: the count never reached T-0"
    open_steps = [row for row in steps if row.state not in FINISHED]
    if open_steps:
        late = sum(1 for row in open_steps if row.state == LATE)
        return f"**Launched**; {len(open_steps)} timeline step(s) not finished" + (f", {late} LATE" if late else "")
    return "**Launched**"


def _checklist(plan, state: SessionState, t_of) -> list[str]:
    from launchpad.core.plan.progress import by_owner, by_section, checked_ids

    checked = checked_ids(plan.tasks, state.marks())
    names = {role.id: role.title for role in plan.roles}
    names.update({"all": "All", "lead": "Lead"})
    out = ["## Checklist", "", "### Completion by section", ""]
    out += _table(("Section", "Done", "Total", ""), (
        ("&nbsp;&nbsp;" * (len(path) - 1) + md(path[-1]), str(tally.done), str(tally.total),
         "complete" if tally.done == tally.total else f"{tally.total - tally.done} open")
        for path, tally in by_section(plan.tasks, checked).items()))
    out += ["", "### Completion by owner", ""]
    owners = by_owner(plan.tasks, checked, plan.owner_of)
    unowned = [task for task in plan.tasks if not plan.owner_of(task)]
    rows = [(md(names.get(role, role)), str(tally.done), str(tally.total),
             ", ".join(f"`{task.id}`" for task in open_tasks) or "—")
            for role, (tally, open_tasks) in owners.items()]
    if unowned:
        open_unowned = [task for task in unowned if task.id not in checked]
        rows.append(("*(no owner)*", str(len(unowned) - len(open_unowned)), str(len(unowned)),
                     ", ".join(f"`{task.id}`" for task in open_unowned) or "—"))
    out += _table(("Owner", "Done", "Total", "Left open"), rows)
    left = [task for task in plan.tasks if task.id not in checked]
    out += ["", f"### Left open ({len(left)})", ""]
    if left:
        for task in left:
            owner = plan.owner_of(task)
            owner_text = f", owner {md(names.get(owner, owner))}" if owner else ""
            out.append(f"- `{task.id}` {md(task.text)} ({md(' › '.join(task.section))}{owner_text})")
    else:
        out.append("Nothing: every item was done.")
    out += ["", "### The checklist as the launch left it", ""]
    section = None
    for task in plan.tasks:
        if task.section != section:
            section = task.section
            out += ["", f"#### {md(' › '.join(section) or 'Items')}", ""]
        mark = state.checks.get(task.id)
        box = "[x]" if task.id in checked else "[ ]"
        detail = ""
        if mark is not None:
            verb = "ticked" if mark.checked else "unticked"
            detail = f" — {verb} by {md(mark.actor)} at {t_of(mark.at)}"
        out.append(f"- {box} {md(task.text) or md(task.id)} `{task.id}`{detail}")
    out.append("")
    return out
