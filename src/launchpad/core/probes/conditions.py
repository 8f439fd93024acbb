"""Gatus-style probe conditions: `[STATUS] == 200`, `[BODY].data[0].id == 5`, `len([BODY].items) > 0`.

Conditions are parsed once at load time (a bad one is a config problem with a line) and evaluated
against the facts of one attempt. Like Gatus, numbers compare as numbers, everything else as text,
and `pat(...)` / `any(...)` are only meaningful with `==` and `!=`.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from launchpad.core.plan.offsets import OffsetError, parse_duration

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")  # two-character operators first so `<=` is not read as `<`
PLACEHOLDERS = ("[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[CERTIFICATE_EXPIRATION]", "[CONNECTED]")
FUNCTIONS = ("len", "has")
HINT = (
    "write it like `[STATUS] == 200`, `[RESPONSE_TIME] < 300`, `[BODY].status == UP`, "
    "`[BODY] == pat(*ok*)`, `len([BODY].items) > 0` or `[CERTIFICATE_EXPIRATION] > 48h`"
)
_PATH_PART = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]")
_MISSING = object()


class ConditionError(ValueError):
    """A condition that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Condition:
    text: str
    function: str | None  # "len", "has" or None
    placeholder: str  # one of PLACEHOLDERS
    path: tuple[str | int, ...]  # JSON path below [BODY]
    operator: str
    right: str

    def evaluate(self, facts: "ConditionFacts", redact: Callable[[str], str] | None = None) -> tuple[bool, str]:
        """(passed, what was seen) — the second part explains a failure in plain words. `redact` runs on
        what was seen BEFORE it is cut for display: a cut secret would no longer be recognised."""
        left = self._resolve(facts)
        right = self.right
        if self.placeholder in ("[RESPONSE_TIME]", "[CERTIFICATE_EXPIRATION]") and self.function is None:
            right_value: Any = _milliseconds(right)
        else:
            right_value = right
        if left is None:
            return False, f"{self._left_text()} is unknown"
        passed = _compare(left, self.operator, right_value)
        return passed, f"{self._left_text()} was {_show(left, redact)}"

    def _left_text(self) -> str:
        inner = self.placeholder + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in self.path)
        return f"{self.function}({inner})" if self.function else inner

    def _resolve(self, facts: "ConditionFacts") -> Any:
        if self.placeholder == "[STATUS]":
            return facts.status
        if self.placeholder == "[RESPONSE_TIME]":
            return facts.response_time_ms
        if self.placeholder == "[CONNECTED]":
            return "true" if facts.connected else "false"
        if self.placeholder == "[CERTIFICATE_EXPIRATION]":
            seconds = facts.certificate_expires_in_s
            return None if seconds is None else seconds * 1000.0
        # [BODY]
        if not self.path:
            value: Any = facts.body_text
            if self.function == "len":
                return len(value or "")
            if self.function == "has":
                return "true" if value else "false"
            return value
        value = facts.json_path(self.path)
        if self.function == "has":
            return "false" if value is _MISSING else "true"
        if value is _MISSING:
            return None
        if self.function == "len":
            return len(value) if isinstance(value, (list, dict, str)) else len(_json_text(value))
        return _json_text(value)


@dataclass
class ConditionFacts:
    """What one attempt saw, as conditions need it; the body's JSON is parsed at most once."""

    status: int | None = None
    response_time_ms: float | None = None
    body_text: str | None = None
    certificate_expires_in_s: float | None = None
    connected: bool = True
    _json: Any = field(default=_MISSING, repr=False)

    def json_path(self, path: tuple[str | int, ...]) -> Any:
        if self._json is _MISSING:
            try:
                self._json = json.loads(self.body_text or "")
            except ValueError:
                self._json = None
        value = self._json
        for part in path:
            if isinstance(part, int):
                if not isinstance(value, list) or part >= len(value):
                    return _MISSING
                value = value[part]
            else:
                if not isinstance(value, dict) or part not in value:
                    return _MISSING
                value = value[part]
        return value


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _show(value: Any, redact: Callable[[str], str] | None = None) -> str:
    text = value if isinstance(value, str) else (f"{value:g}" if isinstance(value, float) else str(value))
    if redact is not None:
        text = redact(text[:4096])  # a redacted prefix stays redacted when cut; the bound keeps it cheap
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _milliseconds(text: str) -> float | str:
    """`300` -> 300 ms (Gatus reads bare numbers as ms), `1s` / `48h` / `250ms` -> ms."""
    text = text.strip()
    number = _number(text)
    if number is not None:
        return number
    if text.endswith("ms") and _number(text[:-2]) is not None:
        return float(text[:-2])
    try:
        return parse_duration(text) * 1000.0
    except OffsetError:
        return text


