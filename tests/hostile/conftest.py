"""The hostile-input table: ONE set of vectors every injection point is driven with (`pytest -m hostile`).

A vector is text a war-room neighbour, a hand-edited session file or a production service could put where
launchpad shows it. Shown anywhere, it must stay data: no markup parsed (`[/]` once crashed every cockpit),
no action (`[@click=app.quit]`), no link, no raw control, bidi or invisible character reaching a terminal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchpad.core.literal import printable

ROOT = Path(__file__).resolve().parents[2]

VECTORS = {
    "close-tag": "[/]",
    "bold": "[bold]x",
    "click": "[@click=app.quit]CLICKX[/]",
    "link": "[link=file:///etc/passwd]x[/link]",
    "csi": "\x1b[31mRED\x1b[0m\x1b[2J",
    "osc8": "\x1b]8;;http://127.0.0.1/evil\x1b\\LINK\x1b]8;;\x1b\\",
    "osc52": "\x1b]52;c;ZXZpbA==\x07",
    "bel": "ding\x07dong",
    "rlo": "abc\u202edcba",
    "zwsp": "zero\u200bwidth\ufeff",
    "c1-csi": "c1\x9b31mred",
    "long": "L" * 9990 + "[/]END",
}
IDS = list(VECTORS)

# What a terminal, a bidi algorithm or a reader's eye would act on or lose: none may reach the output raw.
FORBIDDEN = {chr(c) for c in range(0x20) if c != 0x0A} | {chr(c) for c in range(0x7F, 0xA0)} | {
    "\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u2060", "\ufeff",
    *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def shown(vector: str, limit: int = 30) -> str:
    """The start of the vector as a person must see it: literal, controls as pictures."""
    return printable(vector)[:limit]


def assert_inert(output: str, vector: str | None = None, limit: int = 30) -> None:
    raw = sorted({f"U+{ord(ch):04X}" for ch in output if ch in FORBIDDEN})
    assert not raw, f"raw control/bidi/invisible characters reached the output: {raw}"
    if vector is not None:
        assert shown(vector, limit) in output, f"{shown(vector, limit)!r} not shown literally"


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "timelines", tmp_path / "timelines")
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    return tmp_path


def hostile_plan(plan_dir: Path, vector: str) -> Path:
    """The bundled plan with the vector in a checklist item, a step title, a role and a probe name."""
    import tomli_w

    checklist = plan_dir / "checklists" / "launch-day.md"
    text = checklist.read_text(encoding="utf-8")
    flat = vector.replace("\n", " ")
    checklist.write_text(text.replace("- [ ] ", f"- [ ] {flat} ", 1), encoding="utf-8")
    plan = plan_dir / "timelines" / "launch-day.toml"
    source = plan.read_text(encoding="utf-8")
    quoted = tomli_w.dumps({"x": vector})[4:].strip()  # a TOML basic string of the vector
    first_title = source.index("title = ", source.index("[[event]]"))
    end = source.index("\n", first_title)
    source = source[:first_title] + f"title = {quoted}" + source[end:]
    source = source.replace('title = "DevOps Lead"', f"title = {quoted}", 1)  # a role: owner filter, poll, owners
    if not any(ch < " " for ch in vector):  # a probe name with controls is refused by the plan loader (file:line)
        source = source.replace('"api-health"', quoted)  # the probe and the trigger that watches it
    plan.write_text(source, encoding="utf-8")
    return plan
