"""The one place (core/literal.py) against the vector table: every vector comes out printable, one line when
asked, and as Markdown that GitHub's renderer (cmark-gfm, when installed) shows as the same text, unstyled."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from launchpad.core.literal import markdown_literal, one_line, printable

from .conftest import FORBIDDEN, IDS, VECTORS, assert_inert

pytestmark = pytest.mark.hostile

CMARK = shutil.which("cmark-gfm")
LINKS = {"autolink": "see http://127.0.0.1/evil www.evil.example a@b.example mailto:a@b.example x|y `z`",
         "markdown": "[x](http://127.0.0.1/) <b>bold</b> **strong** _em_ ~~del~~ - [ ] box # head | cell |"}
TABLE = {**VECTORS, **LINKS}


@pytest.mark.parametrize("name", list(TABLE))
def test_printable_one_line_and_markdown_are_inert(name):
    vector = TABLE[name]
    shown = printable(vector)
    assert_inert(shown)
    assert printable(shown) == shown  # idempotent: a second pass (notify after a pane) changes nothing
    assert len(shown) >= len(vector) and "\n" not in one_line(vector + "\nsecond line")
    assert_inert(markdown_literal(vector))
    if not CMARK:
        return
    rendered = subprocess.run([CMARK, "-e", "autolink", "-e", "table", "-e", "strikethrough", "-e", "tasklist"],
                              input="| a |\n|---|\n| " + markdown_literal(vector) + " |\n", capture_output=True,
                              text=True, check=True).stdout
    tags = set(re.findall(r"<(/?[a-z][a-z0-9]*)", rendered)) - {"table", "/table", "thead", "/thead", "tbody",
                                                               "/tbody", "tr", "/tr", "th", "/th", "td", "/td", "code", "/code"}
    assert not tags, rendered
    assert rendered.count("<td>") == 1  # one cell: no | of the text split it
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered)).split("\n", 3)[-1]
    def words(text: str) -> str:
        return " ".join(text.replace("\\|", "|").replace("|", " ").split())

    assert words(printable(vector)) in words(plain)  # the same text, literally


def test_invisible_and_bidi_characters_are_named():
    assert printable("a\u202eb\u200bc\x9bd\x1be\x07") == "a⟨U+202E⟩b⟨U+200B⟩c⟨U+009B⟩d␛e␇"
    assert not {ch for ch in printable("".join(FORBIDDEN)) if ch in FORBIDDEN}
