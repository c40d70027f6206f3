"""A one-line title bar: where the user is, the report, whether it is saved.

It has a fixed size, so updating it (every item change, every save) only
repaints one line; Textual's Header resizes its title and re-lays out the
whole screen each time.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 1fr;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._parts: tuple[str, str, str, str] = ("", "", "", "")

    def show(self, position: str, title: str, state: str, state_style: str = "") -> None:
        parts = (position, title, state, state_style)
        if parts == self._parts:
            return
        self._parts = parts
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(Text(position, style="bold"), Text(title), Text(state, style=state_style))
        self.update(grid, layout=False)
