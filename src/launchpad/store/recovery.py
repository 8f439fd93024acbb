"""Reading a session file's bytes: the fast path (one TOML parse) and the recovery path (block by block).

The fast path covers every file launchpad wrote without a crash. Only when it fails does the recovery path
split the file on entry boundaries, keep every complete entry and name the bytes it could not use ("bad
pieces": a torn last write, or garbage) so the store can set them aside instead of deleting them.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Callable

from launchpad.core.toml_depth import loads_bounded
from launchpad.store.minute_blocks import read_minute
from launchpad.store.toml_fast import loads_journal
from launchpad.core.journal.journal import END_LINE, ENTRY_MARK, HEADER_END, Entry, Header, JournalError, entry_from_table, header_from_table

MARK = ENTRY_MARK.encode()
END = ("\n" + END_LINE).encode()  # a complete block ends with this
HEADER_END_B = HEADER_END.encode()
_LINE_IN_ERROR = re.compile(r"\(at line (\d+), column \d+\)")
SEQ_AT_BLOCK = re.compile(rb"\n\[\[entry\]\]\nseq = (\d+)\n")


@dataclass(frozen=True)
class BadPiece:
    offset: int  # byte offset in the file
    size: int
    line: int  # 1-based line where the piece starts
    reason: str


@dataclass
class Parsed:
    header: Header
    entries: list[Entry]
    good_end: int  # byte offset just after the last usable block: where appends may continue
    bad: list[BadPiece] = field(default_factory=list)
    fast: bool = True  # the one-parse path worked

    @property
    def tail_only(self) -> bool:
        """All bad bytes sit after the last good entry, so truncating to good_end repairs the file."""
        return all(piece.offset >= self.good_end for piece in self.bad)


class HeaderError(ValueError):
    """The header cannot be read: there is nothing safe to recover into."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def _convert(raw: list) -> list[Entry]:
    # Replace each parsed table as it is converted so its dict and key strings are freed at once: peak memory
    # stays close to tomllib's own instead of holding both representations of 100k entries.
    entries: list[Entry] = []
    append = entries.append
    for index, table in enumerate(raw):
        append(entry_from_table(table))
        raw[index] = None
    return entries


CHUNK = 1 << 20  # bytes of blocks parsed at a time: one parsed document alive, never the whole journal's


def parse_fast(data: bytes | list, each: Callable[[Header, list[Entry]], None] | None = None) -> Parsed | None:
    """The whole file in one pass; None when anything is off (then use parse_recovering).

    The header is parsed with tomllib; the journal after it in ~1 MB runs of whole blocks with the bulk
    parser (store/toml_fast: rtoml), each run turned into Entries and dropped before the next is parsed, so
    peak memory is the file's bytes plus the Entries plus one run's parse - not a document of the whole
    journal. A run is split only at "\\n[[entry]]\\n", which no value we write can contain (tomli_w
    writes single-line strings); a hand-edited multi-line string holding it fails to parse and falls back.
    Pass the bytes inside a one-element list to hand them over (the caller keeps no second reference).
    With `each`, every run's entries go to each(header, entries) as they are read and are not kept (the
    result's `entries` is empty): a fold of a long journal that never holds all of it. A None result then
    comes after some runs went to `each`: the caller drops what it made of them.
    """
    if isinstance(data, list):
        raw_bytes = data.pop()
    else:
        raw_bytes = data
    del data
    size = len(raw_bytes)
    if not (raw_bytes.endswith(END) or raw_bytes.endswith(HEADER_END_B)):
        return None  # the last block lacks its end line: a torn write, even if what is left parses
    try:
        header, start = parse_header(raw_bytes[: 1 << 16])
    except HeaderError:
        return None
    if raw_bytes.find(HEADER_END_B, 0, 1 << 16) + len(HEADER_END_B) != start:
        return None  # something between the header's end line and the first block: the careful path names it
    entries = parse_blocks(raw_bytes, start, each=None if each is None else lambda run: each(header, run))
    return None if entries is None else Parsed(header, entries, size)


def _parsed_run(text: str) -> list[Entry] | None:
    doc = loads_journal(text)
    raw = doc.pop("entry", None)
    if doc or not isinstance(raw, list):
        return None
    return _convert(raw)


_MULTI_LINE = ('"""', "'''")


