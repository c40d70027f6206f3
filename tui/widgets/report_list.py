"""A virtual list of rows in fixed-width columns (the home screen's reports).

Only the rows on screen are built: the list holds the rows' keys and a
function that gives one row's cells when it is painted, so a list of 10,000
reports costs what its 20 visible rows cost (a DataTable builds every row's
cells and keeps them). Looks and keys like a DataTable in row-cursor mode:
a bold header that stays in place, zebra stripes, a cursor row; Up/Down,
PgUp/PgDn, Home/End, Enter (select), the mouse wheel, a click (highlight;
a click on the highlighted row selects it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
# Row index and whether it is the cursor row -> the row's cells, one per column.
CellsOf = Callable[[int, bool], Sequence[Cell]]
PADDING = 1  # cells each side of a column's text


class Column(NamedTuple):
    label: str
    key: str
    width: int


class ReportList(ScrollView, can_focus=True):
    """Rows of cells, built only when painted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "report-list--header",
        "report-list--cursor",
        "report-list--even-row",
        "report-list--odd-row",
    }
    DEFAULT_CSS = """
    ReportList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .report-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .report-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .report-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .report-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .report-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .report-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .report-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    # Described in English as a DataTable's: the help (F1) lists the app's
    # keys (Chinese descriptions), not the widgets' own.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First row", show=False),
        Binding("end,ctrl+end", "last", "Last row", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to ``row`` (``key`` None: the list is empty)."""

        def __init__(self, report_list: ReportList, row: int, key: str | None) -> None:
            super().__init__()
            self.report_list = report_list
            self.row = row
            self.key = key

        @property
        def control(self) -> ReportList:
            return self.report_list

    class Selected(Highlighted):
        """Enter (or a click) on the cursor row."""

    def __init__(self, cells_of: CellsOf, *, id: str | None = None, zebra_stripes: bool = True) -> None:
        super().__init__(id=id)
        self.cells_of = cells_of
        self.zebra_stripes = zebra_stripes
        self.columns: list[Column] = []
        self.keys: list[str] = []
        self.cursor_row = 0
        self._row_at: dict[str, int] = {}
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(256)

    # ------------------------------------------------------------ content

    @property
    def row_count(self) -> int:
        return len(self.keys)

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._changed()

    def set_rows(self, keys: Sequence[str], cursor: int = 0) -> None:
        """The rows (their keys, in order); the cursor at row ``cursor``."""
        self.keys = list(keys)
        self._row_at = {key: row for row, key in enumerate(self.keys)}
        self._changed()
        self.cursor_row = -1
        self.move_cursor(row=cursor)

    def row_of(self, key: str) -> int | None:
        return self._row_at.get(key)

    def get_row(self, key: str) -> list[Cell]:
        """The cells of the row with ``key`` (as they would be painted)."""
        row = self._row_at[key]
        return list(self.cells_of(row, row == self.cursor_row))

    def refresh_rows(self, keys: Sequence[str] | None = None) -> None:
        """Repaint these rows (all with None): their cells changed."""
        if keys is None:
            self._strips.clear()
            self.refresh()
            return
        top = self.scroll_offset.y
        for key in keys:
            row = self._row_at.get(key)
            if row is None:
                continue
            for current in (False, True):
                self._strips.discard((row, current, self.size.width))
            if top <= row < top + self._page():
                self.refresh_line(row - top + 1)

    def _changed(self) -> None:
        self._strips.clear()
        width = sum(column.width + 2 * PADDING for column in self.columns)
        self.virtual_size = Size(width, len(self.keys) + 1)  # + the header
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()

    def on_blur(self) -> None:
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()

    # ------------------------------------------------------------ cursor

    def _page(self) -> int:
        """Rows visible at once (the header takes a line)."""
        return max(1, self.scrollable_content_region.height - 1)

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """The cursor to ``row`` (clamped), scrolled into view; a Highlighted message if it moved."""
        row = max(0, min(row, len(self.keys) - 1))
        old = self.cursor_row
        self.cursor_row = row
        top, page = self.scroll_offset.y, self._page()
        if row < top:
            self.scroll_to(y=row, animate=animate)
        elif row >= top + page:
            self.scroll_to(y=row - page + 1, animate=animate)
        self.refresh()
        if row != old or old == -1:
            self.post_message(self.Highlighted(self, row, self.keys[row] if self.keys else None))

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page())

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self.keys) - 1)

    def action_select_cursor(self) -> None:
        if self.keys:
            self.post_message(self.Selected(self, self.cursor_row, self.keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y - 1
        if event.y < 1 or not 0 <= row < len(self.keys):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # ------------------------------------------------------------ painting

    def render_line(self, y: int) -> Strip:
        scroll_x, top = self.scroll_offset
        width = self.size.width
        if y == 0:
            strip = self._line(self._header(), self.get_component_rich_style("report-list--header"))
        else:
            row = top + y - 1
            if row >= len(self.keys):
                return Strip.blank(width, self.rich_style)
            current = row == self.cursor_row
            key = (row, current, width)
            cached = self._strips.get(key)
            if cached is None:
                cached = self._strips[key] = self._row_strip(row, current)
            strip = cached
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _header(self) -> list[Cell]:
        return [column.label for column in self.columns]

    def _row_strip(self, row: int, current: bool) -> Strip:
        style = self.rich_style
        if self.zebra_stripes:
            style += self.get_component_rich_style("report-list--odd-row" if row % 2 else "report-list--even-row")
        if current:
            style += self.get_component_rich_style("report-list--cursor")
        return self._line(list(self.cells_of(row, current)), style)

    def _line(self, cells: Sequence[Cell], style: Style) -> Strip:
        segments: list[Segment] = []
        pad = " " * PADDING
        for column, cell in zip(self.columns, cells):
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.no_wrap = True
            text.truncate(column.width, overflow=text.overflow or "ellipsis", pad=True)
            line = Text(pad) + text + Text(pad)
            line.stylize_before(style)  # under the cell's own styles
            segments += [segment for segment in line.render(self.app.console) if segment.text != "\n"]
        total = sum(column.width + 2 * PADDING for column in self.columns)
        return Strip(segments, total).extend_cell_length(total, style)
