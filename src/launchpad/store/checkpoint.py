"""The fold checkpoint on disk: what lets a second `launchpad status` on a long journal skip folding it again.

A reader that folded a whole session of MIN_ENTRIES entries or more (status does) leaves a checkpoint
(core/journal/checkpoint.py: the entries the state depends on, and its counters) in one TOML file per session
under $XDG_CACHE_HOME/launchpad/checkpoints/. The next reader that finds the session's first `covers` bytes
hashing to the recorded sha256 parses and folds only the blocks after them. Any doubt means the full fold:
no cache, another file's cache (the path is recorded), a session rewritten since (a compaction, a handoff, a
hand edit: the hash differs), a cache written by other code (the key holds the fold's own source), an
unreadable, oversized or malformed cache, or bytes after the covered prefix that are not whole blocks with
rising seqs. The cache's entries are read like the journal's (entry_from_table): outside text stays data.
TOML, not pickle: reading a cache file must never run code. A cache that cannot be written is skipped: it
only saves time.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import tomli_w

from launchpad.core.journal.checkpoint import Checkpoint
from launchpad.core.journal.journal import Entry, Header, entry_to_toml
from launchpad.store import cache_files
from launchpad.store.recovery import END, HeaderError, parse_blocks, parse_header
from launchpad.store.toml_fast import loads_journal

FORMAT = 1
KIND = "checkpoints"
MIN_ENTRIES = 20_000  # below this a fold costs well under a second: no cache file for small sessions
CACHE_LIMIT = 64 << 20  # a checkpoint is a few MB; a bigger file in its place is not ours
# The code that decides what a fold is and how a journal reads: all of core/ and the store's readers. A change
# to any of it changes the key, so a checkpoint written by other code (a dev checkout, an upgrade) is never
# trusted.
_READER_MODULES = ("store/recovery.py", "store/minute_blocks.py", "store/toml_fast.py", "store/checkpoint.py")


def cache_dir() -> Path:
    return cache_files.cache_dir(KIND)


def _cache_file(path: str) -> Path:
    return cache_files.cache_file(KIND, path, ".toml")


@cache
def code_key() -> str:
    return cache_files.code_key(FORMAT, [*cache_files.package_modules("core"), *_READER_MODULES])


def save_checkpoint(path: str, covers: int, sha256: str, checkpoint: Checkpoint) -> None:
    """Write the checkpoint of `path`'s first `covers` bytes (whose sha256 is `sha256`); errors are ignored."""
    head = {"format": FORMAT, "code": code_key(), "path": path, "covers": covers, "sha256": sha256,
            "entry_count": checkpoint.entry_count, "last_seq": checkpoint.last_seq, "ignored": checkpoint.ignored}
    text = tomli_w.dumps({"checkpoint": head}) + "".join(map(entry_to_toml, checkpoint.essential))
    cache_files.write_cache_file(_cache_file(path), text.encode("utf-8", "surrogatepass"))


def load_checkpoint(path: str, data: bytes) -> tuple[Checkpoint, int] | None:
    """(checkpoint, covers) when the cache holds one for `path` whose prefix `data` still starts with."""
    from launchpad.core.journal.journal import entry_from_table

    try:
        stored = cache_files.read_cache_file(_cache_file(path), CACHE_LIMIT)
        if stored is None:
            return None
        text = stored.decode("utf-8")
        doc = loads_journal(text)
        head = doc.get("checkpoint")
        if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("code") != code_key():
            return None
        covers = head["covers"]
        if head.get("path") != path or type(covers) is not int or not 0 < covers <= len(data):
            return None
        if hashlib.sha256(memoryview(data)[:covers]).hexdigest() != head.get("sha256"):
            return None  # rewritten since (compaction, handoff, edit): the checkpoint is of another journal
        counts = [head["entry_count"], head["last_seq"], head["ignored"]]
        if any(type(value) is not int or value < 0 for value in counts):
            return None
        raw = doc.get("entry", [])
        if set(doc) - {"checkpoint", "entry"} or not isinstance(raw, list):
            return None
        essential = tuple(entry_from_table(table) for table in raw)
        if any(later.seq <= earlier.seq for earlier, later in zip(essential, essential[1:])):
            return None
        if essential and essential[-1].seq != counts[1]:
            return None
        return Checkpoint(essential, *counts), covers
    except (OSError, ValueError, KeyError, TypeError):  # UnreadableFile, TOMLDecodeError, JournalError ...
        return None


def resume_cached(path: str, data: bytes) -> tuple[Header, Checkpoint, list[Entry]] | None:
    """(header, checkpoint, the entries after it) when the cache holds a valid checkpoint of `data`'s prefix
    and what follows that prefix is whole blocks with rising seqs; None otherwise (then parse it all)."""
    found = load_checkpoint(path, data)
    if found is None:
        return None
    checkpoint, covers = found
    if covers < len(data) and not data.endswith(END):
        return None  # a torn tail: the full path reports it
    try:
        header = parse_header(data[: 1 << 16])[0]
    except HeaderError:
        return None
    tail = parse_blocks(data, covers, checkpoint.last_seq)
    return None if tail is None else (header, checkpoint, tail)
