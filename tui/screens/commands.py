"""Command palette providers that offer a fixed list of targets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.command import CommandPalette as _TextualPalette
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
        names: list[str] = []
        for provider in getattr(palette, "searched", ()):
            if isinstance(provider, type) and issubclass(provider, TargetsProvider):
                names += [name for name, _, _ in provider(self.screen)._targets()]
            else:  # Textual's system commands (a lazily loaded provider)
                names += [command.title for command in self.app.get_system_commands(self.screen)]
        if not any(matcher.match(name) > 0 for name in names):
            yield Hit(1, Text("没有找到匹配的条目或命令", style="dim"), lambda: None)


class CommandPalette(_TextualPalette):  # same name: tests and Textual look for it
    """Textual's command palette, with its own words in Chinese."""

    def __init__(self, providers: list[Any], **kwargs: Any) -> None:
        self.searched = list(providers)
        super().__init__(providers=[*self.searched, NothingFound], **kwargs)
