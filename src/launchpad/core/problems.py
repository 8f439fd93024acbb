"""Problems found in input files, reported as `file:line: message` with a hint to fix them.

Every loader in the core collects Problems instead of raising on the first one, so that
`launchpad validate` can list them all and the cockpit can show them in a panel.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from launchpad.core.safe_read import PLAN_LIMIT, UnreadableFile, read_regular


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at one line (None when no line applies)."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_json(self) -> dict:
        out: dict = {"line": self.line, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out


class LoadError(Exception):
    """Raised when a file cannot be used at all; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known word, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def read_text(path: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file (a BOM is allowed); refuse binary, non-UTF-8, oversized and non-regular files
    (FIFOs, devices, directories, symlink loops) with a clear problem instead of blocking or raising."""
    try:
        data = read_regular(path, PLAN_LIMIT, hint="name a .toml plan or a Markdown checklist (a regular file)")
    except UnreadableFile as error:
        if error.message == "file not found":
            return None, [Problem(path, None, "file not found", "check the path; plan paths are relative to the plan file")]
        return None, [Problem(path, None, error.message, error.hint)]
    if b"\x00" in data[:8192]:
        return None, [Problem(path, None, "binary file (it contains NUL bytes)", "launchpad reads UTF-8 text: a .toml plan or a Markdown checklist")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                path,
                line,
                f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
                "save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE`",
            )
        ]
    return text, []
