"""A Static whose text is wrapped with Chinese line breaking (避头尾).

Textual wraps text at any character: a line may start with “，” or “》）。”.
This widget breaks its text itself (workflows.render.linebreak) at its
current width, so no line starts with a closing mark or ends with an
opening one; it re-wraps when its width changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from workflows.render.linebreak import wrap_rich


class WrappedStatic(Static):
    """``Static`` for prose: ``show(text)`` instead of ``update``."""

    def __init__(self, text: str | Text = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._source = text if isinstance(text, Text) else Text(text)
        self._width = 0

    @property
    def source(self) -> Text:
        """The text shown, before line breaking."""
        return self._source

    def show(self, text: str | Text) -> None:
        self._source = text if isinstance(text, Text) else Text(text)
        self._rewrap()

    def on_resize(self) -> None:
        if self.content_region.width != self._width:
            self._rewrap()

    def _rewrap(self) -> None:
        width = self.content_region.width or self.size.width
        self._width = width
        self.update(wrap_rich(self._source, width) if width > 0 else self._source)
