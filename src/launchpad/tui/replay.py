"""`launchpad replay`: the cockpit, read-only, rebuilt at a playhead that plays, pauses and seeks both ways.

The same LaunchpadApp and panes as a live launch, over a `ReplaySession`: it has the LiveSession interface
(plan, state, t0, t_clock, checked, event_marks, path, actor, poll, subscribe ...) but its state is the fold
of the journal up to the playhead (core.replay), and its "file" refuses every write: replay never touches
the session file. The playhead bar shows wall time and T-offset, speed, play/pause, the markers; keys:
space play/pause · + - speed · . , ±1 min · > < ±10 min · ] [ next/previous entry · } { next/previous
marker · g jump to a T-offset or time · i skip the idle stretch · I idle skipping on/off while playing.
"""

from __future__ import annotations

import gc
import os
import time
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, RichLog

from launchpad.core.journal.journal import Header, SessionState
from launchpad.core.literal import printable
from launchpad.core.plan.offsets import OffsetError, format_clock
from launchpad.core.plan.progress import checked_ids
from launchpad.core.journal.replay import BACKGROUND_KINDS, CHECKPOINT_EVERY, Marker, ReplayCursor, ReplayIndex, parse_moment
from launchpad.core.probes.triggers import TriggerState
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.lifecycle import while_running
from launchpad.tui.prompt import TextPrompt
from launchpad.tui.read_only import is_write, refusal_bindings
from launchpad.tui.widgets.activity_pane import ActivityPane

SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
FRAME_SECONDS = 0.1  # playback redraws ten times a second, whatever the speed
IDLE_LIMIT = 2.0  # while playing, an idle stretch takes at most this long on screen (asciinema's -i)
ACTIVITY_LINES = 60
CHECKLIST_EVERY_WHILE_FAST = 2.0  # s: rebuilding the checklist tree is the dearest redraw; above 60x, at most this often
READ_ONLY_TEXT = "Read-only replay: nothing is written."
MARKER_GLYPHS = {"t0": "0", "hold": "H", "resume": "R", "trigger": "!", "handoff": "»", "rollback": "↺",
                 "scrub": "S", "recycle": "↻", "poll": "?"}


class ReadOnlyError(RuntimeError):
    """Raised by every write a replay is asked for."""


class _ReadOnlyFile:
    """What LiveSession expects of a SessionFile, with every write refused and nothing ever opened."""

    def __init__(self, path: str | os.PathLike, header: Header):
        self.path = os.path.abspath(os.fspath(path))
        self.header = header
        self.actor = "replay"
        self.entries: list = []
        self.last_seq = 0

    def read_new(self) -> list:
        return []

    def append(self, *args, **kwargs):
        raise ReadOnlyError("this is a replay: it is read-only, nothing is written")

    handoff = compact = save = append

    def close(self) -> None:
        pass


class ReplaySession(LiveSession):
    """A LiveSession whose state is the fold of the journal up to the playhead, and which never writes."""

    def __init__(self, path: str | os.PathLike, header: Header, entries, plan, *, every: int = CHECKPOINT_EVERY,
                 start: datetime | None = None):
        super().__init__(_ReadOnlyFile(path, header), plan, clock=lambda: self.cursor.moment)
        self.index = ReplayIndex(header, entries, every=every, planned_holds=getattr(plan, "holds", ()))
        self.cursor = ReplayCursor(self.index, self.index.clamp(start) if start else self.index.start)
        self._show(self.cursor.state)

    @property
    def moment(self) -> datetime:
        return self.cursor.moment

    def _show(self, state: SessionState) -> None:
        self.state = state
        self._checked = checked_ids(self.plan.tasks, state.marks())

    def seek(self, moment: datetime) -> bool:
        """Move the playhead (kept within the journal); True when the state changed."""
        changed = self.cursor.seek(self.index.clamp(moment))
        if changed:
            self._show(self.cursor.state)
        return changed

    def poll(self) -> list:
        return []


