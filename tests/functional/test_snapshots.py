"""What a person sees, pinned by pytest-textual-snapshot at every size a lead uses, from a tmux split (80x24)
through the README's 120x36 to a war-room screen (200x60), in the dark theme and the projector's light one.

Run `pytest tests/functional/test_snapshots.py --snapshot-update` after an intended change of the screen.
"""

from __future__ import annotations

import pytest

from .conftest import make_app

SIZES = [(80, 24), (100, 30), (120, 36), (160, 45), (200, 60)]


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_size_in_dark_and_light(snap_compare, session, size, theme):
    assert snap_compare(make_app(session), terminal_size=size, press=["t"] if theme == "light" else [])


def test_wide_after_ticking_and_starting_a_step(snap_compare, session):
    async def act(pilot):
        session.toggle("security-scan")
        session.set_event("security-scan", "done")
        session.set_event("deploy-backend", "in_progress")
        pilot.app.refresh_all()
        await pilot.pause()

    assert snap_compare(make_app(session), terminal_size=(200, 60), run_before=act)


def test_narrow_tmux_split_timeline(snap_compare, session):
    assert snap_compare(make_app(session), terminal_size=(80, 24))


def test_narrow_tmux_split_checklist(snap_compare, session):
    assert snap_compare(make_app(session), terminal_size=(80, 24), press=["2"])


def test_narrow_tmux_split_owners(snap_compare, session):
    assert snap_compare(make_app(session), terminal_size=(80, 24), press=["3"])
