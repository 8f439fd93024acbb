"""SESSION.live.json: replaced in one rename, re-read only when it changed."""

from __future__ import annotations

import os

from launchpad.store.live_file import LiveReader, live_path, remove_live, write_live


def test_reader_sees_each_replacement_once(tmp_path):
    path = live_path(tmp_path / "s.session.toml")
    assert path.endswith("s.session.toml.live.json")
    reader = LiveReader(path)
    assert reader.read() == (False, None)  # no prober yet
    write_live(path, {"n": 1})
    assert reader.read() == (True, {"n": 1})
    assert reader.read() == (False, {"n": 1})  # one stat, no parse
    write_live(path, {"n": 2})
    assert reader.read() == (True, {"n": 2})
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []  # nothing left behind
    remove_live(path)
    assert reader.read() == (True, None)


def test_a_torn_or_foreign_file_keeps_the_last_good_document(tmp_path):
    path = live_path(tmp_path / "s.toml")
    reader = LiveReader(path)
    write_live(path, {"n": 1})
    reader.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"n": ')
    assert reader.read() == (False, {"n": 1})