class ReplayProbes:
    """The probe runtime's face for a replay: panels and the trigger banner drawn from the state at the
    playhead (journaled states plus the per-minute history), never a probe sent."""

    demo_modes: tuple[str, ...] = ()
    leader = False

    def __init__(self, session: ReplaySession):
        self.session = session
        self._sink = None
        self._shown: dict = {}
        self._names: dict[str, tuple[str, str]] = {}
        for entry in session.index.entries:
            if entry.kind == "trigger" and entry.target not in self._names:
                payload = entry.payload or {}
                self._names[entry.target] = (str(payload.get("trigger", entry.target)), str(payload.get("probe", "")))

    def start(self, sink) -> None:
        self._sink = sink
        self.show()

    def tick(self) -> None:
        self.show()

    def show(self) -> None:
        if self._sink is None:
            return
        from launchpad.shell.probes import status_with_history, trigger_from_journal

        state = self.session.state
        for spec in self.session.plan.probes:
            payload = state.probe_states.get(spec.name)
            history = state.probe_history.get(spec.name, ())
            key = (id(payload), len(history), history[-1] if history else None)
            if self._shown.get(spec.name) != key:
                self._shown[spec.name] = key
                self._sink.show_probe(spec.name, status_with_history(spec.name, payload, history))
        for target, (trigger, probe) in self._names.items():
            payload = state.trigger_states.get(target)
            if self._shown.get(("trigger", target), False) is not payload:
                self._shown[("trigger", target)] = payload
                self._sink.show_trigger(trigger_from_journal(payload) if payload else
                                        TriggerState(trigger, probe, "ok", None, None, ""))

    async def stop(self) -> None:
        pass

    def close(self) -> None:
        pass

    def acknowledge(self, states) -> None:
        pass

    def set_demo_mode(self, mode: str) -> str:
        raise RuntimeError("a replay runs no demo service")

    def watched_by(self) -> str:
        return "the journal (replay)"


