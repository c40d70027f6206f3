"""Command palette providers that offer a fixed list of targets."""

from __future__ import annotations

import bisect
import functools
import heapq
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rich.text import Text
from textual.command import CommandPalette as _TextualPalette
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

Target = tuple[str, Callable[[], object], str]
# A keyed target: its search key (lower case, made once) and what the
# provider turns into a target when it is shown (a report's meta).
Keyed = tuple[str, Any]
# Keyed targets shown at most (the best matches; a line says how many more).
KEYED_SHOWN = 10


class KeyedQuery:
    """A query matched against precomputed search keys: every word of it a
    substring of the key (the best), or its characters in order in the key
    (as Textual's fuzzy matcher)."""

    def __init__(self, query: str) -> None:
        self.words = query.lower().split()
        self.chars = "".join(self.words)
        # Its characters in order within one key (keys never hold a newline).
        self.pattern = re.compile("[^\n]*?".join(map(re.escape, self.chars))) if self.chars else None

    def contains(self, key: str) -> bool:
        """Every word of the query is in ``key`` (the home list's filter: no scattered characters)."""
        return bool(self.words) and all(word in key for word in self.words)

    def whole_score(self, key: str) -> float:
        """The score of a key that :meth:`contains` the query: earlier and shorter keys first."""
        return 0.9 - min(key.find(self.words[0]), 100) / 1000 - min(len(key), 400) / 100_000

    @staticmethod
    def scattered_score(span: int) -> float:
        """The score of a key holding the query's characters in order over ``span`` characters."""
        return 0.5 - min(span, 400) / 1000

    def score(self, key: str) -> float:
        """0 (no match) to 1; substrings before scattered characters."""
        if self.pattern is None:
            return 0.0
        if self.contains(key):
            return self.whole_score(key)
        found = self.pattern.search(key)
        return 0.0 if found is None else self.scattered_score(found.end() - found.start())

    def highlight(self, name: str, style: Any) -> Content:
        """``name`` with the query's characters marked where they occur in order (plain text, no markup)."""
        content = Content(name)
        lowered, at = name.lower(), 0
        for char in self.chars:
            at = lowered.find(char, at)
            if at < 0:
                return Content(name)
            content = content.stylize(style or "bold", at, at + 1)
            at += 1
        return content


class KeyIndex:
    """Search keys made once (lower case, one per item), searched all at
    once: the keys joined into one text, so that finding a word or the
    query's characters in order is one scan in C (``str.find``, one regular
    expression) instead of a Python loop over every key. 10,000 keys: a few
    milliseconds per query (Textual's fuzzy matcher on each: ≈600 ms)."""

    def __init__(self, keyed: Sequence[Keyed]) -> None:
        keys = [key.replace("\n", " ") for key, _item in keyed]
        self.items = [item for _key, item in keyed]
        self.text = "\n".join(keys) + "\n"  # the keys are cut from it (kept once: 10,000 keys ≈ 2 MB)
        # Where each key starts in the text, and (last) where the text ends.
        self.starts: list[int] = []
        at = 0
        for key in keys:
            self.starts.append(at)
            at += len(key) + 1
        self.starts.append(at)

    def key(self, n: int) -> str:
        return self.text[self.starts[n]:self.starts[n + 1] - 1]

    def __len__(self) -> int:
        return len(self.items)

    def _whole(self, query: KeyedQuery) -> Iterator[int]:
        """The keys holding every word (in order of the keys)."""
        first, text, at = query.words[0], self.text, 0
        starts, only = self.starts, len(query.words) == 1
        while (found := text.find(first, at)) >= 0:
            n = bisect.bisect_right(starts, found) - 1
            at = starts[n + 1]  # the next key
            if only or query.contains(text[starts[n]:at - 1]):
                yield n

    def contains(self, query: str) -> list[Any]:
        """The items whose key holds every word of ``query``, in order."""
        keyed = KeyedQuery(query)
        return [self.items[n] for n in self._whole(keyed)] if keyed.words else []

    def best(self, query: str, count: int = KEYED_SHOWN) -> tuple[list[tuple[float, Any]], int]:
        """The ``count`` best matches of ``query`` (score, item), and how many matched in all."""
        keyed = KeyedQuery(query)
        if keyed.pattern is None:
            return [], 0
        scores: dict[int, float] = {n: keyed.whole_score(self.key(n)) for n in self._whole(keyed)}
        if len(keyed.chars) > 1 and len(scores) < len(self.items):  # else nothing more to find
            starts = self.starts
            for found in keyed.pattern.finditer(self.text):
                n = bisect.bisect_right(starts, found.start()) - 1
                if n not in scores:
                    scores[n] = keyed.scattered_score(found.end() - found.start())
        best = heapq.nlargest(count, scores.items(), key=lambda pair: (pair[1], -pair[0]))
        return [(score, self.items[n]) for n, score in best], len(scores)

    def any(self, query: str) -> bool:
        """Whether :meth:`best` finds anything."""
        keyed = KeyedQuery(query)
        return keyed.pattern is not None and keyed.pattern.search(self.text) is not None


