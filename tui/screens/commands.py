"""Command palette providers that offer a fixed list of targets."""

from __future__ import annotations

from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Target = tuple[str, Callable[[], object], str]


class TargetsProvider(Provider):
    """Shows every target when the palette opens and fuzzy-matches them as
    the user types. Subclasses list their targets in ``_targets``."""

    def _targets(self) -> list[Target]:
        return []

    async def discover(self) -> Hits:
        for name, callback, help_text in self._targets():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._targets():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
