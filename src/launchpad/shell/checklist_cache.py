"""Parsed checklists cached by the hash of their text, so a cockpit starting on an unchanged plan parses none.

The start of `launchpad` on the bundled plan spent ~15 ms importing markdown-it and a few more parsing three
checklists whose text had not changed since the last start. `cached_parse` stands in for parse_checklist
(core.plan.plan.load_plan(..., parse=cached_parse)): one JSON file per checklist path under
$XDG_CACHE_HOME/launchpad/checklists/, holding core.plan.checklist_data's plain form of the parse, used only
while the sha256 of the text, the path and the parser's own source (every core/plan/checklist*.py, and the
launchpad version) are what they were. JSON, not pickle: reading a cache file must never run code, and the
way back goes through the dataclasses' constructors with every field's type checked (outside text stays data).
Any doubt (no file, another file's, stale, damaged, oversized, not a regular file) means a fresh parse; a cache
that cannot be written is skipped: it only saves time. Files are written whole (temp file and rename, so a
reader sees the old one or the new one), mode 0600: a checklist may hold what its owner would not share.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from launchpad.core.plan.checklist import Checklist, parse_checklist
from launchpad.core.plan.checklist_data import checklist_from_data, checklist_to_data
from launchpad.store import cache_files

FORMAT = 1
KIND = "checklists"
CACHE_LIMIT = 64 << 20  # a 100,000-item checklist is ~30 MB as JSON; a bigger file in its place is not ours


def cache_dir() -> Path:
    return cache_files.cache_dir(KIND)


@cache
def code_key() -> str:
    """A hash of the code that decides what a parse gives: a cache written by other code is never trusted."""
    return cache_files.code_key(FORMAT, cache_files.package_modules("core/plan", "checklist*.py"))


def _cache_file(path: str) -> Path:
    return cache_files.cache_file(KIND, path, ".json")


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def lookup(text: str, path: str) -> Checklist | None:
    """The cached parse of `text` read from `path`, or None when there is no trustworthy one."""
    try:
        data = cache_files.read_cache_file(_cache_file(path), CACHE_LIMIT)
        if data is None:
            return None
        doc = json.loads(data)
        if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("code") != code_key():
            return None
        if doc.get("path") != os.path.abspath(path) or doc.get("sha256") != _text_key(text):
            return None
        checklist = checklist_from_data(doc.get("checklist"))
        return checklist if checklist.path == path else None
    except (OSError, ValueError, TypeError, RecursionError):  # UnreadableFile, JSONDecodeError, a wrong shape
        return None


def save(text: str, path: str, checklist: Checklist) -> None:
    """Keep `checklist`, the parse of `text` read from `path`; errors are ignored."""
    doc = {"format": FORMAT, "code": code_key(), "path": os.path.abspath(path), "sha256": _text_key(text),
           "checklist": checklist_to_data(checklist)}
    try:
        data = json.dumps(doc).encode("utf-8", "surrogatepass")
    except (ValueError, RecursionError):  # a checklist json cannot hold: parse it again next time
        return
    cache_files.write_cache_file(_cache_file(path), data)


def cached_parse(text: str, path: str) -> Checklist:
    """parse_checklist(text, path), from the cache when it holds that parse; a fresh parse is then cached."""
    checklist = lookup(text, path)
    if checklist is None:
        checklist = parse_checklist(text, path)
        save(text, path, checklist)
    return checklist
