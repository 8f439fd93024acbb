"""The cockpit: timeline, owners, probe panels, checklist and activity side by side.

The app renders state and sends actions. State comes from a `LiveSession` (the fold of the session journal)
and, when the plan has probes, from the probe runtime; every action goes through the session, which writes
and fsyncs the journal entry before the screen shows it as done.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Tab, Tabs

from launchpad.core.journal.activity import describe_entry
from launchpad.core.literal import LONGEST, cut, one_line, printable
from launchpad.core.plan.owners import ALL, LEAD
from launchpad.core.plan.progress import by_owner, overall
from launchpad.core.plan.timeline import DONE, LATE, SKIPPED, timeline
from launchpad.tui.control import CONTROL_BINDINGS, CockpitControl
from launchpad.tui.lifecycle import CockpitPalette, while_running
from launchpad.tui.palette import LiteralSystemCommands
from launchpad.tui import frame_pacing, partial_update
from launchpad.tui.prompt import TextPrompt
from launchpad.tui.themes import DARK, LIGHT, THEMES, colors
from launchpad.tui.toasts import ToastRoom, toast_timeout
from launchpad.tui.init_offer import init_commands, init_hint
from launchpad.tui.widgets.activity_pane import ActivityPane
from launchpad.tui.widgets.footer import CockpitFooter
from launchpad.tui.widgets.checklist_pane import ChecklistPane, ChecklistTree, ChecklistView
from launchpad.tui.widgets.count_clock import CountClock
from launchpad.tui.widgets.header_bar import LaunchHeader
from launchpad.tui.widgets.on_demand import OnDemand
from launchpad.tui.widgets.owners_pane import OwnersPane
from launchpad.tui.widgets.poll_pane import PollPane
from launchpad.tui.widgets.probes_pane import ProbesPane
from launchpad.tui.widgets.rollback_pane import RollbackPane
from launchpad.tui.widgets.timeline_pane import TimelinePane

STYLES = Path(__file__).parent / "styles"
PANES = (
    ("timeline", "Timeline", "1"),
    ("checklist", "Checklist", "2"),
    ("owners", "Owners", "3"),
    ("probes", "Probes", "4"),
    ("activity", "Activity", "5"),
    ("poll", "Poll", "6"),
)


HISTORY_COMPACTION_SECONDS = 3600.0  # the prober packs old probe minutes this often (compact_history)
PROBE_REDRAW_SECONDS = 0.25  # probe panels redraw at most this often, whatever the number of results


class _NotifyHandler(logging.Handler):
    """While the cockpit runs, warnings from the engine and the store become notifications: anything
    written to stderr would scribble over the screen."""

    def __init__(self, app: "LaunchpadApp") -> None:
        super().__init__(level=logging.WARNING)
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        try:
            severity = "error" if record.levelno >= logging.ERROR else "warning"
            say = lambda: self.app.notify(one_line(record.getMessage(), 300), title=record.name,  # noqa: E731
                                          severity=severity, timeout=8)
            self.app._to_ui(say)  # the probe thread logs too (engine/loop_thread.py)
        except Exception:  # a log line must never take the cockpit down
            pass


class LaunchpadApp(ToastRoom, App):  # toasts: tui/toasts.py
    """One launch, one screen. It reads time from the session's clock (core/clock.py), so the screen, the
    journal's stamps and the count agree; tests and replay pin it."""

    TITLE = "launchpad"
    CSS_PATH = [STYLES / "app.tcss", STYLES / "probes.tcss", STYLES / "control.tcss"]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide"), (160, "-xwide")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {LiteralSystemCommands}  # titles and help as literal Content, never markup (tui/palette.py)
    BINDINGS = [
        *(Binding(key, f"show_pane('{name}')", title, show=False) for name, title, key in PANES),
        Binding("n", "note", "Note"),
        Binding("h", "handoff", "Hand over", show=False),  # rare; in ? Keys and the palette
        Binding("w", "save", "Compact file", show=False),
        Binding("t", "toggle_theme", "Theme", show=False),
        Binding("question_mark", "toggle_keys", "Keys"),
        Binding("a", "acknowledge", "Ack trigger", show=False),  # the trigger banner says "a" while one fires
        Binding("q", "quit", "Quit"),
        *CONTROL_BINDINGS,
    ]

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Every toast of the cockpit (widgets' `notify` lands here too) shows its text literally: never parsed
        as markup (`[/]` raised MarkupError and took the cockpit down; `[@click=app.quit]` made a toast that
        quit it), controls and bidi characters made visible, and cut to a readable length. `markup` is accepted
        for Textual's signature and ignored: no caller can turn parsing back on."""
        super().notify(cut(printable(message, keep_newlines=True), LONGEST), title=cut(printable(title), 200),
                       severity=severity, timeout=toast_timeout(severity, timeout), markup=False)
        if severity == "warning" and self.is_running:  # whole, in Activity: the toast may be cut, replaced, capped
            self.call_later(self.keep_in_activity, printable(title), printable(message))

    # Everything that writes to the session (keys, palette commands, prompts behind them): a watch-only cockpit
    # answers each with "read-only" instead (launch control's own: tui/control.py WRITES).
    WRITE_ACTIONS = ("note", "handoff", "save", "acknowledge", "demo_mode")

    def __init__(self, session, *, probes=None, clock: Callable[[], datetime] | None = None,
                 poll_interval: float = 0.5, notices: Iterable[str] = (), read_only: bool = False) -> None:
        super().__init__()
        partial_update.install()  # a partly repainted line sends only its changed cells (tui/partial_update.py)
        frame_pacing.install()  # a late frame is followed at the next slot, not the one after (tui/frame_pacing.py)
        self.read_only = read_only  # `launchpad watch`: shows everything, writes nothing, never probes
        if read_only:
            for name in self.WRITE_ACTIONS:
                setattr(self, f"action_{name}", self.refuse_write)
        self.session = session
        self.plan = session.plan
        self.control = CockpitControl(self)  # launch control's keys, prompts and panes: tui/control.py
        self.probes = probes
        self.clock = clock or session.clock
        self.poll_interval = poll_interval
        self.notices = [*getattr(session, "notices", ()), *notices]  # what opening the session found
        self.active_pane = "timeline"
        self._seen_late: set[str] = set()
        # Every blocking journal operation (flock waits, write + fsync, reading what others appended) runs on
        # this one thread, in the order asked: a lock held by another process never freezes the keys.
        self._journal = ThreadPoolExecutor(max_workers=1, thread_name_prefix="launchpad-journal")
        self._polling: Future | None = None
        self._poll_stop = threading.Event()
        self._ui_thread = threading.get_ident()
        # Themes before the first stylesheet parse: set in on_mount they made Textual parse all CSS twice.
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DARK.name

    # ------------------------------------------------------------------ layout

    def _width_class(self, width: int) -> str:
        return next(name for limit, name in sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True) if width >= limit)

    def get_default_screen(self) -> Screen:
        """The screen starts with its width class (-narrow/-wide/-xwide) already set, so the first resize
        does not restyle every widget a second time before the first frame."""
        from launchpad.tui.cockpit_screen import CockpitScreen  # no layout for start-up resizes to its size

        return CockpitScreen(id="_default", classes=self._width_class(self.size.width))

    def _pane_tabs(self) -> Tabs:
        """The tabs narrow screens fold the panes into. Wide screens never show them: there they are made only
        if the terminal becomes narrow (on_resize), not before the first frame (~10 ms of widgets and styles)."""
        return Tabs(*(Tab(f"{key} {title}", id=f"tab-{name}") for name, title, key in PANES), id="pane-tabs",
                    active=f"tab-{self.active_pane}")

    def compose(self) -> ComposeResult:
        yield LaunchHeader(id="header")
        yield CountClock(id="count-bar")
        if self.probes is not None:
            from launchpad.tui.widgets.trigger_banner import TriggerBanner

            yield TriggerBanner(id="trigger-banner")
        if self._width_class(self.size.width) == "-narrow":
            yield self._pane_tabs()
        with Container(id="panes"):
            yield TimelinePane(id="timeline", classes="pane -active")
            yield ProbesPane(self.plan.probes, self.plan.metrics, self.plan.triggers, id="probes", classes="pane")
            yield ChecklistPane(id="checklist", classes="pane")
            yield RollbackPane(id="rollback", classes="pane")
            yield OwnersPane(id="owners", classes="pane")
            yield ActivityPane(id="activity", classes="pane")
            yield PollPane(id="poll", classes="pane")
        yield CockpitFooter()  # rebuilt only when its keys change (tui/widgets/footer.py)

    def on_mount(self) -> None:
        self._log_handler = _NotifyHandler(self)
        logger = logging.getLogger("launchpad")
        logger.addHandler(self._log_handler)
        logger.propagate = False
        self.title = printable(self.plan.name)  # a terminal's window title: no escape sequence may ride along
        self.sub_title = printable(("WATCH-ONLY · " if self.read_only else "") + str(self.session.path))
        self.refresh_all()
        self._ui_thread = threading.get_ident()
        self._ui_loop = asyncio.get_running_loop()
        self.session.subscribe(self._entries_read)
        for entry in self.session.state.last_entries:
            if self._logged(entry):  # a cockpit that joins later lists what one that was there saw
                self.cockpit.query_one(ActivityPane).add(self._activity_line(entry))
        for notice in self.notices:  # a torn tail set aside, a changed plan, vanished items: kept in Activity too
            self.notify(printable(notice), severity="warning", timeout=10)
        hint = init_hint(self.plan)  # a bare checklist: offer to write its plan
        if hint:
            self.notify(printable(hint), title="launchpad init", timeout=15)
        self.call_after_refresh(self._after_first_frame)
        self.set_interval(1.0, self.tick)
        self._start_polling()
        self.cockpit.query_one(TimelinePane).query_one("DataTable").focus()
        if self.probes is not None:
            from launchpad.shell.probes import LEADERSHIP_RETRY_SECONDS

            self._dirty_probes: dict = {}
            self._probe_flush = None  # the pending redraw of the dirty probes (show_probe), if any
            # Probes start once the first frame is on screen: the cockpit shows at once, panels fill in.
            self.call_after_refresh(self.probes.start, self)
            self._show_acks()
            self.set_interval(LEADERSHIP_RETRY_SECONDS, self.probes.tick)
            self.set_interval(HISTORY_COMPACTION_SECONDS, self.compact_history)
        self.notifier = None  # chat/pager/webhook news: set up on the journal thread after the first frame

    def get_driver_class(self):
        """Textual's driver, except on a Linux or macOS terminal: the same driver whose key thread sleeps until a
        key comes (tui/quiet_input.py) instead of waking ten times a second."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from launchpad.tui.quiet_input import QuietLinuxDriver

            if issubclass(QuietLinuxDriver, driver):
                return QuietLinuxDriver
        return driver

    def on_load(self) -> None:
        # No garbage collection while the screen is built (it ran several full passes over the young widget
        # tree); after the first frame everything built so far is frozen out of later full collections, which
        # otherwise grew to 100-200 ms pauses every few seconds over a long launch. Here, not in __init__: an
        # app that is built but never run must not leave the process without collection.
        gc.disable()

    def _after_first_frame(self) -> None:
        gc.freeze()
        gc.enable()
        self._fit_timeline_height()  # the panes have their size now
        if not self.read_only:  # a watching cockpit never speaks for the launch
            # On the journal thread (it reads the journal), once the screen is up: its imports there held the
            # interpreter lock while the first frame was being built.
            self._journal.submit(self._start_notifier)

    def on_resize(self, event) -> None:
        if self._width_class(event.size.width) == "-narrow" and not self.cockpit.query("#pane-tabs"):
            self.cockpit.mount(self._pane_tabs(), before="#panes")
        self.call_after_refresh(self._fit_timeline_height)  # once the new width class and sizes are in

    async def on_unmount(self) -> None:
        gc.unfreeze()  # whatever happens next in this process (another app, a test) collects as usual
        gc.enable()
        self._poll_stop.set()
        await asyncio.wrap_future(self._journal.submit(lambda: None))  # what was asked is on disk
        if getattr(self, "notifier", None) is not None:
            self.notifier.stop()
        if self.probes is not None:
            await self.probes.stop()
        self._journal.shutdown(wait=False)
        logger = logging.getLogger("launchpad")
        logger.removeHandler(self._log_handler)
        logger.propagate = True

    # ------------------------------------------------------------------ probe sink (called by ProbeRuntime)

    @while_running
    def show_probe(self, name: str, status) -> None:
        """Probe results arrive as fast as the probes run; panels redraw at most four times a second. The redraw
        is timed when a result comes, not polled: a 0.25 s interval woke an idle cockpit four times a second.
        A plain loop timer, not Textual's: results come in the probe hop's callback (shell/ui_hop.py), outside
        the app's context, where a Textual timer never fires."""
        self._dirty_probes[name] = status
        if self._probe_flush is None:
            self._probe_flush = asyncio.get_running_loop().call_later(PROBE_REDRAW_SECONDS, self._timed_flush)

    def _timed_flush(self) -> None:
        self._probe_flush = None
        self.flush_probes()

    @while_running
    def flush_probes(self) -> None:
        if not self._dirty_probes:
            return
        dirty, self._dirty_probes = self._dirty_probes, {}
        pane = self.cockpit.query_one(ProbesPane)
        for name, status in dirty.items():
            pane.show(name, status)

    @while_running
    def show_trigger(self, state) -> None:
        from launchpad.tui.widgets.trigger_banner import TriggerBanner

        self.cockpit.query_one(TriggerBanner).update_state(state)
        self.cockpit.query_one(ProbesPane).show_trigger(state)  # each probe panel says its worst trigger

    @while_running
    def show_source(self, text: str) -> None:
        """Whose probe figures the pane shows, and how old they are (a follower's, or "probing here")."""
        pane = self.cockpit.query_one(ProbesPane)
        if pane.border_subtitle != text:
            pane.border_subtitle = text

    @while_running
    def notice(self, text: str, severity: str = "information") -> None:
        self.notify(printable(text), severity=severity, timeout=8)

    def _start_notifier(self) -> None:
        from launchpad.shell.notify import start_notifier

        try:
            self.notifier = start_notifier(self.session, self.probes, notice=self._notice_from_thread)
        except Exception as error:  # notifications are a side channel: the cockpit runs on without them
            self._notice_from_thread(f"Notifications not started: {error}", "error")

    def _notice_from_thread(self, text: str, severity: str = "information") -> None:
        """The notifier's threads report here (a target down, a bad URL): shown on the UI thread."""
        if threading.get_ident() == self._ui_thread:
            self.notice(text, severity)
            return
        try:
            self.call_from_thread(self.notice, text, severity)
        except RuntimeError:  # the app has stopped
            pass

    @property
    def cockpit(self) -> Screen:
        """The cockpit screen, even while a prompt or the command palette is on top of it."""
        return self.screen_stack[0]

    @property
    def colors(self) -> dict[str, str]:
        return colors(self.current_theme)

    # ------------------------------------------------------------------ rendering state

    def _owner_names(self) -> dict[str, str]:
        names = {role.id: role.title for role in self.plan.roles}
        names[ALL] = "All"
        names[LEAD] = f"Lead ({self.session.state.lead})" if self.session.state.lead else "Lead"
        return names

    def checklist_view(self) -> ChecklistView:
        state = self.session.state
        notes: dict[str, list] = {}
        for note in state.notes:
            if note.target:
                notes.setdefault(note.target, []).append(note)
        return ChecklistView(
            checklists=self.plan.checklists,
            tasks=self.plan.tasks,
            checked=self.session.checked(),
            owner_of=self.plan.owner_of,
            owner_names=self._owner_names(),
            marks=dict(state.checks),
            notes=notes,
        )

    def refresh_all(self) -> None:
        self.cockpit.query_one(ChecklistPane).show(self.checklist_view(), self.colors)
        self.tick()

    @while_running
    def tick(self) -> None:
        """Once a second: the clocks, the timeline's states and the owners' dues move with time."""
        now = self.clock()
        t_clock = self.session.t_clock(now)
        checked = self.session.checked()
        done, _ = self._tallies(checked)
        marker, why = self.control.count_marker(now)
        self.cockpit.query_one(LaunchHeader).show(
            name=("DEMO · " if getattr(self.session, "demo", False) else "") + self.plan.name,  # a demo says so
            t_clock=t_clock, wall=now.strftime("%H:%M:%S UTC"),
            lead=self.session.state.lead or "—", done=done.done, total=done.total,
            session=Path(self.session.path).name, colors=self.colors, marker=marker, why=why,
        )
        steps = timeline(self.plan.events, t_clock, self.session.event_marks())  # once, for every pane below
        self.cockpit.query_one(TimelinePane).show(steps, t_clock, self._owner_names(), self.colors,
                                                  holds=self._planned_holds(now))
        self._fit_timeline_height()
        self.cockpit.query_one(OwnersPane).show(self._owner_rows(steps, checked), self.colors)
        self._ring_for_new_late(steps)
        self.control.tick(now, t_clock)

    def _fit_timeline_height(self) -> None:
        """On the war-room screen (-xwide) the timeline's row of the grid is as tall as its steps, up to half
        the height: a ten-step plan left two thirds of a 60-row pane empty while Owners and Activity below it
        were squeezed. The grid is laid out again only when that height changes."""
        panes = self.cockpit.query_one("#panes")
        if not self.screen.has_class("-xwide") or not panes.size.height:
            rows = None
        else:
            wanted = self.cockpit.query_one(TimelinePane).table.row_count + 4  # header, borders, one spare
            rows = f"{max(8, min(wanted, panes.size.height // 2))} 1fr 1fr"
        if rows == getattr(self, "_timeline_rows", None):
            return
        self._timeline_rows = rows
        if rows is None:
            panes.styles.clear_rule("grid_rows")  # the stylesheet's rows for this width
        else:
            panes.styles.grid_rows = rows

    def _planned_holds(self, now: datetime) -> list[tuple]:
        """Each planned hold with where it stands: holding now, already held in this attempt, or still ahead."""
        holds = getattr(self.plan, "holds", ())
        if not holds or not hasattr(self.session, "count"):
            return []
        count = self.session.count().at(now)
        current = count.current_hold(now)
        rows = []
        for hold in holds:
            if current is not None and current.planned == hold.id:
                rows.append((hold, "holding"))
            else:
                rows.append((hold, "done" if hold.id in count.consumed else "planned"))
        return rows

    def _tallies(self, checked: set[str]) -> tuple:
        """(overall tally, by owner) of the ticked items, counted again only when the ticks changed: the session
        hands out a new set on every change. Counting every second cost 26 ms of each tick at 100,000 items."""
        memo = getattr(self, "_tallies_memo", None)
        if memo is None or memo[0] is not checked or memo[1] is not self.plan:
            memo = self._tallies_memo = (checked, self.plan, overall(self.plan.tasks, checked),
                                         by_owner(self.plan.tasks, checked, self.plan.owner_of))
        return memo[2], memo[3]

    def _owner_rows(self, rows_by_event: list, checked: set[str]) -> list[dict]:
        _, owed = self._tallies(checked)
        rows = []
        roles = [(role.id, role.title, role.person, role.contact) for role in self.plan.roles]
        lead = self.session.state.lead or ""
        if any(event.owner == LEAD for event in self.plan.events) or LEAD in owed:
            roles.insert(0, (LEAD, "Release lead", lead, ""))
        for role_id, title, person, contact in roles:
            tally, open_items = owed.get(role_id, (None, []))
            upcoming = [row for row in rows_by_event if row.event.owner in (role_id, ALL) and row.state not in (DONE, SKIPPED)]
            nxt = upcoming[0] if upcoming else None
            rows.append({
                "key": role_id, "role": title, "person": person, "contact": contact,
                "open": len(open_items), "total": tally.total if tally else 0, "open_items": open_items,
                "next": nxt.event if nxt else None, "late": bool(nxt and nxt.state == LATE),
                **self.control.owner_control(role_id, person),
            })
        return rows

    def _ring_for_new_late(self, steps: list) -> None:
        late = {row.event.id for row in steps if row.state == LATE}
        fresh = late - self._seen_late
        if fresh and self._seen_late is not None and getattr(self, "_late_primed", False):
            self.bell()
            for event_id in fresh:
                event = next(e for e in self.plan.events if e.id == event_id)
                self.notify(f"Late: {printable(event.title)}", severity="warning")
        self._seen_late = late
        self._late_primed = True

    def _activity_line(self, entry) -> Text:
        line = Text(no_wrap=False)
        line.append(f"{entry.at:%H:%M:%S} ", style="dim")
        line.append(printable(entry.actor), style="bold")
        line.append(" " + printable(describe_entry(entry, self.plan)))
        return line

    # ------------------------------------------------------------------ journal

    QUIET_KINDS = ("probe", "trigger", "ack", "probe_minute", "probe_minutes", "notify")  # shown in the probe panels and the banner, not as toasts
    HISTORY_KINDS = ("probe_minute", "probe_minutes")  # folded probe figures (packed ones too): the sparklines draw them, the log would drown in them

    @while_running
    def record(self, entries) -> None:
        """Entries now on disk (ours, another cockpit's, a script's, the probes'): log them, redraw what they
        change, and tell the room about what other people did."""
        pane = self.cockpit.query_one(ActivityPane)
        for entry in entries:
            if self._logged(entry):
                pane.add(self._activity_line(entry))
            if entry.actor != self.session.actor and entry.kind not in self.QUIET_KINDS:
                self.notify(f"{printable(entry.actor)} {printable(describe_entry(entry, self.plan))}", timeout=4)
        if any(entry.kind not in self.QUIET_KINDS for entry in entries):
            self.refresh_all()  # probe entries change no item, step or lead: the panels draw those
        if self.probes is not None and any(entry.kind == "ack" for entry in entries):
            self._show_acks()  # acknowledged anywhere: this banner stops ringing too
        self.control.record(entries)

    def _logged(self, entry) -> bool:
        """Whether the activity log lists this entry: not the per-minute probe folds, not routine trigger states."""
        return entry.kind not in self.HISTORY_KINDS and not self._routine(entry)

    @staticmethod
    def _routine(entry) -> bool:
        """A trigger settling into "ok" or "no data yet" is journaled for replay, but is noise in the log."""
        return entry.kind == "trigger" and (entry.payload or {}).get("state") in ("ok", "insufficient_data")

    def _entries_read(self, entries) -> None:
        """The session's listener: entries read back on the journal thread are drawn on the UI thread."""
        self._to_ui(self.record, entries)

    def _to_ui(self, callback: Callable, *args) -> None:
        """`callback(*args)` on the UI thread: now when called there, else queued to its loop and never waited
        for (the journal thread may hold the session's lock while the UI thread waits for that lock, as a probe
        runtime's append does: a blocking hop deadlocked the prober)."""
        if threading.get_ident() == self._ui_thread:
            callback(*args)
            return
        try:
            self._ui_loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop has closed: nothing left to draw on
            pass

    def _on_journal_thread(self, action: Callable, *args, done: Callable[[Future], None]) -> Future:
        future = self._journal.submit(action, *args)
        asyncio.wrap_future(future).add_done_callback(lambda _: done(future) if self.is_running else None)
        return future

    async def journal_settled(self) -> None:
        """Wait until every journal operation asked so far is done and its entries are drawn (for scripts
        driving the cockpit, and tests)."""
        await asyncio.wrap_future(self._journal.submit(lambda: None))
        await asyncio.sleep(0)

    def _start_polling(self) -> None:
        """Every `poll_interval` a thread of its own stats the session file and, when it changed (or cannot be
        stat'ed), asks the journal thread to read what other cockpits and scripts wrote. The UI loop is woken
        only when something was read or went wrong: a UI timer woke it four times a second (the timer, then the
        answer) to learn, nearly always, that nothing had changed, and the journal thread twice."""
        stop, path = self._poll_stop, self.session.path

        def run() -> None:
            seen = None
            while not stop.wait(self.poll_interval):
                polling = self._polling
                if polling is not None:
                    if not polling.done():
                        continue  # a read is under way: what changed meanwhile is looked for once it is done
                    if polling.result() is False:
                        seen = None  # the last read failed: read again, not only after the next change
                try:
                    stat = os.stat(path)
                    now = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
                except OSError:
                    now = None  # the journal thread's look says what is wrong
                if now is not None and now == seen:
                    continue
                seen = now
                try:
                    self.poll_session()
                except RuntimeError:  # the journal thread has shut down: the cockpit is going
                    return

        threading.Thread(target=run, name="launchpad-poll", daemon=True).start()

    def poll_session(self) -> Future:
        """Look for what other cockpits and scripts wrote to the session file, on the journal thread (never on
        the UI loop; a look still waiting on the disk is not doubled). Safe from any thread."""
        polling = self._polling
        if polling is None or polling.done():
            polling = self._polling = self._journal.submit(self._poll_io)
        return polling

    def _poll_io(self) -> bool:
        """On the journal thread: what was read reaches the screen through the session's listener; a failure
        or a warning is said on the UI loop. False when the read failed."""
        try:
            self.session.poll()
            warnings = self.session.new_warnings() if hasattr(self.session, "new_warnings") else []
        except Exception as error:  # a vanished or unreadable file must not stop the cockpit
            self._to_ui(self._poll_failed, error)
            return False
        if warnings:
            self._to_ui(self._poll_warned, warnings)
        return True

    @while_running
    def _poll_failed(self, error: Exception) -> None:
        self.notify(f"Cannot read the session file: {printable(str(error))}", severity="error", timeout=8)

    @while_running
    def _poll_warned(self, warnings: list[str]) -> None:
        for warning in warnings:  # the entries around it are kept; the bad bytes are set aside, not lost
            self.notify(printable(warning), title="Session file", severity="warning", timeout=15)  # and in Activity

    def refuse_write(self, *args) -> None:
        """What every write key and palette command says in a cockpit that writes nothing (watch, replay)."""
        why = "watch-only" if self.read_only else "a view"
        self.notify(f"This cockpit is read-only ({why}): nothing is written. "
                    "Act from `launchpad open SESSION` or the launchpad commands.", title="Read-only", timeout=4)

    def _write(self, action: Callable, *args, quiet: bool = False) -> Future | None:
        """Run one journal action on the journal thread; what it wrote reaches the screen through `record`
        once it is on disk. On a failed write say so and change nothing (`quiet`: an expected refusal, such as
        another cockpit having resumed a planned hold first). A watch-only cockpit writes nothing: None."""
        if self.read_only:
            self.refuse_write()
            return None

        def written(future: Future) -> None:
            error = future.exception()
            if error is not None and not quiet:
                self.bell()
                self.notify(f"Not recorded: {printable(str(error))}", title="Session file write failed",
                            severity="error", timeout=15)

        return self._on_journal_thread(action, *args, done=written)

    def action_control(self, name: str) -> None:
        """Launch control's keys (CONTROL_BINDINGS): tui/control.py."""
        self.control.run(name)

    def on_poll_pane_vote_requested(self, message) -> None:
        self.control.vote_requested(message.role, message.vote)

    def on_rollback_pane_step_toggled(self, message) -> None:
        self.control.step_toggled(message.step_id)

    @on(ChecklistTree.ToggleRequested)
    def _toggle(self, message: ChecklistTree.ToggleRequested) -> None:
        self._write(self.session.toggle, message.item_id)

    @on(TimelinePane.StateRequested)
    def _event_state(self, message: TimelinePane.StateRequested) -> None:
        self.control.set_step_state(message.event_id, message.state)  # done early asks first

    # ------------------------------------------------------------------ actions

    def action_show_pane(self, name: str) -> None:
        self.active_pane = name
        shown = "rollback" if name == "checklist" and self.cockpit.has_class("-rollback") else name
        for pane in self.cockpit.query(".pane"):
            pane.set_class(pane.id == shown, "-active")
        for tabs in self.cockpit.query("#pane-tabs").results(Tabs):  # none on a screen never narrow
            if tabs.active != f"tab-{name}":
                tabs.active = f"tab-{name}"
        pane = self.cockpit.query_one(f"#{shown}")
        if isinstance(pane, OnDemand):  # the rollback steps, the poll: rows made when first shown
            pane.build()
        focusable = [widget for widget in pane.query("*") if widget.focusable and widget.display]
        if focusable:
            focusable[0].focus()

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_changed(self, event: Tabs.TabActivated) -> None:
        name = event.tab.id.removeprefix("tab-")
        if name != self.active_pane:
            self.action_show_pane(name)

    def action_note(self) -> None:
        task = self.cockpit.query_one(ChecklistPane).highlighted_task() if self.active_pane == "checklist" or \
            self.cockpit.query_one(ChecklistPane).has_focus_within else None
        target = task.id if task else ""
        title = f"Note on #{task.id}: {task.text}" if task else "Note on the launch"

        def done(text: str | None) -> None:
            if text:
                self._write(self.session.add_note, target, text)

        self.push_screen(TextPrompt(printable(title), "what happened, what is left, who to ask…"), done)

    def action_handoff(self) -> None:
        def done(name: str | None) -> None:
            if name:
                self._write(self.session.handoff, name)

        current = self.session.state.lead or "nobody"
        self.push_screen(TextPrompt(f"Hand the launch over (lead now: {printable(current)}) to:", "name of the next lead"), done)

    @while_running
    def compact_history(self) -> None:
        """The probing cockpit compacts the session once an hour, on the journal thread: probe minutes older
        than the newest hour are packed (core/journal/pack.py), so a 28-hour launch with 200 probes keeps
        thousands of history entries, not 338,000, and a cockpit that joins late opens it in seconds. Only
        the prober: it is the one writing the minutes, and one compaction per session is enough."""
        if self.read_only or self.probes is None or not self.probes.leader:
            return

        def compacted(future: Future) -> None:
            error = future.exception()
            if error is not None:
                self.notify(f"Hourly compaction failed (nothing lost; it will try again): {printable(str(error))}",
                            title="Session file", severity="warning", timeout=15)

        self._on_journal_thread(self.session.save, done=compacted)

    def action_save(self) -> None:
        def saved(future: Future) -> None:
            error = future.exception()
            if error is not None:
                self.notify(f"Save failed: {printable(str(error))}", severity="error", timeout=15)
            else:
                where = printable(str(future.result() or self.session.path))
                self.notify(f"Compacted the session file ({where}): rewritten in place, atomically")

        self._on_journal_thread(self.session.save, done=saved)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The palette's Screenshot goes beside the session file, named by the cockpit's clock: Textual's
        default folder, ~/Downloads, often does not exist on a server. Textual's toast says where it went."""
        folder = path or str(Path(self.session.path).resolve().parent)
        name = filename or f"{Path(self.session.path).name.split('.')[0]}-{self.clock():%Y%m%d-%H%M%S}.svg"
        return super().deliver_screenshot(name, folder, time_format)

    def action_toggle_keys(self) -> None:
        """Every key of the focused pane and the cockpit, with what it does (Textual's help panel): the Footer
        shows the common ones, this shows all."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.theme == DARK.name else DARK.name
        self.refresh_all()
        self.cockpit.query_one(ChecklistPane)._relabel()

    def action_filter_owner(self, owner: str | None) -> None:
        self.action_show_pane("checklist")
        self.cockpit.query_one(ChecklistPane).set_owner_filter(owner)

    def action_search(self) -> None:
        self.action_show_pane("checklist")
        self.cockpit.query_one(ChecklistPane).action_search()

    def action_reveal_section(self, section: tuple[str, ...]) -> None:
        self.action_show_pane("checklist")
        self.cockpit.query_one(ChecklistPane).reveal_section(section)

    def action_acknowledge(self) -> None:
        if self.probes is None:
            return
        from launchpad.tui.widgets.trigger_banner import TriggerBanner

        if not self.cockpit.query_one(TriggerBanner).acknowledge():
            self.notify("No trigger is firing.", timeout=3)

    def on_trigger_banner_raised(self, message) -> None:
        """A rollback trigger fired: ring the bell (tmux flags the window), say it, show the rollback steps."""
        state = message.state
        self.bell()
        self.notify(printable(state.message) + "\nX confirms a rollback", title=f"Rollback trigger: {printable(state.trigger)}",
                    severity="error", timeout=30)
        if self.plan.rollback_section:
            self.cockpit.query_one(ChecklistPane).reveal_section(self.plan.rollback_section)
            if self.screen.has_class("-narrow"):
                self.action_show_pane("checklist")

    def _show_acks(self) -> None:
        from launchpad.tui.widgets.trigger_banner import TriggerBanner

        self.cockpit.query_one(TriggerBanner).set_acks(self.session.state.acks)

    def on_trigger_banner_acknowledged(self, message) -> None:
        from launchpad.shell.probes import acknowledge
        from launchpad.tui.widgets.trigger_banner import TriggerBanner

        if self.read_only:  # the banner's own key or a click: it keeps ringing until someone who can write acks
            self.cockpit.query_one(TriggerBanner).unacknowledge(message.states)
            self.refuse_write()
            return

        def done(future: Future) -> None:
            error = future.exception()
            if error is not None:
                self.bell()
                self.notify(f"Not recorded: {printable(str(error))}", title="Session file write failed", severity="error")
                return
            self._show_acks()
            names = ", ".join(printable(state.trigger) for state in future.result())
            self.notify(f"Acknowledged: {names}" if names else "Already acknowledged in another cockpit", timeout=4)

        # On the journal thread like every write: it reads the journal first, so a firing acknowledged
        # anywhere a moment ago is not acknowledged twice.
        self._on_journal_thread(acknowledge, self.session, list(message.states), done=done)

    def action_demo_mode(self, mode: str) -> None:
        try:
            self.probes.set_demo_mode(mode)
        except Exception as error:
            self.notify(f"Demo service: {printable(str(error))}", severity="error")
            return
        self.notify(f"Demo service is now {mode}", timeout=4)

    def action_command_palette(self) -> None:
        """Textual's palette, with its timers made safe for an app that is closing (tui/lifecycle.py)."""
        if self.use_command_palette and not CockpitPalette.is_open(self):
            self.push_screen(CockpitPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action in the command palette, including those without a key."""
        yield from super().get_system_commands(screen)
        yield from self.control.commands()
        yield from init_commands(self)
        for name, title, key in PANES:
            yield SystemCommand(f"Show {title}", f"Go to the {title.lower()} ({key})", lambda n=name: self.action_show_pane(n))
        yield SystemCommand("Search checklist", "Find items by text, ID, owner or section (/)", self.action_search)
        yield SystemCommand("Open link", "Open the highlighted item's link in the browser (l)",
                            lambda: self.cockpit.query_one(ChecklistPane).action_open_link())
        yield SystemCommand("Note", "Add a note to the highlighted item, or to the launch (n)", self.action_note)
        yield SystemCommand("Hand over", "Hand the launch to another lead (h)", self.action_handoff)
        yield SystemCommand("Compact session file", "Rewrite the session file in place, atomically (w)", self.action_save)
        yield SystemCommand("Toggle light/dark", "Switch between the dark and the projector theme (t)", self.action_toggle_theme)
        yield SystemCommand("Clear checklist filters", "Show every item again", lambda: self.action_filter_owner(None))
        pane = self.cockpit.query_one(ChecklistPane)
        names = self._owner_names()
        for owner in pane.owner_choices():
            yield SystemCommand(f"Filter checklist: {printable(names.get(owner, owner))}",
                                "Show only what this owner still owes", lambda o=owner: self.action_filter_owner(o))
        for event in self.plan.events:
            for state, verb in (("in_progress", "Start"), ("done", "Done"), ("skipped", "Skip")):
                yield SystemCommand(f"{verb}: {printable(event.title)}", f"Set the step's state to {state.replace('_', ' ')}",
                                    lambda e=event.id, s=state: self.control.set_step_state(e, s))
        if self.plan.rollback_section:
            yield SystemCommand("Show rollback steps", "Bring the plan's rollback section forward",
                                lambda: self.action_reveal_section(self.plan.rollback_section))
        if self.probes is not None:
            yield SystemCommand("Acknowledge trigger", "Acknowledge the firing rollback triggers (a)", self.action_acknowledge)
            explain = {"healthy": "restore it", "slow": "answers take over 3 s", "failing": "40% of answers are 5xx",
                       "down": "health checks answer 503"}
            for mode in self.probes.demo_modes:
                yield SystemCommand(f"Demo service: {mode}", f"Make the demo service {mode}: {explain.get(mode, '')}",
                                    lambda m=mode: self.action_demo_mode(m))
