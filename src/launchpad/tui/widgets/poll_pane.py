"""The Go/No-Go poll: every role's answer beside the launch commit criteria, and the verdict.

g answers Go for the highlighted role, N answers No-Go (with a reason); the app journals the vote. The
verdict line reads GO FOR LAUNCH only when every role is Go and every criterion is met; a No-Go or an unmet
criterion shows HOLD PROPOSED with the reasons.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import format_offset
from launchpad.core.control.poll import AWAITING, GO, GO_FOR_LAUNCH, HOLD_PROPOSED, NOT_POLLING
from launchpad.tui.widgets.on_demand import OnDemand
from launchpad.tui.widgets.table_cursor import highlighted_key


class PollPane(OnDemand, Vertical):
    BORDER_TITLE = "Go/No-Go poll"
    BINDINGS = [
        Binding("g", "vote('go')", "Vote Go"),
        Binding("N", "vote('no-go')", "Vote No-Go"),
    ]

    class VoteRequested(Message):
        def __init__(self, role: str, vote: str) -> None:
            self.role = role
            self.vote = vote
            super().__init__()

    def parts(self):  # built on demand (widgets/on_demand.py): hidden until a poll
        yield Static(id="poll-verdict")
        yield Static(id="poll-reasons")
        table = DataTable(id="poll-table", cursor_type="row")
        table.add_column("Role", key="role")
        table.add_column("Vote", key="vote", width=7)
        table.add_column("By", key="by")
        table.add_column("Reason", key="reason")
        yield table
        criteria = Static(id="poll-criteria", classes="detail")
        criteria.border_title = "launch commit criteria"
        yield criteria

    def draw(self, result, poll, spec, holders: dict[str, str], colors: dict[str, str]) -> None:
        """result: core.poll.Verdict; poll: PollState; spec: PollSpec; holders: role -> who holds it now."""
        # Called every second: redraw only when something shown changed (a cleared table re-lays the screen).
        signature = (result, poll.number, poll.open, poll.result, spec.at, tuple(sorted(holders.items())),
                     tuple(sorted(colors.items())))
        if signature == getattr(self, "_signature", None):
            return
        self._signature = signature
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for role, vote in result.roles:
            if vote is None:
                answer = Text("—", style="dim")
            elif vote.value == GO:
                answer = Text("GO", style=f"bold {colors['success']}")
            else:
                answer = Text("NO-GO", style=f"bold {colors['error']}")
            by = vote.actor if vote else holders.get(role.id, "")
            table.add_row(Text(printable(role.title), style="bold"), answer, Text(printable(by or "—"), style="dim"),
                          Text(printable(vote.reason if vote else "")), key=role.id)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        styles = {GO_FOR_LAUNCH: f"bold #ffffff on {colors['success']}", HOLD_PROPOSED: f"bold #ffffff on {colors['error']}",
                  AWAITING: f"bold {colors['warning']}", NOT_POLLING: "dim"}
        verdict = Text(no_wrap=True, overflow="ellipsis")
        verdict.append(f" {result.verdict} ", style=styles.get(result.verdict, "bold"))
        state = f" poll #{poll.number} open" if poll.open else (f" poll #{poll.number} closed: {poll.result}" if poll.number else
                                                               " no poll yet: p polls every role")
        verdict.append(state, style="dim")
        verdict.append(f"  {result.answered}/{len(result.roles)} answered", style="dim")
        if spec.at is not None:
            verdict.append(f"  planned at {format_offset(spec.at)}", style="dim")
        self.query_one("#poll-verdict", Static).update(verdict)
        reasons = Text(no_wrap=True, overflow="ellipsis")
        if result.proposes_hold:
            reasons.append("H holds the count: " + printable("; ".join(result.hold_reasons)), style=colors["error"])
        self.query_one("#poll-reasons", Static).update(reasons)
        self.query_one("#poll-reasons", Static).display = result.proposes_hold
        criteria = Text(no_wrap=True, overflow="ellipsis")
        for number, criterion in enumerate(result.criteria):
            if number:
                criteria.append("\n")
            criteria.append("✔ " if criterion.met else "✘ ", style=f"bold {colors['success' if criterion.met else 'error']}")
            criteria.append(printable(criterion.name))
            if criterion.detail:
                criteria.append(f"  {printable(criterion.detail)}", style="dim")
        self.query_one("#poll-criteria", Static).update(criteria)

    def highlighted_role(self) -> str | None:
        self.build()
        return highlighted_key(self.query_one(DataTable))

    def action_vote(self, vote: str) -> None:
        role = self.highlighted_role()
        if role is None:
            self.app.bell()
            return
        self.post_message(self.VoteRequested(role, vote))
