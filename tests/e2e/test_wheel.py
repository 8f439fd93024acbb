"""A regular (not editable) install works from any directory: the wheel carries the bundled plan.

Builds the wheel from this checkout, installs it into a fresh virtual environment, and runs the installed
`launchpad` from `/` and from an empty temporary folder: validate, simulate, status, and the cockpit itself
in a real tmux, which must open on the bundled demo plan and quit without a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .test_tmux import Tmux, _need_tmux

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `launchpad` of a wheel built from this checkout, in a venv of its own."""
    where = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(where / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (where / "dist").glob("launchpad-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], check=True, timeout=120)
    pip = subprocess.run([str(where / "venv" / "bin" / "pip"), "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    return where / "venv" / "bin" / "launchpad"


def run(launchpad: Path, *args: str, cwd: Path | str) -> subprocess.CompletedProcess:
    return subprocess.run([str(launchpad), *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_validate_simulate_and_status_from_the_root_folder(installed, tmp_path):
    checked = run(installed, "validate", cwd="/")
    assert checked.returncode == 0, checked.stderr
    assert "launchpad/data/timelines/launch-day.toml: plan, 85 tasks" in checked.stdout
    session = tmp_path / "sim.session.toml"
    simulated = run(installed, "simulate", "-o", str(session), cwd="/")
    assert simulated.returncode == 0, simulated.stderr
    status = run(installed, "status", str(session), "--json", cwd="/")
    assert status.returncode == 0 and json.loads(status.stdout)["launch"] == "VÖR Platform go-live"
    assert "Traceback" not in checked.stderr + simulated.stderr + status.stderr


def test_the_installed_cockpit_opens_the_bundled_demo_from_an_empty_folder(installed, tmp_path):
    _need_tmux()
    empty = tmp_path / "empty"
    empty.mkdir()
    tmux = Tmux(empty, 120, 36)
    try:
        tmux.start(f"LAUNCHPAD_USER=wheel {installed} --no-demo")
        screen = tmux.wait_for("VÖR Platform go-live", timeout=60)
        assert "lead wheel" in screen and "Final security scan" in screen
        tmux.keys("q")
        screen = tmux.wait_for("EXIT=0")
        assert "Session saved in" in screen and "Traceback" not in screen
    finally:
        tmux.kill()
    assert list((empty / "sessions").glob("launch-day-*.session.toml"))