NO_KEYS = KeyIndex([])


class TargetsProvider(Provider):
    """Shows every target when the palette opens and fuzzy-matches them as
    the user types. Subclasses list their targets in ``_targets``, and may
    add many more (reports) as keyed targets: ``_keyed`` gives their
    search keys (a :class:`KeyIndex`, made once), ``_keyed_target`` a
    target for one shown; at most
    ``KEYED_SHOWN`` of them are offered, the best matches."""

    def _targets(self) -> list[Target]:
        return []

    def _keyed(self) -> KeyIndex:
        return NO_KEYS

    def _keyed_target(self, item: Any) -> Target:
        raise NotImplementedError

    def _more(self, count: int, searching: bool) -> str:
        """The line under the keyed targets shown when ``count`` more are left (match, when ``searching``)."""
        return f"另有 {count} 项匹配，请再输入几个字缩小范围" if searching else f"另有 {count} 项，输入文字查找"

    async def discover(self) -> Hits:
        for name, callback, help_text in self._targets():
            yield DiscoveryHit(name, callback, help=help_text)
        keyed = self._keyed()
        for item in keyed.items[:KEYED_SHOWN]:
            name, callback, help_text = self._keyed_target(item)
            yield DiscoveryHit(name, callback, help=help_text)
        if len(keyed) > KEYED_SHOWN:
            yield DiscoveryHit(Text(self._more(len(keyed) - KEYED_SHOWN, False), style="dim"), _nothing)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._targets():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        best, matched = self._keyed().best(query)
        keyed = KeyedQuery(query)
        for score, item in best:
            name, callback, help_text = self._keyed_target(item)
            yield Hit(score, keyed.highlight(name, self.match_style), callback, text=name, help=help_text)
        if matched > len(best):
            yield Hit(0.01, Text(self._more(matched - len(best), True), style="dim"), _nothing)

    def has_match(self, query: str) -> bool:
        """Whether :meth:`search` finds anything for ``query``."""
        matcher = self.matcher(query)
        if any(matcher.match(name) > 0 for name, _, _ in self._targets()):
            return True
        return self._keyed().any(query)


def _nothing() -> None:
    """A palette line that only informs."""


# Textual's own themes, named in Chinese (any other theme: 配色 and its place).
THEME_NAMES = {
    "textual-dark": "深色（默认）",
    "textual-light": "浅色",
    "ansi-dark": "终端深色",
    "ansi-light": "终端浅色",
    "atom-one-dark": "墨黑",
    "atom-one-light": "素白",
    "catppuccin-frappe": "灰蓝",
    "catppuccin-latte": "奶白",
    "catppuccin-macchiato": "深灰蓝",
    "catppuccin-mocha": "深咖",
    "dracula": "暗紫",
    "flexoki": "暖墨",
    "gruvbox": "复古暖色",
    "monokai": "深灰绿",
    "nord": "北国蓝",
    "rose-pine": "暗玫瑰",
    "rose-pine-dawn": "晨玫瑰",
    "rose-pine-moon": "月玫瑰",
    "solarized-dark": "日光深色",
    "solarized-light": "日光浅色",
    "tokyo-night": "夜蓝",
}


def theme_label(name: str, index: int = 0) -> str:
    return THEME_NAMES.get(name, f"配色{index + 1}")


class ThemeCommands(TargetsProvider):
    """The palette of themes, in Chinese."""

    def _targets(self) -> list[Target]:
        app = self.app
        out: list[Target] = []

        def choose(name: str) -> None:
            app.theme = name

        for index, name in enumerate(sorted(app.available_themes)):
            current = "（当前）" if name == app.theme else ""
            out.append((theme_label(name, index) + current, functools.partial(choose, name), ""))
        return out


class NothingFound(Provider):
    """The line the palette shows when nothing matches (Textual's own is in
    English): a hit of its own, offered only when no other provider of the
    palette (its ``searched``) has one."""

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        matcher = self.matcher(query)
        palette = self.app.screen
        for provider in getattr(palette, "searched", ()):
            if isinstance(provider, type) and issubclass(provider, TargetsProvider):
                if provider(self.screen).has_match(query):
                    return
            # Textual's system commands (a lazily loaded provider)
            elif any(matcher.match(command.title) > 0 for command in self.app.get_system_commands(self.screen)):
                return
        yield Hit(1, Text("没有找到匹配的条目或命令", style="dim"), _nothing)


class CommandPalette(_TextualPalette):  # same name: tests and Textual look for it
    """Textual's command palette, with its own words in Chinese."""

    def __init__(self, providers: list[Any], **kwargs: Any) -> None:
        self.searched = list(providers)
        super().__init__(providers=[*self.searched, NothingFound], **kwargs)
