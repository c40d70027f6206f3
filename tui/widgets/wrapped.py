"""A Static whose text is wrapped with Chinese line breaking (避头尾).

Textual wraps text at any character: a line may start with “，” or “》）。”.
This widget breaks its text itself (workflows.render.linebreak) so that no
line starts with a closing mark or ends with an opening one. It wraps when
it is measured and drawn, at the width it is given then: its height is that
of the wrapped text at the width the layout offers, and ``render`` draws the
same lines at the width it got. There is no second pass after the first
layout (re-wrapping on a resize changed the height after the layout and moved
the scroll of the form around it).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.visual import VisualType
from textual.widgets import Static

from workflows.render.linebreak import wrap_rich


class WrappedStatic(Static):
    """``Static`` for prose: ``show(text)`` (or ``update``) sets the text."""

    def __init__(self, text: str | Text = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._source = text if isinstance(text, Text) else Text(text)
        self._wrapped: tuple[int, Text] | None = None  # (width, the text wrapped to it)

    @property
    def source(self) -> Text:
        """The text shown, before line breaking."""
        return self._source

    def show(self, text: str | Text) -> None:
        source = text if isinstance(text, Text) else Text(text)
        if source == self._source and self._wrapped is not None:
            return
        previous = self._wrapped
        self._source = source
        self._wrapped = None
        # Same width, same number of lines: a repaint, not a layout of the
        # screen (a count under a field changes at every keystroke).
        width = self.size.width
        if (
            previous is not None
            and width > 0
            and previous[0] == width
            and bool(source.plain)
            and bool(previous[1].plain)
            and not (self.styles.width is not None and self.styles.width.is_auto)
            and self.display
            and self.wrapped(width).plain.count("\n") == previous[1].plain.count("\n")
        ):
            self.refresh()
        else:
            self.refresh(layout=True)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """As ``Static.update``, for text (markup is never read)."""
        self.show(content if isinstance(content, Text) else Text(str(content)))

    def wrapped(self, width: int) -> Text:
        """The text broken into lines of at most ``width`` columns (避头尾)."""
        if width <= 0:
            return self._source
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_rich(self._source, width))
        return self._wrapped[1]

    def lines(self, width: int | None = None) -> list[str]:
        """The lines shown at ``width`` (default: the current width)."""
        return self.wrapped(self.size.width if width is None else width).plain.split("\n")

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(line) for line in self._source.plain.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._source.plain:
            return super().get_content_height(container, viewport, width)  # as a Static with no text
        return len(self.wrapped(width).plain.split("\n"))

    def render(self) -> Text:
        return self.wrapped(self.size.width)
