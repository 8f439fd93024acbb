"""Who is acting: `--as NAME`, else $LAUNCHPAD_USER, else the login name, else "unknown"."""

from __future__ import annotations

import getpass
import os
import unicodedata
from typing import Mapping


def _clean(name: str | None) -> str:
    if not name:
        return ""
    # Control characters in a name would reach terminals that show the journal: drop them.
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()


def resolve_actor(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for candidate in (explicit, env.get("LAUNCHPAD_USER")):
        name = _clean(candidate)
        if name:
            return name
    try:
        name = _clean(getpass.getuser())  # raises when neither env vars nor the passwd entry name anyone
    except Exception:
        name = ""
    return name or "unknown"
