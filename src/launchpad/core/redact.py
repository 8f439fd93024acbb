"""Secrets out of every text launchpad shows or stores: the one redaction every probe path goes through.

Why it works this way:
- it runs BEFORE any cut: a message cut to 57 characters first no longer holds the whole secret, so an
  exact-match replacement would miss it and leave most of it on screen and in the session file;
- it removes every run of 6 or more characters of a secret, not only the whole value: a server that echoes
  half a token, or cuts it itself, must not leak that half;
- it matches through line breaks, whitespace, JSON escapes (`\\u0041`, `\\/`) and percent-encoding, so an
  echoed secret split across lines or escaped by a JSON encoder is still found;
- URL userinfo (`https://user:pass@host`) and query parameters named like credentials (`token`,
  `access_token`, `api_key`, `sig`, `password`, ...) are blanked in any text, known secret or not.

Pure Python, no I/O: callers build one `Redactor` per probe (from its URL and resolved headers) and pass
every message, excerpt and URL through it.
"""

from __future__ import annotations

import base64
import re
from typing import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

REDACTED = "[redacted]"
MIN_FRAGMENT = 6  # a run of this many characters of a secret is already too much to show
MIN_SECRET = 4  # shorter values (flags, "1", "yes") would blank ordinary text; they are matched whole only

# Query parameter names that carry credentials: token, access_token, api_key, apikey, key, sig, signature,
# password, secret, auth, client_secret, X-Amz-Credential, session ...
_SECRET_NAME = re.compile(r"token|secret|passw|pwd|key|sig|auth|credential|session", re.IGNORECASE)
# Header names whose values are credentials even when written literally in the plan.
_SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|passw|api[-_]?key|auth|signature", re.IGNORECASE)
_AUTH_SCHEMES = {"bearer", "basic", "token", "digest", "negotiate", "apikey", "hmac"}

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*:(?:\\?/){1,2})([^/\\\s?#@\"'<>]+)@")  # also JSON's :\/\/
# A name, then `=` (or its %3D / \u003d escapes), then the value up to the next separator. The name is
# checked against _SECRET_NAME in _blank_value: one pattern with the names inside backtracks badly.
_PARAM = re.compile(r"([A-Za-z0-9_.\-\[\]]+)((?:=|%3[dD]|\\u003[dD])\s*)([^&\s#\"'<>\\,;]+)")
_HEX = set("0123456789abcdefABCDEF")
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "'": "'"}
_JSON_SPACE = set("nrtbf")


def is_secret_name(name: str) -> bool:
    """True for a query parameter or field name that carries a credential (`access_token`, `sig`, ...)."""
    return bool(_SECRET_NAME.search(name))


def url_secrets(url: str) -> list[str]:
    """The credentials a URL carries: userinfo (and its Basic-auth form) and token-like query values."""
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:
        return []
    found = []
    if username:
        found.append(unquote(username))
    if password:
        found.append(unquote(password))
    if username or password:
        pair = f"{unquote(username or '')}:{unquote(password or '')}"
        found.append(base64.b64encode(pair.encode()).decode())  # what a server echoing Authorization shows
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if is_secret_name(name):
            found.append(value)
    return found


def header_secrets(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Credential parts of resolved header values whose names say they are credentials."""
    found = []
    for name, value in headers:
        if not _SECRET_HEADER.search(name):
            continue
        for part in value.split():
            if part.lower() not in _AUTH_SCHEMES:
                found.append(part)
    return found


def scrub(text: str) -> str:
    """URL userinfo and credential-named parameter values blanked: what any text needs, secrets known or not."""
    if "@" in text and (":/" in text or ":\\/" in text):
        text = _USERINFO.sub(lambda m: f"{m[1]}{REDACTED}@", text)
    lowered = text.lower()
    if "=" in text or "%3d" in lowered or "\\u003d" in lowered:
        text = _PARAM.sub(_blank_value, text)
    return text


def _blank_value(match: re.Match) -> str:
    return f"{match[1]}{match[2]}{REDACTED}" if _SECRET_NAME.search(match[1]) else match[0]


def redact_url(url: str) -> str:
    """A URL fit to show: userinfo and credential query values replaced, the rest kept for reading."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return scrub(url)
    netloc = parts.netloc
    if "@" in netloc and host is not None:
        shown_host = f"[{host}]" if ":" in host else host
        netloc = f"{REDACTED}@{shown_host}" + (f":{port}" if port is not None else "")
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))  # scrub: the query


