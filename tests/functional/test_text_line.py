"""TextLine renders each line on its own and keeps it (tui/widgets/text_line.py): what it draws must be exactly
what a Widget rendering the whole text draws, and a new second must render only the line that changed."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.widget import Widget

from launchpad.tui.widgets.text_line import TextLine

from .conftest import make_app


def drawn_both_ways(line: TextLine) -> tuple[list, list]:
    """(the lines TextLine draws, the lines Widget's whole-text render draws), as segments."""
    height = line.size.height
    own = [list(line.render_line(y)) for y in range(height)]
    line._dirty_regions.add(line.size.region)  # Widget.render_line renders the whole text again when dirty
    whole = [list(Widget.render_line(line, y)) for y in range(height)]
    return own, whole


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)])
@pytest.mark.parametrize("keys", [[], ["t"], ["3"], ["2"]])
async def test_every_text_line_of_the_cockpit_draws_what_the_whole_render_draws(session, size, keys):
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        checked = 0
        for line in app.screen.query(TextLine):
            if line.size.height and line.size.width:
                own, whole = drawn_both_ways(line)
                assert own == whole, (line.id, line.classes)
                checked += 1
        assert checked >= 1


class OneLine(App):
    CSS = "TextLine { height: 3; width: 30; padding: 0 1; }"

    def compose(self):
        yield TextLine(id="line")


async def test_a_changed_line_is_rendered_again_and_the_others_are_kept(monkeypatch):
    app = OneLine()
    async with app.run_test(size=(40, 5)) as pilot:
        line = app.query_one(TextLine)
        line.set(Text("T-01:00:00\nwall 10:00:00\nheld: no"))
        await pilot.pause()
        first = [line.render_line(y) for y in range(3)]
        line.set(Text("T-01:00:00\nwall 10:00:01\nheld: no"))
        await pilot.pause()
        again = [line.render_line(y) for y in range(3)]
        assert again[0] is first[0] and again[2] is first[2]  # kept, not rendered again
        assert again[1] is not first[1] and again[1].text.startswith("wall 10:00:01")
        assert drawn_both_ways(line)[0] == drawn_both_ways(line)[1]


async def test_a_line_wider_than_the_widget_is_drawn_as_the_whole_render_draws_it():
    app = OneLine()
    async with app.run_test(size=(40, 5)) as pilot:
        line = app.query_one(TextLine)
        line.set(Text("a line much longer than the twenty-eight cells it has\nsecond"))
        await pilot.pause()
        own, whole = drawn_both_ways(line)
        assert own == whole  # wrapped onto the next line, as Textual draws it


async def test_plain_lines_are_drawn_from_rich_segments_and_the_rest_the_way_textual_draws_them(monkeypatch):
    """Rich's segments under the widget's style for a plain line (a fifth of the cost); a link, a right-aligned or
    justified line, a tab or an empty line go through Textual's Content path. Both draw what the whole render does."""
    from textual.visual import Visual

    through_textual = []
    real = Visual.to_strips.__func__
    monkeypatch.setattr(Visual, "to_strips", classmethod(lambda cls, *a, **k: through_textual.append(1) or real(cls, *a, **k)))
    app = OneLine()
    async with app.run_test(size=(40, 5)) as pilot:
        line = app.query_one(TextLine)
        plain = Text("WALL ", style="dim")
        plain.append("16:00:49", style="bold #ff0000 on #202020")
        cases = [
            (Text("T-CLOCK counting", style="dim"), False),
            (plain, False),
            (Text.assemble("see ", ("the runbook", "link https://example.com/runbook")), True),
            (Text("right", justify="right"), True),
            (Text("a\ttab"), True),
        ]
        for text, textual in cases:
            line.set(text)
            await pilot.pause()
            through_textual.clear()
            own, whole = drawn_both_ways(line)
            assert own == whole, text.plain
            assert bool(through_textual) is True  # the whole render always goes Textual's way: the oracle
            through_textual.clear()
            line._strips.clear()
            line.render_line(0)
            assert bool(through_textual) is textual, text.plain
