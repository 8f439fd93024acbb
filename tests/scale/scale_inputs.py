"""Generated scale inputs: a plan of N checklist items and a session of N journal entries.

Deterministic (fixed seed, no clock): the scale tests (tests/scale) build them small, in tmp_path, and
assert only that everything still works and counts right; bench/bench_scale.py builds them at full size
(100,000 items, 360,000 entries) and carries the timings.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
ITEMS_PER_FILE = 10_000
ITEMS_PER_SECTION = 50
WORDS = ("verify", "deploy", "backup", "rotate", "check", "drain", "warm", "scale", "page", "confirm",
         "cache", "queue", "replica", "index", "token", "route", "shard", "cert", "quota", "alert")


def item_id(number: int) -> str:
    """The pinned ID of item `number` (see write_plan: items past the first file all carry one)."""
    return f"item-{number:06d}"


def write_plan(directory: Path, items: int, seed: int = 13) -> Path:
    """A TOML plan over ceil(items / 10,000) checklists, sections of 50 items; returns the plan's path.

    The first file's items get generated IDs (6 base32 characters, hashed from file, section and text), the
    rest pinned ones (`item_id`): 100,000 generated IDs would collide a few times by the birthday bound
    (100,000^2 / 2 / 32^6 = 4.7 expected pairs), which validate rightly reports. Every seventh item is ticked."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    number = 0
    for file_index in range((items + ITEMS_PER_FILE - 1) // ITEMS_PER_FILE):
        lines = [f"# Runbook part {file_index + 1}\n"]
        for _ in range(min(ITEMS_PER_FILE, items - number)):
            if number % ITEMS_PER_SECTION == 0:
                lines.append(f"\n## Area {number // ITEMS_PER_SECTION + 1}\n\n")
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))
            box = "x" if number % 7 == 0 else " "
            pin = f" <!-- id: {item_id(number)} -->" if number >= ITEMS_PER_FILE else ""
            code = f" `./run.sh {number}`" if number % 5 == 0 else ""
            lines.append(f"- [{box}] Step {number}: {words}{code}{pin}\n")
            number += 1
        name = f"part-{file_index + 1:02d}.md"
        (directory / name).write_text("".join(lines), encoding="utf-8")
        names.append(name)
    plan = directory / "plan.toml"
    plan.write_text(
        '[launch]\nname = "Scale launch"\nchecklists = [' + ", ".join(f'"{name}"' for name in names) + "]\n"
        '\n[[role]]\nid = "ops"\ntitle = "Ops"\nperson = "Ada Ops"\n'
        '\n[[event]]\nid = "go"\nat = "T-0"\ntitle = "Go"\nowner = "ops"\n',
        encoding="utf-8",
    )
    return plan


def write_session(path: Path, plan_path: Path, plan_sha256: str, entries: int, seed: int = 17) -> Path:
    """A session of `entries` journal entries, written as the store writes them: mostly folded probe
    minutes of 20 probes (what a long probing cockpit leaves), with checks, notes and a handoff mixed in."""
    from launchpad.core.journal.journal import Header, entry_to_toml, header_to_toml, make_entry
    from launchpad.core.probes.probe_history import KIND, fold_minute

    rng = random.Random(seed)
    start = T0 - timedelta(hours=24)
    header = Header(launch="Scale launch", plan=str(plan_path), plan_sha256=plan_sha256, t0=T0,
                    created_at=start, lead="Ada Ops", started_by="Ada Ops")
    with open(path, "w", encoding="utf-8") as out:
        out.write(header_to_toml(header))
        for seq in range(1, entries + 1):
            at = start + timedelta(seconds=seq * 3)  # 20 probes' minutes: one entry every 3 s
            roll = rng.random()
            if seq == entries // 2:
                entry = make_entry(seq, at, "Ada Ops", "handoff", "lead", {"from": "Ada Ops", "to": "Bo Night"})
            elif roll < 0.02:
                entry = make_entry(seq, at, "deploy-pipeline", "check", item_id(rng.randrange(ITEMS_PER_FILE, ITEMS_PER_FILE + 5_000)))
            elif roll < 0.03:
                entry = make_entry(seq, at, "Ada Ops", "note", "", {"text": f"note {seq}: all quiet"})
            else:
                probe = f"svc-{seq % 20:02d}"
                latencies = [rng.uniform(20, 400) for _ in range(12)]
                minute = fold_minute(probe, at, [seq % 13 != 0] * 12, latencies)
                entry = make_entry(seq, at, "cockpit", KIND, probe, minute.payload())
            out.write(entry_to_toml(entry))
    return path