# What an echo may put inside a secret without changing what a reader sees of it: whitespace, line breaks,
# controls, zero-width and bidi characters. Dropped before matching.
_FILLER = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _fold(char: str) -> str:
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _fold_text(text: str) -> str:
    return text.lower() if text.isascii() else "".join(map(_fold, text))


def _decoded(text: str) -> Iterable[tuple[str, int, int]]:
    """(character, start, end) of text with JSON escapes and %XX decoded: where each character came from."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        end = index + 1
        if char == "\\" and index + 1 < length:
            follower = text[index + 1]
            if follower in _JSON_SIMPLE:
                char, end = _JSON_SIMPLE[follower], index + 2
            elif follower in _JSON_SPACE:
                char, end = " ", index + 2
            elif follower == "u" and index + 6 <= length and all(c in _HEX for c in text[index + 2 : index + 6]):
                char, end = chr(int(text[index + 2 : index + 6], 16)), index + 6
        elif char == "%" and index + 3 <= length and text[index + 1] in _HEX and text[index + 2] in _HEX:
            char, end = chr(int(text[index + 1 : index + 3], 16)), index + 3
        yield char, index, end
        index = end


def _views(text: str) -> Iterable[tuple[str, list[tuple[int, int]]]]:
    """The text as written and as decoded (JSON escapes, %XX), filler dropped, lower-cased; each character
    with the span of the original text it came from, so a match can be cut out of the original."""
    views = [list(zip(text, range(len(text)), range(1, len(text) + 1)))]
    if "\\" in text or "%" in text:
        views.append(list(_decoded(text)))
    for view in views:
        kept = [(char, start, end) for char, start, end in view if not _FILLER.match(char)]
        yield _fold_text("".join(char for char, _, _ in kept)), [(start, end) for _, start, end in kept]


def _quick_views(text: str) -> Iterable[str]:
    """The same folded views without the spans: enough to learn that nothing matches, which is the rule."""
    yield _fold_text(_FILLER.sub("", text))
    if "\\" in text or "%" in text:
        yield _fold_text(_FILLER.sub("", "".join(char for char, _, _ in _decoded(text))))


class Redactor:
    """Removes known secrets (any 6+ character run of one, however escaped or wrapped) and scrubs URLs.

    `Redactor(secrets)(text)` is the whole job; `clip(text, limit)` redacts and then cuts, in that order.
    """

    def __init__(self, secrets: Iterable[str] = ()):
        grams: dict[int, set[str]] = {}
        for secret in secrets:
            folded = "".join(_fold(c) for c in secret if not c.isspace())
            if len(folded) < MIN_SECRET:
                continue
            size = min(MIN_FRAGMENT, len(folded))
            grams.setdefault(size, set()).update(folded[i : i + size] for i in range(len(folded) - size + 1))
        self._grams = sorted(grams.items(), reverse=True)

    def __bool__(self) -> bool:
        return bool(self._grams)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self._grams:
            text = self._remove_secrets(text)
        return scrub(text)

    def clip(self, text: str, limit: int) -> str:
        """Redacted, then cut to `limit` characters with "...". Cutting after redaction cannot reveal a run:
        every 6-character run of a secret in the longer text was already removed."""
        text = self(text[: limit * 4 + 4096])  # bounded work; a prefix redacted is still fully redacted
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def _matches(self, folded: str) -> Iterable[tuple[int, int]]:
        for size, grams in self._grams:
            for start in range(len(folded) - size + 1):
                if folded[start : start + size] in grams:
                    yield start, start + size - 1

    def _remove_secrets(self, text: str) -> str:
        if not any(next(iter(self._matches(folded)), None) for folded in _quick_views(text)):
            return text
        covered = [(spans[first][0], spans[last][1]) for folded, spans in _views(text)
                   for first, last in self._matches(folded)]
        if not covered:
            return text
        covered.sort()
        merged = [list(covered[0])]
        for start, end in covered[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, position = [], 0
        for start, end in merged:
            pieces.append(text[position:start])
            pieces.append(REDACTED)
            position = end
        pieces.append(text[position:])
        return "".join(pieces)


NO_SECRETS = Redactor()
