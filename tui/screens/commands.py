"""Command palette providers that offer a fixed list of targets."""

from __future__ import annotations

from typing import Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, DiscoveryHit, Hit, Hits, Provider
from textual.command import CommandPalette as _TextualPalette
from textual.widgets.option_list import Option

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
            out.append((theme_label(name, index) + current, lambda n=name: choose(n), ""))
        return out


class CommandPalette(_TextualPalette):  # same name: tests and Textual look for it
    """Textual's command palette, with its own words in Chinese."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text("没有找到匹配的条目或命令", style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
