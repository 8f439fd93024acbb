"""The journal's bulk TOML reader: rtoml (a Rust parser, several times faster than tomllib) when it is
installed, tomllib otherwise, with the same depth bound and the same error type either way.

Only the store's bulk paths use it (opening a session, catching up on appended blocks): the parser is the
floor of opening a 360,000-entry journal, and tomllib is that floor. The header, single blocks and the plan
keep tomllib, whose messages name lines the way `file:line:` problems expect. rtoml refuses nesting past its
own recursion limit (tested: ~40 levels of brackets, dotted keys or inline tables) before Python sees it, so
a hostile file cannot blow the stack; each payload is then held to MAX_DEPTH by entry_from_table.
rtoml hands back its own UTC tzinfo object; entry_from_table normalises `at` to timezone.utc.
"""

from __future__ import annotations

import tomllib
from typing import Callable

from launchpad.core.toml_depth import loads_bounded

try:  # a wheel for CPython 3.11 on manylinux x86_64/aarch64; without it opening is tomllib-bound again
    import rtoml as _rtoml
except ImportError:  # pragma: no cover - rtoml is a declared dependency; the fallback is for odd platforms
    _rtoml = None


def _rtoml_loads(text: str) -> dict:
    """rtoml.loads with tomllib's error type. No depth walk of the whole document here (it cost as much as
    the parse): rtoml bounds recursion itself, and entry_from_table holds each payload to MAX_DEPTH."""
    try:
        return _rtoml.loads(text)
    except ValueError as error:  # rtoml.TomlParsingError: one error type for every caller
        raise tomllib.TOMLDecodeError(str(error)) from None


loads_journal: Callable[[str], dict] = _rtoml_loads if _rtoml is not None else loads_bounded
PARSER = "rtoml" if _rtoml is not None else "tomllib"
