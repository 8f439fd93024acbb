"""The rollback banner: shows firing triggers (trigger, probe, figure) until a person acknowledges them.

Hidden when nothing fires. Feed it every trigger state change with `update_state`; it posts `Raised` when
a trigger starts firing (the app rings the bell, notifies, brings the rollback section forward) and
`Acknowledged` when a person acknowledges (the app journals it). An acknowledged trigger shows again only
if it stops firing and fires anew. Acks journaled anywhere (another cockpit, a script) arrive through
`set_acks`: a firing acknowledged in one cockpit stops ringing in every cockpit.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from launchpad.core.literal import one_line, printable
from launchpad.core.journal.live_state import since_key
from launchpad.core.probes.triggers import TriggerState

Key = tuple[str, str]  # (trigger name, probe name)


class TriggerBanner(Widget, can_focus=True):
    BINDINGS = [Binding("a", "acknowledge", "Acknowledge")]

    class Raised(Message):
        """A trigger started firing."""

        def __init__(self, state: TriggerState):
            super().__init__()
            self.state = state

    class Acknowledged(Message):
        """A person acknowledged these firing triggers."""

        def __init__(self, states: list[TriggerState]):
            super().__init__()
            self.states = states

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self._firing: dict[Key, TriggerState] = {}
        self._acknowledged: dict[Key, datetime | None] = {}  # key -> `since` of the firing that was acknowledged
        self._journal_acks: dict[Key, str] = {}  # key -> since_key of the firing acknowledged in the journal
        self._text = Static(classes="trigger-text")
        self._shown_text: Text | None = None
        self.display = False

    def compose(self) -> ComposeResult:
        yield self._text

    @property
    def shown(self) -> list[TriggerState]:
        """Firing triggers not yet acknowledged, oldest first."""
        states = [s for k, s in self._firing.items() if not self._is_acknowledged(k, s)]
        return sorted(states, key=lambda s: (s.since is None, s.since or datetime.min, s.trigger, s.probe))

    def _is_acknowledged(self, key: Key, state: TriggerState) -> bool:
        return self._acknowledged.get(key, False) == state.since or self._journal_acks.get(key) == since_key(state.since)

    def set_acks(self, acks) -> None:
        """The journal's acks (`"trigger · probe"` -> payload with trigger, probe and since)."""
        self._journal_acks = {(str(p.get("trigger", "")), str(p.get("probe", ""))): str(p.get("since", ""))
                              for p in acks.values() if p}
        self._refresh()

    def update_state(self, state: TriggerState) -> None:
        key = (state.trigger, state.probe)
        was_firing = key in self._firing and self._firing[key].since == state.since
        if state.firing:
            self._firing[key] = state
            if not was_firing and not self._is_acknowledged(key, state):
                self.post_message(self.Raised(state))
        else:
            self._firing.pop(key, None)
            self._acknowledged.pop(key, None)
        self._refresh()

    def update_states(self, states) -> None:
        """Feed a whole `{(trigger, probe): TriggerState}` mapping (e.g. engine.trigger_states())."""
        for state in states.values():
            self.update_state(state)

    def acknowledge(self) -> list[TriggerState]:
        shown = self.shown
        for state in shown:
            self._acknowledged[(state.trigger, state.probe)] = state.since
        self._refresh()
        if shown:
            self.post_message(self.Acknowledged(shown))
        return shown

    def unacknowledge(self, states: list[TriggerState]) -> None:
        """Undo a local acknowledgement that could not be recorded (a watch-only cockpit)."""
        for state in states:
            self._acknowledged.pop((state.trigger, state.probe), None)
        self._refresh()

    def action_acknowledge(self) -> None:
        self.acknowledge()

    def on_click(self) -> None:
        self.acknowledge()

    def banner_text(self) -> Text:
        shown = self.shown
        if not shown:
            return Text()
        first = shown[0]
        text = Text()
        text.append(" \u25b2 ROLLBACK TRIGGER ", style="bold #ffffff on #d70000")
        text.append(" ")
        text.append(printable(first.trigger), style="bold")
        text.append(" \u00b7 ", style="dim")
        text.append(printable(first.probe), style="bold")
        text.append("\n")
        text.append(one_line(first.message, 160))
        text.append("\n")
        more = len(shown) - 1
        if more:
            others = ", ".join(f"{printable(s.trigger)} \u00b7 {printable(s.probe)}" for s in shown[1:3])
            text.append(f"+{more} more firing: {others}{' ...' if more > 2 else ''}   ", style="bold")
        text.append("a", style="bold reverse")
        text.append(" acknowledge", style="dim")
        return text

    def _refresh(self) -> None:
        """Only when what it says changed: every probe result brings every trigger's state, and a Static's
        update lays the whole screen out again (the checklist's scrollbar was rewritten at each probe result)."""
        shown = self.shown
        text = self.banner_text()
        if text != self._shown_text:
            self._shown_text = text
            self._text.update(text)
        if self.display != bool(shown):
            self.display = bool(shown)
