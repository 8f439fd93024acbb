"""How every command ends when the world around it goes away: the reader of its output (`| head`), the
user (Ctrl-C), or its own footing (an unexpected exception, in a command or in the cockpit).

Real processes and real pipes: the read end of the pipe is closed before the command starts, so it meets a
closed pipe on its first write, every time.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launchpad.cli.crash import CRASH_EXIT
from launchpad.cli.main import COMMANDS, INTERRUPTED, PIPE_CLOSED
from launchpad.core.plan.plan import load_plan
from launchpad.store.session_file import create_session

from .conftest import T0

pytestmark = pytest.mark.hostile

REPO = Path(__file__).resolve().parents[2]
LAUNCHPAD = [sys.executable, "-m", "launchpad"]


@pytest.fixture(scope="module")
def launch(tmp_path_factory) -> dict[str, str]:
    """A real plan and a simulated session with every kind of entry (the report and status are long)."""
    root = tmp_path_factory.mktemp("launch")
    shutil.copytree(REPO / "timelines", root / "timelines")
    shutil.copytree(REPO / "checklists", root / "checklists")
    plan = str(root / "timelines" / "launch-day.toml")
    session = str(root / "launch.session.toml")
    subprocess.run([*LAUNCHPAD, "simulate", plan, "-o", session], check=True, capture_output=True, timeout=120)
    return {"plan": plan, "session": session, "root": str(root)}


def into_closed_pipe(argv: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: `| head -0`, deterministically
    try:
        return subprocess.run([*LAUNCHPAD, *argv], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=120, env={**os.environ, **(env or {})})
    finally:
        os.close(write_end)


def commands_that_print(launch: dict[str, str]) -> list[list[str]]:
    plan, session = launch["plan"], launch["session"]
    return [
        ["status", session],
        ["status", session, "--json"],
        ["report", session],
        ["validate", plan],
        ["validate", "--json", plan, launch["root"]],
        ["--help"],
        ["--version"],
        *[[name, "--help"] for name in COMMANDS],
    ]


def test_every_command_ends_quietly_when_its_reader_goes_away(launch):
    for argv in commands_that_print(launch):
        result = into_closed_pipe(argv)
        assert result.stderr == "", (argv, result.stderr[-500:])
        # argparse's --help swallows the error itself (and exits 0); everything else is 128 + SIGPIPE.
        assert result.returncode == (0 if argv[-1] == "--help" and len(argv) == 2 else PIPE_CLOSED), argv


def test_status_head_1_in_a_shell_pipeline(launch):
    """The issue's form: `launchpad status S | head -1` prints one line and no traceback."""
    line = subprocess.run(f"{sys.executable} -m launchpad status {launch['session']} | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert line.stdout.count("\n") == 1 and line.stderr == ""


def _waiting_for_lock(pid: int, lock_path: str) -> bool:
    """True once process `pid` is blocked in flock on the lock file (a "->" waiter line in /proc/locks)."""
    inode = os.stat(lock_path).st_ino
    with open("/proc/locks", encoding="ascii") as handle:
        return any("->" in line and f" {pid} " in line and f":{inode} " in line for line in handle)


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux /proc/locks to see the waiter")
def test_ctrl_c_while_a_command_waits_ends_with_one_line_and_130(launch, tmp_path):
    session = tmp_path / "s.session.toml"
    shutil.copy(launch["session"], session)
    lock_path = f"{session}.lock"
    holder = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another writer holds the session: `note` has to wait
    try:
        child = subprocess.Popen([*LAUNCHPAD, "note", str(session), "waiting", "--as", "x"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not _waiting_for_lock(child.pid, lock_path):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the command never waited for the lock"
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        os.close(holder)
    assert child.returncode == INTERRUPTED
    assert err == "launchpad: interrupted\n"
    assert out == ""


CRASHING_COMMAND = """
import sys
import launchpad.cli.session_cmds as commands
def run_status(args):
    raise RuntimeError("boom in a command")
commands.run_status = run_status
from launchpad.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_unexpected_exception_in_a_command_is_one_line_and_a_crash_log(launch, tmp_path):
    result = subprocess.run([sys.executable, "-c", CRASHING_COMMAND, "status", launch["session"]],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "XDG_STATE_HOME": str(tmp_path)})
    assert result.returncode == CRASH_EXIT
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "status stopped on an internal error (RuntimeError: boom in a command); details in " in result.stderr
    log = Path(result.stderr.rsplit("details in ", 1)[1].strip())
    assert log.parent == tmp_path / "launchpad"
    assert "Traceback" in log.read_text() and "boom in a command" in log.read_text()
    assert log.stat().st_mode & 0o777 == 0o600


CRASHING_COCKPIT = """
import sys
from launchpad.tui.app import LaunchpadApp
original = LaunchpadApp.on_mount
def on_mount(self):
    original(self)
    def boom():
        raise RuntimeError("boom in the cockpit")
    self.set_timer(0.5, boom)
LaunchpadApp.on_mount = on_mount
from launchpad.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _in_a_terminal(argv: list[str], env: dict) -> tuple[int, bytes]:
    """Run a child on a real pseudo-terminal; its exit code and everything it drew."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            os.execve(sys.executable, [sys.executable, *argv], env)
        finally:
            os._exit(127)
    drawn = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                drawn += chunk
    finally:
        os.close(fd)
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), drawn


def test_a_crash_in_the_cockpit_restores_the_terminal_and_exits_non_zero_with_a_log(launch, tmp_path, stand_in_plan):
    plan, _ = load_plan(launch["plan"])
    session = tmp_path / "cockpit.session.toml"
    create_session(plan, session, T0, "alice").close()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color", "COLUMNS": "120",
           "LINES": "40"}
    code, drawn = _in_a_terminal(["-c", CRASHING_COCKPIT, "open", str(session), "--no-demo"], env)
    assert code == CRASH_EXIT
    text = drawn.decode("utf-8", "replace")
    leave_alternate_screen = text.rfind("\x1b[?1049l")
    line = text[text.rfind("launchpad: the cockpit stopped"):]
    assert 0 <= leave_alternate_screen < text.rfind("launchpad: the cockpit stopped")
    assert line.count("\n") == 1 and "Session saved" not in text and "Traceback" not in text
    assert "(RuntimeError: boom in the cockpit); details in " in line
    assert "; the session file is intact: " in line and line.rstrip().endswith(f"launchpad open {session}")
    logs = list((tmp_path / "state" / "launchpad").glob("crash-*.log"))
    assert len(logs) == 1 and "boom in the cockpit" in logs[0].read_text()