def read_run(text: str) -> list[Entry] | None:
    """The entries of a run of whole blocks (text starting with "\n[[entry]]\n"), in order; None when the
    run is not only [[entry]] tables. Probe minutes written as launchpad writes them are read without the
    TOML parser (store/minute_blocks.py); the other blocks go to it together, in one parse. A multi-line
    string could hide a block mark inside a value, so a run holding one goes to the parser whole.
    Raises what the parser and entry_from_table raise."""
    if _MULTI_LINE[0] in text or _MULTI_LINE[1] in text:
        return _parsed_run(text)
    bodies = text.split(ENTRY_MARK)
    if bodies[0]:
        return None
    entries: list[Entry | None] = []
    others: list[str] = []
    slots: list[int] = []
    for index in range(1, len(bodies)):
        entry = read_minute(bodies[index])
        if entry is None:
            slots.append(len(entries))
            others.append(bodies[index])
        entries.append(entry)
    del bodies
    if others:
        parsed = _parsed_run(ENTRY_MARK + ENTRY_MARK.join(others))
        if parsed is None or len(parsed) != len(others):
            return None
        for slot, entry in zip(slots, parsed):
            entries[slot] = entry
    return entries  # type: ignore[return-value]  # every slot filled


def parse_blocks(raw_bytes: bytes, start: int, after_seq: int = 0,
                 each: Callable[[list[Entry]], None] | None = None) -> list[Entry] | None:
    """The blocks from `start` to the end of `raw_bytes`, parsed in ~1 MB runs (see parse_fast); None when
    anything is off: bytes that are no block, a parse error, or seqs not rising strictly from `after_seq`
    (out-of-order or doubled seqs: the careful path names them). With `each`, each run goes to it instead."""
    size = len(raw_bytes)
    entries: list[Entry] = []
    previous = after_seq
    try:
        while start < size:
            if not raw_bytes.startswith(MARK, start):
                return None
            cut = raw_bytes.find(MARK, start + CHUNK)
            end = size if cut < 0 else cut
            run = read_run(raw_bytes[start:end].decode("utf-8"))
            if run is None:
                return None
            for entry in run:
                if entry.seq <= previous:
                    return None
                previous = entry.seq
            if each is None:
                entries.extend(run)
            else:
                each(run)
            start = end
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, JournalError):
        return None
    return entries


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_header(data: bytes) -> tuple[Header, int]:
    """The header and the offset where the journal starts."""
    first = data.find(MARK)
    region = data if first < 0 else data[:first]
    cut = region.find(HEADER_END_B)
    if cut >= 0:
        region = region[: cut + len(HEADER_END_B)]
    try:
        doc = loads_bounded(region.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise HeaderError(f"the session header is not UTF-8 (offset {error.start})", _line_at(data, error.start))
    except tomllib.TOMLDecodeError as error:
        found = _LINE_IN_ERROR.search(str(error))
        raise HeaderError(f"the session header is not valid TOML: {_LINE_IN_ERROR.sub('', str(error)).strip()}",
                          int(found[1]) if found else None)
    if "entry" in doc:
        raise HeaderError("entries appear before the end of the header")
    try:
        return header_from_table(doc), len(region)
    except JournalError as error:
        raise HeaderError(str(error))


def parse_block(block: bytes) -> Entry:
    """One "\\n[[entry]]\\n ... # end\\n" block; raises ValueError saying what is wrong with it."""
    if not block.endswith(END):
        raise ValueError("incomplete entry (no `# end` line): a write torn by a crash")
    try:
        doc = loads_bounded(block.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 (byte 0x{block[error.start]:02x})") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"not valid TOML: {error}") from None
    raw = doc.get("entry")
    if set(doc) != {"entry"} or not isinstance(raw, list) or len(raw) != 1:
        raise ValueError("not a single [[entry]] table")
    return entry_from_table(raw[0])


def split_blocks(data: bytes, start: int) -> list[tuple[int, int]]:
    """(offset, end) of every piece from `start`: text before the first entry mark, then one per block."""
    marks = [start + match.start() for match in re.finditer(re.escape(MARK), data[start:])]
    pieces: list[tuple[int, int]] = []
    if not marks:
        return [(start, len(data))] if start < len(data) else []
    if marks[0] > start:
        pieces.append((start, marks[0]))
    for begin, end in zip(marks, marks[1:] + [len(data)]):
        # A block ends at its first end line: anything after it and before the next mark is a stray piece.
        close = data.find(END, begin, end)
        if close < 0 or close + len(END) == end:
            pieces.append((begin, end))
        else:
            pieces.append((begin, close + len(END)))
            pieces.append((close + len(END), end))
    return pieces


def parse_recovering(data: bytes) -> Parsed:
    """Every usable entry, and the bad pieces with line and size. Raises HeaderError if the header is unusable."""
    header, journal_start = parse_header(data)
    pieces = split_blocks(data, journal_start)
    # The common failure is one torn last write: try everything before it in one parse first.
    if len(pieces) >= 2 and data[journal_start:pieces[-1][0]].endswith(END) and data[pieces[0][0]:].startswith(MARK):
        try:
            doc = loads_bounded(data[journal_start:pieces[-1][0]].decode("utf-8"))
            raw = doc.get("entry")
            if set(doc) == {"entry"} and isinstance(raw, list) and len(raw) == len(pieces) - 1:
                entries = _convert(raw)
                if all(later.seq > earlier.seq for earlier, later in zip(entries, entries[1:])):
                    pieces_to_check = [pieces[-1]]
                    return _finish(data, header, entries, pieces[-1][0], pieces_to_check, fast=False)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, JournalError):
            pass
    return _finish(data, header, [], journal_start, pieces, fast=False)


def keep_in_order(seqs: list[int]) -> set[int]:
    """Indexes of the longest run of strictly increasing seqs (earliest on ties), so one edited or doubled
    seq marks only its own entry as out of order instead of every entry after it."""
    tails: list[int] = []  # tails[k]: index ending the increasing run of length k+1 with the smallest last seq
    tail_seqs: list[int] = []
    previous: list[int] = [-1] * len(seqs)
    for index, seq in enumerate(seqs):
        position = bisect_left(tail_seqs, seq)
        if position < len(tails) and tail_seqs[position] == seq:
            continue  # the same seq again later on: keep the earlier one
        previous[index] = tails[position - 1] if position else -1
        if position == len(tails):
            tails.append(index)
            tail_seqs.append(seq)
        else:
            tails[position] = index
            tail_seqs[position] = seq
    kept: set[int] = set()
    index = tails[-1] if tails else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


def _finish(data: bytes, header: Header, entries: list[Entry], good_end: int,
            pieces: list[tuple[int, int]], fast: bool) -> Parsed:
    bad: list[BadPiece] = []
    parsed: list[tuple[int, int, Entry]] = []

    def set_aside(offset: int, end: int, reason: str) -> None:
        line_offset = offset + 1 if data[offset:offset + 1] == b"\n" else offset
        bad.append(BadPiece(offset, end - offset, _line_at(data, line_offset), reason))

    for offset, end in pieces:
        block = data[offset:end]
        try:
            if not block.startswith(MARK):
                raise ValueError("stray bytes that are no [[entry]] block")
            parsed.append((offset, end, parse_block(block)))
        except (ValueError, JournalError) as error:
            set_aside(offset, end, str(error))
    floor = entries[-1].seq if entries else 0
    kept = keep_in_order([entry.seq if entry.seq > floor else -1 for _, _, entry in parsed])
    last = floor
    for index, (offset, end, entry) in enumerate(parsed):
        if index in kept and entry.seq > floor:
            entries.append(entry)
            good_end = end
            last = entry.seq
        else:
            set_aside(offset, end, f"seq {entry.seq} is out of order (after seq {last}); set aside alone")
    bad.sort(key=lambda piece: piece.offset)
    return Parsed(header, entries, good_end, bad, fast)


def parse_session_bytes(data: bytes) -> Parsed:
    return parse_fast(data) or parse_recovering(data)


def parse_appended(chunk: bytes, after_seq: int) -> tuple[list[Entry], list[BadPiece]]:
    """Complete blocks appended since a reader last looked (chunk starts at a block boundary).

    Offsets in the returned bad pieces are relative to the chunk.
    """
    if not chunk.startswith(MARK):
        return [], [BadPiece(0, len(chunk), 1, "appended bytes do not start an [[entry]] block")]
    try:
        run = read_run(chunk.decode("utf-8"))
        if run is not None:
            entries = [entry for entry in run if entry.seq > after_seq]
            if all(later.seq > earlier.seq for earlier, later in zip(entries, entries[1:])):
                return entries, []
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, JournalError):
        pass
    candidates: list[tuple[int, int, Entry]] = []
    bad: list[BadPiece] = []
    for offset, end in split_blocks(chunk, 0):
        try:
            candidates.append((offset, end, parse_block(chunk[offset:end])))
        except (ValueError, JournalError) as error:
            bad.append(BadPiece(offset, end - offset, _line_at(chunk, offset + 1), str(error)))
    # Out-of-order entries are bad pieces of their own (a writer sets them aside under the lock); entries at
    # or below after_seq that are in order are ones this reader already has (it re-reads from garbage).
    kept = keep_in_order([entry.seq for _, _, entry in candidates])
    entries = []
    for index, (offset, end, entry) in enumerate(candidates):
        if index in kept:
            if entry.seq > after_seq:
                entries.append(entry)
        else:
            bad.append(BadPiece(offset, end - offset, _line_at(chunk, offset + 1),
                                f"seq {entry.seq} is out of order; set aside alone"))
    bad.sort(key=lambda piece: piece.offset)
    return entries, bad