class PlayheadBar(Widget):
    """Two lines: play state, speed, wall time, T-offset, entry count, next marker; then the whole session
    as a track with the key moments and the playhead on it."""

    DEFAULT_CSS = """
    PlayheadBar {
        height: 2;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, app: "ReplayApp", **kwargs) -> None:
        super().__init__(**kwargs)
        self.replay = app

    def status_text(self) -> Text:
        replay = self.replay
        session = replay.session
        index = session.index
        moment = session.moment
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ▶ PLAY " if replay.playing else " ❚❚ PAUSE ", style="bold reverse")
        text.append(f" {replay.speed:g}x ", style="bold")
        text.append(" REPLAY (read-only) ", style="dim")
        text.append(moment.strftime("%Y-%m-%d %H:%M:%S UTC"), style="bold")
        text.append("  ")
        text.append(format_clock(session.t_clock(moment)), style="bold")
        text.append(f"  entry {session.cursor.count:,}/{len(index):,}", style="dim")
        upcoming = index.next_marker(moment)
        if upcoming is not None:
            text.append("  next: ", style="dim")
            text.append(printable(upcoming.label)[:60])
            text.append(f" at {format_clock(session.t_clock(upcoming.at))}", style="dim")
        text.append("  idle skip " + ("on" if replay.idle_skip else "off"), style="dim")
        return text

    def track_text(self, width: int) -> Text:
        index = self.replay.session.index
        width = max(10, width - 2)
        total = max(1e-9, (index.end - index.start).total_seconds())

        def column(moment: datetime) -> int:
            return min(width - 1, max(0, int((moment - index.start).total_seconds() / total * (width - 1))))

        cells = ["─"] * width
        styles = ["dim"] * width
        for marker in index.markers:
            if index.start <= marker.at <= index.end:
                spot = column(marker.at)
                cells[spot] = MARKER_GLYPHS.get(marker.kind, "•")
                styles[spot] = "bold #d70000" if marker.kind in ("trigger", "rollback") else "bold"
        spot = column(self.replay.session.moment)
        cells[spot] = "●"
        styles[spot] = "bold reverse"
        text = Text(" ", no_wrap=True)
        for cell, style in zip(cells, styles):
            text.append(cell, style=style)
        return text

    def render(self) -> Text:
        text = self.status_text()
        text.append("\n")
        text.append_text(self.track_text(self.size.width or 80))
        return text


class ReplayApp(LaunchpadApp):
    """LaunchpadApp at a playhead. Every write the cockpit offers answers "read-only" instead."""

    BINDINGS = [
        Binding("space", "play_pause", "Play/pause", priority=True),
        Binding("p", "play_pause", "Play/pause", show=False),
        Binding("plus", "faster", "Faster"),
        Binding("equals_sign", "faster", "Faster", show=False),
        Binding("minus", "slower", "Slower"),
        Binding("full_stop", "seek(60)", "+1m"),
        Binding("comma", "seek(-60)", "-1m"),
        Binding("greater_than_sign", "seek(600)", "+10m"),
        Binding("less_than_sign", "seek(-600)", "-10m"),
        Binding("right_square_bracket", "next_entry", "Next entry"),
        Binding("left_square_bracket", "previous_entry", "Prev entry"),
        Binding("right_curly_bracket", "next_marker", "Next marker"),
        Binding("left_curly_bracket", "previous_marker", "Prev marker"),
        Binding("g", "jump", "Jump to", priority=True),  # before the poll pane's "g: vote Go"
        Binding("i", "skip_idle", "Skip idle"),
        Binding("I", "toggle_idle_skip", "Idle skip on/off", show=False),
        # Every key that writes in a live cockpit: taken first, hidden, answered "read-only" (tui/read_only.py).
        *refusal_bindings(),
    ]

    def __init__(self, session: ReplaySession, *, speed: float = 60, start: datetime | None = None,
                 playing: bool = False, idle_limit: float = IDLE_LIMIT, frame_seconds: float = FRAME_SECONDS) -> None:
        probes = ReplayProbes(session) if session.plan.probes else None
        super().__init__(session, probes=probes, clock=lambda: session.moment, poll_interval=3600.0)
        for name in self.WRITE_ACTIONS:  # the palette and prompts reach the same refusal as the keys, never a prompt
            setattr(self, f"action_{name}", self.action_read_only)
        self.speed = float(min(max(speed, SPEEDS[0]), SPEEDS[-1]))
        self.playing = playing
        self.idle_skip = True
        self.idle_limit = idle_limit
        self.frame_seconds = frame_seconds
        self._start = start
        self._shown_checks: tuple | None = None
        self._checklist_drawn = 0.0
        self.sub_title = "replay"

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, Footer):
                yield PlayheadBar(self, id="playhead")
            yield widget

    def on_mount(self) -> None:
        # Runs before LaunchpadApp.on_mount (Textual calls the handlers down the MRO): start once it is done.
        self.call_after_refresh(self._begin)

    def _begin(self) -> None:
        self.sub_title = f"replay of {self.session.path.name} (read-only)"
        self.go(self._start or self.session.moment, force=True)
        self.frame_timer = self.set_interval(self.frame_seconds, self.frame)
        # The index of a long session is hundreds of thousands of long-lived objects: without this, every
        # full garbage collection walks them all (~90 ms on a 100k-entry session) and stalls a frame.
        # Young garbage is still collected as usual; full collections come ten times less often.
        gc.freeze()
        self._gc_thresholds = gc.get_threshold()
        gen0, gen1, gen2 = self._gc_thresholds
        gc.set_threshold(gen0, gen1, max(gen2, 100))

    def on_unmount(self) -> None:
        gc.unfreeze()
        if getattr(self, "_gc_thresholds", None):
            gc.set_threshold(*self._gc_thresholds)

    # ------------------------------------------------------------------ the playhead

    @while_running
    def frame(self) -> None:
        """One playback step: the playhead moves speed x frame of journal time (idle stretches capped)."""
        if not self.playing:
            return
        index = self.session.index
        cap = self.idle_limit * self.speed if self.idle_skip else None
        target = index.advance(self.session.moment, self.frame_seconds * self.speed, cap)
        self.go(target)
        if target >= index.end:
            self.playing = False
            self.go(target, force=True)
            self.notify("End of the journal.", timeout=3)
            self.query_one(PlayheadBar).refresh()

    def go(self, moment: datetime, force: bool = False) -> None:
        """Put the playhead at `moment` and redraw only what changed: at 3600x a frame moves six minutes,
        which usually changes the clocks and a sparkline, rarely the checklist."""
        before = self.session.cursor.count
        changed = self.session.seek(moment) or force
        if changed:
            checks = (dict(self.session.state.checks), len(self.session.state.notes), self.session.state.lead)
            fast = self.playing and self.speed > 60 and not force
            if (force or checks != self._shown_checks) and not (
                    fast and time.monotonic() - self._checklist_drawn < CHECKLIST_EVERY_WHILE_FAST):
                self._shown_checks = checks
                self._checklist_drawn = time.monotonic()
                self.refresh_all()  # checklist + tick (header, timeline, owners)
            else:
                self.tick()  # a fast playback redraws the checklist tree every few seconds, and when it stops
            self._redraw_activity(before, force)
            if self.probes is not None:
                self.probes.show()
        else:
            self.tick()
        self.query_one(PlayheadBar).refresh()

    def _redraw_activity(self, before: int, force: bool) -> None:
        """Forward a little: append the new lines. Backwards or far: rewrite the last ACTIVITY_LINES."""
        log = self.cockpit.query_one(ActivityPane).query_one(RichLog)
        index, count = self.session.index, self.session.cursor.count
        if not force and before <= count and count - before <= index.every:
            fresh = [entry for entry in index.entries[before:count] if entry.kind not in BACKGROUND_KINDS]
            for entry in fresh[-ACTIVITY_LINES:]:
                log.write(self._activity_line(entry))
            return
        log.clear()
        for entry in index.recent_activity(count, ACTIVITY_LINES):
            log.write(self._activity_line(entry))

    def keep_in_activity(self, title: str, text: str) -> None:
        """A replay's Activity is the journal at the playhead, rewritten on every seek: no toast lines in it."""

    def _ring_for_new_late(self, steps: list) -> None:
        """A replay is watched, not worked: no bell for steps that were late back then."""

    def on_trigger_banner_raised(self, message) -> None:
        message.prevent_default()  # no bell, no 30 s toast: just say it
        self.notify(printable(message.state.message), title=f"Trigger fired: {printable(message.state.trigger)}",
                    severity="warning", timeout=4)

    # ------------------------------------------------------------------ actions

    @property
    def controllable(self) -> bool:
        """A replay shows the count, the poll and the rollback as journaled, and offers none of their actions
        (no "press p to poll", where p is play/pause; no "press H to hold")."""
        return False

    PRIORITY_ACTIONS = ("play_pause", "jump", "read_only")

    def check_action(self, action: str, parameters) -> bool | None:
        if action in self.PRIORITY_ACTIONS and (len(self.screen_stack) > 1 or isinstance(self.focused, Input)):
            return False  # a prompt, the palette or the checklist's search: space, g and letters are characters there
        if is_write(self.WRITE_ACTIONS, action, parameters):
            return False  # hidden from the Footer and the keys panel: nothing here writes
        return True

    def action_play_pause(self) -> None:
        if not self.playing and self.session.moment >= self.session.index.end:
            self.go(self.session.index.start)
        self.playing = not self.playing
        if not self.playing:
            self.go(self.session.moment, force=True)  # paused: everything exactly as it was at the playhead
        self.query_one(PlayheadBar).refresh()

    def _set_speed(self, step: int) -> None:
        position = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        self.speed = float(SPEEDS[min(max(position + step, 0), len(SPEEDS) - 1)])
        self.query_one(PlayheadBar).refresh()

    def action_faster(self) -> None:
        self._set_speed(+1)

    def action_slower(self) -> None:
        self._set_speed(-1)

    def action_seek(self, seconds: float) -> None:
        from datetime import timedelta

        self.go(self.session.moment + timedelta(seconds=float(seconds)))

    def action_next_entry(self) -> None:
        found = self.session.index.next_entry(self.session.moment)
        if found is not None:
            self.go(found)

    def action_previous_entry(self) -> None:
        found = self.session.index.previous_entry(self.session.moment)
        if found is not None:
            self.go(found)

    def _to_marker(self, marker: Marker | None) -> None:
        if marker is None:
            self.notify("No more markers that way.", timeout=2)
            return
        self.go(marker.at)
        self.notify(printable(marker.label), timeout=3)

    def action_next_marker(self) -> None:
        self._to_marker(self.session.index.next_marker(self.session.moment))

    def action_previous_marker(self) -> None:
        self._to_marker(self.session.index.previous_marker(self.session.moment))

    def action_skip_idle(self) -> None:
        end = self.session.index.idle_end(self.session.moment, self.idle_limit * max(self.speed, 1))
        if end is None:
            self.notify("Not in an idle stretch.", timeout=2)
            return
        self.go(end)

    def action_toggle_idle_skip(self) -> None:
        self.idle_skip = not self.idle_skip
        self.query_one(PlayheadBar).refresh()

    def jump_to(self, text: str) -> bool:
        try:
            moment = parse_moment(text, self.session.t0, self.session.index.moment_of_offset)  # plan time
        except (OffsetError, ValueError) as error:
            self.notify(printable(str(error)), severity="error", timeout=6)
            return False
        self.go(moment)
        return True

    def action_jump(self) -> None:
        def done(text: str | None) -> None:
            if text:
                self.jump_to(text)

        self.push_screen(TextPrompt("Jump to a T-offset (T-30m, T+0:45) or a time (2026-11-22T18:30Z):", "T-30m"), done)

    def action_read_only(self, *args) -> None:
        self.notify(READ_ONLY_TEXT, timeout=3)

    def _write(self, action, *args, quiet: bool = False) -> None:
        if not quiet:
            self.action_read_only()

    def get_system_commands(self, screen: Screen):
        yield SystemCommand("Play / pause", "Start or stop the playback (space)", self.action_play_pause)
        yield SystemCommand("Faster", "Next speed up, to 3600x (+)", self.action_faster)
        yield SystemCommand("Slower", "Next speed down, to 1x (-)", self.action_slower)
        yield SystemCommand("Forward 1 minute", "(.)", lambda: self.action_seek(60))
        yield SystemCommand("Back 1 minute", "(,)", lambda: self.action_seek(-60))
        yield SystemCommand("Forward 10 minutes", "(>)", lambda: self.action_seek(600))
        yield SystemCommand("Back 10 minutes", "(<)", lambda: self.action_seek(-600))
        yield SystemCommand("Next entry", "The next journal entry (])", self.action_next_entry)
        yield SystemCommand("Previous entry", "The previous journal entry ([)", self.action_previous_entry)
        yield SystemCommand("Next marker", "T-0, holds, triggers, handoffs, rollback (})", self.action_next_marker)
        yield SystemCommand("Previous marker", "({)", self.action_previous_marker)
        yield SystemCommand("Jump to…", "A T-offset or a time (g)", self.action_jump)
        yield SystemCommand("Skip idle stretch", "Jump to the next activity (i)", self.action_skip_idle)
        yield SystemCommand("Idle skipping on/off", "Cap idle stretches while playing (I)", self.action_toggle_idle_skip)
        for marker in self.session.index.markers:
            yield SystemCommand(f"Go to: {printable(marker.label)}", format_clock(self.session.t_clock(marker.at)),
                                lambda m=marker: self.go(m.at))
        for name, title, key in (("timeline", "Timeline", "1"), ("checklist", "Checklist", "2"), ("owners", "Owners", "3"),
                                 ("probes", "Probes", "4"), ("activity", "Activity", "5")):
            yield SystemCommand(f"Show {title}", f"({key})", lambda n=name: self.action_show_pane(n))
        yield SystemCommand("Toggle light/dark", "(t)", self.action_toggle_theme)
        yield SystemCommand("Quit", "Leave the replay (q)", self.exit)


def load_replay(path: str | os.PathLike, plan=None, start: datetime | None = None) -> ReplaySession:
    """A replay session for a file: read-only load (no lock taken, nothing written), plan beside it."""
    from launchpad.core.plan.plan import load_plan
    from launchpad.core.plan.plan_ref import resolve_plan_path
    from launchpad.store.session_file import load_session

    header, entries, _ = load_session(path)
    if plan is None:
        plan, problems = load_plan(resolve_plan_path(header.plan, path))
        if plan is None:
            raise ValueError(problems[0].format() if problems else f"cannot load {header.plan}")
    return ReplaySession(Path(path), header, entries, plan, start=start)
