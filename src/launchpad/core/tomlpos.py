"""Line numbers for TOML keys.

`tomllib` gives values but no positions. Plans are small, so a line scan that follows table headers
(`[launch]`, `[[event]]`, `[probe.headers]`) finds where a key was written well enough to point a
person at the right line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _clean(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


@dataclass
class TomlPositions:
    """Where each table and key of a TOML document starts (1-based lines)."""

    tables: dict[tuple, int] = field(default_factory=dict)
    keys: dict[tuple, int] = field(default_factory=dict)

    def line(self, *path) -> int | None:
        """Line of a key or table: `line("event", 2, "at")` is the `at` key of the third [[event]].

        Falls back to the closest enclosing table that is known.
        """
        path = tuple(path)
        while path:
            if path in self.keys:
                return self.keys[path]
            if path in self.tables:
                return self.tables[path]
            path = path[:-1]
        return None


def scan(text: str) -> TomlPositions:
    positions = TomlPositions()
    counts: dict[str, int] = {}
    current: tuple = ()
    in_multiline = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(raw)
        if header and not raw.lstrip().startswith("#"):
            name = _clean(header[2])
            parts = name.split(".")
            if header[1] == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (*parts[:-1], parts[-1], index) if len(parts) == 1 else (parts[0], counts.get(parts[0], 1) - 1, *parts[1:-1], parts[-1], index)
            else:
                # a sub-table of the latest array entry, e.g. [probe.headers] after [[probe]]
                if parts[0] in counts and len(parts) > 1:
                    current = (parts[0], counts[parts[0]] - 1, *parts[1:])
                else:
                    current = tuple(parts)
            positions.tables.setdefault(current, number)
            positions.tables.setdefault(tuple(parts), number)  # `[[rol]]` is also found as ("rol",)
            continue
        key = _KEY.match(raw)
        if key:
            name = _clean(key[1])
            positions.keys.setdefault((*current, *name.split(".")), number)
            rest = raw[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_multiline = quote
    return positions
