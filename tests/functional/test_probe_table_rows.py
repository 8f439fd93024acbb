"""The probe table draws its rows from cached Segments and styles (branch tablerows); what it draws must stay
exactly what main's table drew (tests/functional/probe_table_before.py, main's widget kept as the reference):
same characters in the same rich styles, cell by cell, for every state, trigger, cut name and error colour,
through a real frame (render_lines) and through render_line alone, in the dark and light themes and scrolled
sideways. A theme switch must redraw the rows in the new theme's colours."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App
from textual.geometry import Region

from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.core.probes.triggers import TriggerState
from launchpad.tui import themes
from launchpad.tui.widgets import probe_table
from launchpad.tui.widgets.probes_pane import ProbesPane

from .conftest import NOW
from .probe_table_before import ProbeTable as MainProbeTable

NAMES = ["svc-up", "svc-down", "svc-pending", "svc-stale", "svc-firing", "svc-trigger-pending", "svc-no-data",
         "svc-calm", "a-very-long-probe-name-that-is-cut", "サービス-東京-本番-ウェブ-サーバー", "svc-recovered",
         "svc-long-error", "svc-mixed-rate"] + [f"svc-{index:02d}" for index in range(40)]
DARK, LIGHT = themes.DARK.name, themes.LIGHT.name  # the cockpit's own themes (key t switches them)


def attempts(name: str, outcomes, error: str = "status 500 is not in 200-299") -> ProbeStatus:
    status = ProbeStatus(name)
    for index, ok in enumerate(outcomes):
        status = apply_attempt(status, Attempt(name, NOW, ok, 200 if ok else 500, 5.0, 20.0 + 7 * index,
                                               None if ok else "status", None if ok else error))
    return status


def statuses() -> list[ProbeStatus]:
    return [
        attempts("svc-up", [True] * 12),
        attempts("svc-down", [True, False, False, False], "[bold red]boom[/] \x1b[31m"),
        replace(attempts("svc-stale", [True, True]), state="STALE"),
        attempts("svc-firing", [False] * 5),
        attempts("svc-trigger-pending", [True, False]),
        attempts("svc-no-data", [True]),
        attempts("svc-calm", [True, True, True]),
        attempts("a-very-long-probe-name-that-is-cut", [True]),
        attempts("サービス-東京-本番-ウェブ-サーバー", [True, True]),
        attempts("svc-recovered", [False, False, True]),
        attempts("svc-long-error", [False], "connect: " + "refused by the far end, " * 12),
        attempts("svc-mixed-rate", [True, False] * 8 + [True]),
        *(attempts(f"svc-{index:02d}", [True] * (index % 7 + 1)) for index in range(0, 40, 3)),
    ]


TRIGGERS = [
    TriggerState("Error rate > 5%", "svc-firing", "firing", 1.0, None, "100%"),
    TriggerState("Response time", "svc-firing", "ok", 20.0, None, "20 ms"),
    TriggerState("Error rate > 5%", "svc-trigger-pending", "pending", 0.5, None, "50%"),
    TriggerState("Degradation", "svc-no-data", "insufficient_data", None, None, "no baseline"),
    TriggerState("Error rate > 5%", "svc-calm", "resolved", 0.0, None, "0%"),
]


class Host(App):
    def __init__(self, theme: str = DARK) -> None:
        super().__init__()
        for each in themes.THEMES:
            self.register_theme(each)
        self.theme = theme  # from the first frame on: main's table kept rows drawn in an earlier theme

    def compose(self):
        yield ProbesPane([ProbeSpec(name, "http://127.0.0.1/") for name in NAMES])


def cells(strip) -> list[tuple[str, object]]:
    """A drawn line as (character, rich style) per character: segment boundaries may differ, cells may not."""
    return [(char, segment.style) for segment in strip for char in segment.text]


def screen_of(table) -> dict[str, list]:
    """The table as a frame draws it (render_lines, the compositor's path) and as render_line gives each line."""
    frame = table.render_lines(Region(0, 0, *table.outer_size))
    return {"frame": [cells(strip) for strip in frame],
            "lines": [cells(table.render_line(y)) for y in range(table.size.height)]}


async def draw(monkeypatch, table_class, *, theme=DARK, scroll_x=0, scroll_y=0, then_theme=None, size=(110, 30)):
    """Feed the statuses and triggers to the probes pane built with `table_class` and return what it draws."""
    monkeypatch.setattr(probe_table, "ProbeTable", table_class)  # ProbesPane imports it when composed
    app = Host(theme)
    async with app.run_test(size=size) as pilot:
        pane = app.query_one(ProbesPane)
        table = app.query_one(table_class)
        await pilot.pause()
        for status in statuses():
            pane.show(status.name, status)
        for state in TRIGGERS:
            pane.show_trigger(state)
        await pilot.pause()
        table.scroll_to(x=scroll_x, y=scroll_y, animate=False)
        await pilot.pause()
        if then_theme is not None:
            app.theme = then_theme
            await pilot.pause()
        return screen_of(table)


async def test_every_kind_of_row_is_drawn_exactly_as_main_drew_it(monkeypatch):
    for theme in (DARK, LIGHT):
        new = await draw(monkeypatch, probe_table.ProbeTable, theme=theme)
        old = await draw(monkeypatch, MainProbeTable, theme=theme)
        assert new["lines"] == old["lines"], theme
        assert new["frame"] == old["frame"], theme
        text = ["".join(char for char, _ in line) for line in new["lines"]]
        # The reference really shows the cases this test is about (a test that cannot fail is a defect).
        assert text[0].startswith("State   Probe")
        assert any("▼ DOWN" in line and "[bold red]boom[/]" in line and "\x1b" not in line for line in text)
        assert any("◌ STALE" in line for line in text) and any("■ …" in line for line in text)
        assert any("FIRING" in line for line in text) and any("pending" in line for line in text)
        assert any("no data" in line for line in text)
        assert any("a-very-long-probe…" in line for line in text)
        assert any("サービス" in line for line in text)


async def test_the_rows_scrolled_sideways_and_down_show_the_right_cells(monkeypatch):
    new = await draw(monkeypatch, probe_table.ProbeTable, scroll_x=20, scroll_y=9)
    old = await draw(monkeypatch, MainProbeTable, scroll_x=20, scroll_y=9)
    assert new == old
    unscrolled = await draw(monkeypatch, probe_table.ProbeTable, scroll_y=9)
    shifted = 0
    for left, right in zip(unscrolled["lines"], new["lines"]):
        if all(len(char.encode()) == 1 or char in "▁▂▃▄▅▆▇█…▲▼■◌" for char, _ in left):  # one cell a character
            assert right[: len(left) - 20] == left[20:]
            shifted += 1
    assert shifted > 10
    header = "".join(char for char, _ in new["lines"][0])
    full = "".join(label.ljust(width) + " " for label, width in probe_table.ProbeTable.COLUMNS)
    assert header == full[20:20 + len(header)] and header.startswith("       Trend      p50")


async def test_a_theme_switch_redraws_the_rows_in_the_new_colours(monkeypatch):
    switched = await draw(monkeypatch, probe_table.ProbeTable, theme=DARK, then_theme=LIGHT)
    light = await draw(monkeypatch, probe_table.ProbeTable, theme=LIGHT)
    dark = await draw(monkeypatch, probe_table.ProbeTable, theme=DARK)
    assert switched == light
    assert switched["lines"][1] != dark["lines"][1]  # the colours did change between the two themes
    assert {style.bgcolor for _, style in switched["lines"][1]} != {style.bgcolor for _, style in dark["lines"][1]}


async def test_a_result_that_changes_nothing_drawn_does_not_rebuild_its_row():
    app = Host()
    async with app.run_test(size=(110, 30)) as pilot:
        pane = app.query_one(ProbesPane)
        table = app.query_one(probe_table.ProbeTable)
        up = attempts("svc-up", [True] * 3)
        pane.show("svc-up", up)
        await pilot.pause()
        before = table.render_line(1)
        pane.show("svc-up", replace(up, attempts=up.attempts + 1))  # the attempt counter is not drawn
        await pilot.pause()
        assert table.render_line(1) is before
        down = apply_attempt(up, Attempt("svc-up", NOW, False, 500, 5.0, 99.0, "status", "went away"))
        pane.show("svc-up", down)
        await pilot.pause()
        after = "".join(char for char, _ in cells(table.render_line(1)))
        assert "▼ DOWN" in after and "went away" in after
        frame = table.render_lines(Region(0, 0, *table.outer_size))
        assert "went away" in "".join(segment.text for segment in frame[1])
        pane.show("svc-39", attempts("svc-39", [False]))  # far below the view: marked, not built
        assert "svc-39" not in table._shown
