"""Task IDs: short, stable across unrelated edits, unique within one checklist.

A generated ID hashes what identifies an item to a person (file, leaf section, text, and which
repeat of that text it is), not its position, so adding items elsewhere or renumbering headings
("1.3 Database" -> "1.4 Database") leaves it alone. An author may pin an ID with an invisible
HTML comment, `<!-- id: deploy-backend -->`.
"""

from __future__ import annotations

import re
from hashlib import blake2b

ID_LENGTH = 6
# Crockford-style base32: no i, l, o, u, so IDs read aloud on a bridge call are not misheard.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

EXPLICIT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
ID_COMMENT = re.compile(r"<!--\s*(?i:id)\s*:\s*(.*?)\s*-->\s*\Z", re.DOTALL)
EXPLICIT_ID_HINT = (
    "an id is 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit, "
    "e.g. `<!-- id: deploy-backend -->`"
)

# "6.2 ", "1.3. ", "2) ", "2 ", "Step 1: ", "Phase 2 - ": numbering that moves when sections are
# reordered. A longer bare number ("2024 Launch") is part of the title, not numbering.
_NUMBERING = re.compile(
    r"""\s*(?:
        (?:step|phase|stage|part|section)\s+\d+(?:\.\d+)*\s*[:.)\u2013\u2014-]?
      | \d+(?:\.\d+)+\.?
      | \d+[.):]
      | \d{1,2}(?=\s+[^\W\d_])
      | \d+\s*[\u2013\u2014-](?=\s)
    )\s*(?=\S)""",
    re.IGNORECASE | re.VERBOSE,
)


def strip_numbering(title: str) -> str:
    """The title without a leading number such as "6.2 " or "Step 1: " (kept if nothing else remains)."""
    match = _NUMBERING.match(title)
    if match is None:
        return title.strip()
    return title[match.end():].strip()


def normalise_title(title: str) -> str:
    """Case- and space-insensitive title with numbering removed: the key sections are matched by."""
    return " ".join(strip_numbering(title).casefold().split())


def normalise_text(text: str) -> str:
    return " ".join(text.casefold().split())


# Two base32 digits per 10 bits: three lookups turn 30 hash bits into an ID without a loop.
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)


def short_hash(key: str) -> str:
    """Six base32 characters (30 bits) of blake2b: short enough to read out, enough to rarely collide."""
    number = int.from_bytes(blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
    return _PAIRS[(number >> 20) & 1023] + _PAIRS[(number >> 10) & 1023] + _PAIRS[number & 1023]


def suggest_id(raw: str) -> str:
    """A valid ID close to a malformed one, for the hint ("Deploy Backend" -> "deploy-backend")."""
    slug = re.sub(r"[^a-z0-9]+", "-", raw.casefold()).strip("-")[:40].rstrip("-")
    return slug


class IdAllocator:
    """Hands out generated IDs in document order, never repeating one already taken."""

    def __init__(self, stem: str, reserved: set[str]):
        self._stem = stem
        self._taken = set(reserved)
        self._occurrences: dict[tuple[str, str], int] = {}
        self._titles: dict[str, str] = {}

    def allocate(self, leaf_section: str, text: str) -> str:
        title = self._titles.get(leaf_section)
        if title is None:
            title = self._titles[leaf_section] = normalise_title(leaf_section)
        key = (title, normalise_text(text))
        index = self._occurrences.get(key, 0)
        self._occurrences[key] = index + 1
        base = f"{self._stem}\x1f{key[0]}\x1f{key[1]}\x1f{index}"
        candidate = short_hash(base)
        salt = 0
        # A 30-bit collision is rare; salting keeps IDs unique without changing the common case.
        while candidate in self._taken:
            salt += 1
            candidate = short_hash(f"{base}\x1f{salt}")
        self._taken.add(candidate)
        return candidate
