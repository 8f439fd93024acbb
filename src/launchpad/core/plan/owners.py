"""Owner names as people write them ("DevOps", "Backend", "All", "Lead") matched to the plan's roles."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Protocol

ALL = "all"  # every role owes it
LEAD = "lead"  # whoever leads the launch now (it follows handoffs)


class _RoleLike(Protocol):
    id: str
    title: str


def slugify(text: str) -> str:
    """`Final security scan` -> `final-security-scan`; stable, ASCII, usable as an ID."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:40].rstrip("-")


def match_role(name: str, roles: Iterable[_RoleLike]):
    """The role a person meant: by id or title, then a title starting with the name ("Backend" -> "Backend Lead"),
    then a title containing it. None when nothing or more than one role fits a loose match."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    roles = list(roles)
    slug = slugify(name)
    for role in roles:
        if role.id == name.strip() or role.id == slug or role.title.strip().lower() == wanted:
            return role
    for test in (lambda title: title.startswith(wanted + " "), lambda title: wanted in title.split()):
        found = [role for role in roles if test(role.title.strip().lower())]
        if len(found) == 1:
            return found[0]
    return None