def _compare(left: Any, operator: str, right: Any) -> bool:
    if isinstance(right, str):
        stripped = right.strip()
        if stripped.startswith("pat(") and stripped.endswith(")") and operator in ("==", "!="):
            matched = fnmatch.fnmatchcase(_json_text(left), stripped[4:-1])
            return matched if operator == "==" else not matched
        if stripped.startswith("any(") and stripped.endswith(")") and operator in ("==", "!="):
            options = [option.strip() for option in stripped[4:-1].split(",")]
            matched = any(_compare(left, "==", option) for option in options)
            return matched if operator == "==" else not matched
    left_number, right_number = _number(left), _number(right)
    if left_number is not None and right_number is not None:
        a, b = left_number, right_number
    elif operator in ("==", "!="):
        a, b = _json_text(left).strip(), _json_text(right).strip()
    else:
        return False  # ordering only makes sense between numbers
    return {
        "==": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[operator]


def _split(text: str) -> tuple[str, str, str]:
    for operator in OPERATORS:
        # Spaces around the operator keep `pat(a<b)` on the right from being split.
        index = text.find(f" {operator} ")
        if index >= 0:
            return text[:index].strip(), operator, text[index + len(operator) + 2 :].strip()
    for operator in OPERATORS:
        index = text.find(operator)
        if index >= 0:
            return text[:index].strip(), operator, text[index + len(operator) :].strip()
    raise ConditionError(f"condition `{text}` has no operator (one of {' '.join(OPERATORS)})")


def parse_condition(text: str) -> Condition:
    if not isinstance(text, str):
        raise ConditionError(f"a condition must be a string, not {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ConditionError("empty condition")
    left, operator, right = _split(text)
    if not left:
        raise ConditionError(f"condition `{text}` has nothing left of `{operator}`")
    if not right:
        raise ConditionError(f"condition `{text}` has nothing right of `{operator}`")
    function = None
    match = re.fullmatch(r"(\w+)\((.*)\)", left)
    if match:
        function, left = match[1], match[2].strip()
        if function not in FUNCTIONS:
            raise ConditionError(f"condition `{text}`: unknown function `{function}()` (known: len, has)")
    placeholder = next((p for p in PLACEHOLDERS if left.startswith(p)), None)
    if placeholder is None:
        raise ConditionError(
            f"condition `{text}`: `{left}` is not a placeholder (known: {', '.join(PLACEHOLDERS)})"
        )
    rest = left[len(placeholder) :]
    path: list[str | int] = []
    position = 0
    for part in _PATH_PART.finditer(rest):
        if part.start() != position:
            break
        path.append(part[1] if part[1] is not None else int(part[2]))
        position = part.end()
    if position != len(rest):
        raise ConditionError(f"condition `{text}`: cannot read the path `{rest}` (write `.key` or `[0]`)")
    if path and placeholder != "[BODY]":
        raise ConditionError(f"condition `{text}`: only [BODY] takes a path")
    if function and placeholder != "[BODY]":
        raise ConditionError(f"condition `{text}`: {function}() only applies to [BODY]")
    if not right.startswith(("pat(", "any(")):
        if placeholder == "[STATUS]" and _number(right) is None:
            raise ConditionError(f"condition `{text}`: `{right}` is not a status code")
        if placeholder in ("[RESPONSE_TIME]", "[CERTIFICATE_EXPIRATION]") and isinstance(_milliseconds(right), str):
            raise ConditionError(f"condition `{text}`: `{right}` is not a number of ms or a duration such as `48h`")
    return Condition(text, function, placeholder, tuple(path), operator, right)
