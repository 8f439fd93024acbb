"""Reading the tables of a TOML file while collecting problems that point at the line of each key.

Shared by the plan loader and the probe and control tables, so every file a person writes is checked the
same way: unknown keys with a "did you mean" hint, wrong types, missing keys, all with lines.
"""

from __future__ import annotations

from typing import Mapping

from launchpad.core.problems import Problem, did_you_mean
from launchpad.core.tomlpos import TomlPositions


class TableReader:
    """Collects problems for one TOML file, with line numbers looked up by key path."""

    def __init__(self, path: str, positions: TomlPositions):
        self.path = path
        self.positions = positions
        self.problems: list[Problem] = []

    def add(self, key_path: tuple, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.positions.line(*key_path), message, hint))

    def unknown_keys(self, table: Mapping, known: set[str], key_path: tuple, what: str) -> None:
        for key in table:
            if key not in known:
                hint = did_you_mean(key, known) or f"known keys: {', '.join(sorted(known))}"
                self.add((*key_path, key), f"unknown key `{key}` in {what}", hint)

    def string(self, table: Mapping, key: str, key_path: tuple, what: str, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add(key_path, f"{what} has no `{key}`", f'add a line `{key} = "..."`')
            return ""
        if not isinstance(value, str):
            self.add((*key_path, key), f"`{key}` in {what} must be a string, not {type(value).__name__}",
                     f'write it in quotes: {key} = "{value}"')
            return ""
        return value.strip()

    def table_array(self, doc: Mapping, key: str) -> list[dict]:
        value = doc.get(key, [])
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return value
        self.add((key,), f"`{key}` must be an array of tables", f"write each one under a `[[{key}]]` header")
        return []
