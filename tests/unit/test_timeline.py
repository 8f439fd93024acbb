from dataclasses import dataclass

from launchpad.core.plan.timeline import (
    DONE, DUE, IN_PROGRESS, LATE, PENDING, SKIPPED, default_grace, format_relative, next_event, now_index, timeline,
)


@dataclass(frozen=True)
class Ev:
    id: str
    at: int
    duration: int = 0
    title: str = ""
    owner: str = ""
    late_after: int | None = None


EVENTS = [Ev("scan", -86400, 7200), Ev("deploy", -7200, 2700), Ev("traffic", 0, 900), Ev("report", 14400)]


def test_states_follow_the_clock_and_the_marks():
    rows = timeline(EVENTS, -3600, {"scan": DONE, "deploy": IN_PROGRESS})
    assert [row.state for row in rows] == [DONE, LATE, PENDING, PENDING]  # deploy ran past its 45 minutes
    assert rows[1].overdue_by == 900  # its deadline was T-2h + 45m = T-1h15m


def test_unstarted_step_is_due_when_its_time_comes_and_late_after_the_grace():
    marks = {"scan": DONE, "deploy": DONE}
    assert timeline(EVENTS, 1, marks)[2].state == DUE  # no bell the second T-0 passes
    grace = default_grace(900)  # 15 minutes: a quarter would be under the 5-minute floor
    assert grace == 300
    assert timeline(EVENTS, grace - 1, marks)[2].state == DUE
    rows = timeline(EVENTS, grace, marks)
    assert rows[2].state == LATE and rows[2].overdue_by == grace
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
    assert format_relative(50 * 3600) == "in 2d02h" and format_relative(-27034 * 3600) == "1126d ago"
    assert format_relative(30) == "now"


def test_grace_is_a_share_of_the_duration_between_5_and_30_minutes_or_set_by_the_plan():
    assert [default_grace(d) for d in (0, 2400, 4 * 3600)] == [300, 600, 1800]
    step = Ev("enable", 0, 3600, late_after=60)
    assert timeline([step], 59, {})[0].state == DUE
    assert timeline([step], 60, {})[0].state == LATE
    started = timeline([step], 3600 + 59, {"enable": IN_PROGRESS})[0]
    assert started.state == IN_PROGRESS  # past its hour, still within the grace
    assert timeline([step], 3600 + 60, {"enable": IN_PROGRESS})[0].state == LATE
