"""`launchpad serve`: loopback by default, a warning (and the SSH tunnel) for any other address, watch-only tabs."""

from __future__ import annotations

import shlex

from launchpad.cli.serve_cmd import exposure_warning, is_loopback, tab_command


def test_only_loopback_addresses_go_without_a_warning():
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host) and exposure_warning(host, 8000) is None
    warning = exposure_warning("0.0.0.0", 8000)
    assert warning is not None and "no authentication" in warning
    assert "ssh -L 8000:127.0.0.1:8000" in warning
    assert not is_loopback("launch.example.com")


def test_browser_tabs_watch_unless_actions_are_allowed(tmp_path):
    session = tmp_path / "a b.session.toml"
    watch = shlex.split(tab_command(session, allow_actions=False, actor=None))
    assert watch[-2:] == ["watch", str(session)] and watch[1:3] == ["-m", "launchpad.cli.main"]
    act = shlex.split(tab_command(session, allow_actions=True, actor="dana"))
    assert act[-4:] == ["open", str(session), "--as", "dana"]
