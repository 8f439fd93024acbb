"""What a person sees, pinned by pytest-textual-snapshot at 80x24 (tmux split) and 200x60 (war-room screen).

Run `pytest tests/functional/test_snapshots.py --snapshot-update` after an intended change of the screen.
"""

from __future__ import annotations

from .conftest import make_app


def test_wide_war_room_screen(snap_compare, session):
    assert snap_compare(make_app(session), terminal_size=(200, 60))


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


def test_light_theme_for_a_projector(snap_compare, session):
    assert snap_compare(make_app(session), terminal_size=(200, 60), press=["t"])
