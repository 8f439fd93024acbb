"""The command palette's system commands, shown literally.

Textual's own provider hands a command's title and help to `Content.from_markup`, and many titles carry
outside text (a step's title, a role, a replay marker): `Vote Go: [@click=app.quit]x` would be parsed as
markup, raise on `[/]` or become a clickable action. This provider builds `Content` objects instead (no
markup is ever parsed) from `printable` text, so every palette entry of every screen is safe in one place.
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits
from textual.content import Content
from textual.system_commands import SystemCommandsProvider

from launchpad.core.literal import cut, printable

TITLE_LIMIT = 200  # a palette row is one line; fuzzy matching a 10,000-character title would be slow too


class LiteralSystemCommands(SystemCommandsProvider):
    def _commands(self):
        for title, help_text, callback, *rest in self.app.get_system_commands(self.screen):
            shown = cut(printable(title), TITLE_LIMIT)
            yield shown, Content(cut(printable(help_text), TITLE_LIMIT)), callback, (rest[0] if rest else True)

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in sorted(self._commands(), key=lambda command: command[0]):
            if discover:
                yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, _ in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                shown = Content(title)
                for offset in offsets:
                    if not title[offset].isspace():
                        shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, callback, text=title, help=help_text)
