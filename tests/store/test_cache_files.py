"""The one way launchpad's caches are placed, written and read (store/cache_files.py)."""

from __future__ import annotations

import os
import stat

from launchpad.store import cache_files


def test_a_cache_file_is_named_by_its_source_and_lives_under_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    relative = cache_files.cache_file("kind", "plan.toml", ".json")
    assert relative == cache_files.cache_file("kind", str(tmp_path / "plan.toml"), ".json")  # absolute path
    assert relative.parent == tmp_path / "cache" / "launchpad" / "kind"
    assert relative != cache_files.cache_file("kind", "other.toml", ".json")


def test_written_whole_and_private_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    target = cache_files.cache_file("kind", "plan.toml", ".json")
    assert cache_files.write_cache_file(target, b"one")
    assert cache_files.write_cache_file(target, b"two")  # replaced, not appended
    assert cache_files.read_cache_file(target, 100) == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert os.listdir(target.parent) == [target.name]  # no temporary file left


def test_a_failed_write_leaves_nothing_and_says_so(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert not cache_files.write_cache_file(blocked / "cache.json", b"data")
    assert blocked.read_text() == "not a folder"


def test_what_is_not_a_small_regular_file_is_not_read(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    assert cache_files.read_cache_file(fifo, 100) is None  # returns at once: never blocks on a FIFO
    assert cache_files.read_cache_file(big, 100) is None
    assert cache_files.read_cache_file(tmp_path, 100) is None
    assert cache_files.read_cache_file(tmp_path / "missing", 100) is None


def _age(path, days: float, reference) -> None:
    """Set `path`'s mtime `days` before `reference`'s (the file system's clock, as pruning measures)."""
    when = reference.stat().st_mtime - days * 86_400
    os.utime(path, (when, when))


def test_the_first_write_of_a_kind_prunes_files_unused_for_thirty_days(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_files, "_pruned", set())
    folder = cache_files.cache_dir("kind")
    folder.mkdir(parents=True)
    reference = tmp_path / "now"
    reference.write_bytes(b"")
    gone, kept, crashed = folder / "gone.json", folder / "kept.json", folder / ".gone.json.1-ab.tmp"
    for path in (gone, kept, crashed):
        path.write_bytes(b"{}")
    _age(gone, 31, reference)
    _age(crashed, 40, reference)
    _age(kept, 29, reference)
    (folder / "sub").mkdir()  # not a regular file: not ours to remove
    os.utime(folder / "sub", (0, 0))
    target = cache_files.cache_file("kind", "plan.toml", ".json")
    assert cache_files.write_cache_file(target, b"new")
    assert sorted(os.listdir(folder)) == sorted([kept.name, target.name, "sub"])
    # once a process: a second write does not scan again (a file aged meanwhile stays until the next process)
    _age(kept, 60, reference)
    assert cache_files.write_cache_file(target, b"newer")
    assert kept.exists()


def test_reading_a_cache_file_marks_it_used_so_pruning_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_files, "_pruned", set())
    used = cache_files.cache_file("kind", "used.toml", ".json")
    assert cache_files.write_cache_file(used, b"used")
    _age(used, 90, used)
    assert cache_files.read_cache_file(used, 100) == b"used"
    monkeypatch.setattr(cache_files, "_pruned", set())  # a later process
    assert cache_files.write_cache_file(cache_files.cache_file("kind", "other.toml", ".json"), b"other")
    assert used.exists()
