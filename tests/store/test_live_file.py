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


def test_the_live_writer_writes_the_newest_document_and_skips_those_replaced_meanwhile(tmp_path, monkeypatch):
    """The prober hands its document over and goes on; while the disk is slow, newer documents replace the
    waiting one: nothing queues, the last one handed over is the one on disk."""
    import threading

    from launchpad.store import live_file

    path = live_path(tmp_path / "s.toml")
    started, release, written = threading.Event(), threading.Event(), []
    write = live_file.write_live_text

    def slow_write(target, text):
        started.set()
        release.wait(30)  # the disk is slow on the first write
        write(target, text)
        written.append(text)

    monkeypatch.setattr(live_file, "write_live_text", slow_write)
    writer = live_file.LiveWriter(path)
    writer.write('{"n":1}')
    assert started.wait(30)
    for n in (2, 3, 4):
        writer.write(f'{{"n":{n}}}')  # returns at once: the writer is stuck on the disk
    release.set()
    writer.close()
    assert written == ['{"n":1}', '{"n":4}'] and writer.writes == 2
    assert LiveReader(path).read() == (True, {"n": 4})


def test_the_live_writer_says_a_failing_disk_once_until_a_write_succeeds(tmp_path, monkeypatch):
    import queue

    from launchpad.store import live_file

    attempts, failing, errors = queue.Queue(), [True], []
    write = live_file.write_live_text

    def disk(target, text):
        try:
            if failing[0]:
                raise PermissionError(13, "Permission denied", target)
            write(target, text)
        finally:
            attempts.put(text)

    monkeypatch.setattr(live_file, "write_live_text", disk)
    writer = live_file.LiveWriter(live_path(tmp_path / "s.toml"), errors.append)
    try:
        for failed, text in ((True, "1"), (True, "2"), (False, "3"), (True, "4"), (True, "5")):
            failing[0] = failed
            writer.write(text)
            assert attempts.get(timeout=30) == text  # each handed over after the last one was tried
    finally:
        writer.close()
    assert [str(error) for error in errors] == [f"[Errno 13] Permission denied: '{writer.path}'"] * 2  # 1 and 4
    assert writer.failed and writer.writes == 1
