from dataclasses import dataclass

from launchpad.core.timeline import DONE, IN_PROGRESS, LATE, PENDING, SKIPPED, format_relative, next_event, now_index, timeline


@dataclass(frozen=True)
class Ev:
    id: str
    at: int
    duration: int = 0
    title: str = ""
    owner: str = ""


EVENTS = [Ev("scan", -86400, 7200), Ev("deploy", -7200, 2700), Ev("traffic", 0, 900), Ev("report", 14400)]


def test_states_follow_the_clock_and_the_marks():
    rows = timeline(EVENTS, -3600, {"scan": DONE, "deploy": IN_PROGRESS})
    assert [row.state for row in rows] == [DONE, LATE, PENDING, PENDING]  # deploy ran past its 45 minutes
    assert rows[1].overdue_by == 900  # its deadline was T-2h + 45m = T-1h15m


def test_unstarted_step_is_late_once_its_time_comes():
    rows = timeline(EVENTS, 1, {"scan": DONE, "deploy": DONE})
    assert rows[2].state == LATE and rows[2].overdue_by == 1
    rows = timeline(EVENTS, -1, {"scan": SKIPPED, "deploy": DONE})
    assert [row.state for row in rows] == [SKIPPED, DONE, PENDING, PENDING]


def test_now_marker_and_next_step():
    rows = timeline(EVENTS, -3600, {"scan": DONE})
    assert now_index(rows, -3600) == 2
    assert next_event(rows).event.id == "deploy"
    assert now_index(timeline(EVENTS, 20000, {}), 20000) == 4


def test_relative_times():
    assert format_relative(3900) == "in 1h05m"
    assert format_relative(-720) == "12m ago"
    assert format_relative(30) == "now"
