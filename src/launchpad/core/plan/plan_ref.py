"""Where a session's plan is: the header names it absolutely, or relative to the session file itself.

A relative plan path lets a session travel with its plan (the shipped example works from any clone);
absolute paths stay as they always were. Path arithmetic only: nothing here touches the disk.
"""

from __future__ import annotations

import os
import posixpath


def resolve_plan_path(plan: str, session_path: str | os.PathLike | None) -> str:
    """The plan file to open: `plan` itself when absolute (or with no session path), else beside the session."""
    if not plan or os.path.isabs(plan) or session_path is None:
        return plan
    base = os.path.dirname(os.path.abspath(os.fspath(session_path)))
    return os.path.normpath(os.path.join(base, plan))


def relative_plan_path(plan_path: str | os.PathLike, session_path: str | os.PathLike) -> str:
    """`plan_path` as the header of `session_path` should name it to keep working when both move together.
    Forward slashes, so a file written on one system reads on another."""
    base = os.path.dirname(os.path.abspath(os.fspath(session_path)))
    relative = os.path.relpath(os.path.abspath(os.fspath(plan_path)), base)
    return posixpath.join(*relative.split(os.sep))
