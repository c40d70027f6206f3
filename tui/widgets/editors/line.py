"""The one-line editor: count, year, date, text (and types that borrow it)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from workflows import fieldtypes

from ..fields import FieldEditor, LineInput, value_text
from . import register_editor


@register_editor
class LineEditor(FieldEditor):
    """count, year, date and one-line text."""

    KINDS = ("count", "year", "date", "text")

    DEFAULT_CSS = """
    LineEditor.field-count Input, LineEditor.field-year Input { width: 24; }
    LineEditor.field-date Input { width: 24; }
    """

    def compose_input(self) -> ComposeResult:
        yield LineInput(compact=True, select_on_focus=False)

    def fill(self, value: Any) -> None:
        f = self.field
        line = self.query_one(LineInput)
        line.placeholder = f.placeholder or fieldtypes.get(f.type).placeholder(f)
        line.value = value_text(f, value)
        line.cursor_position = len(line.value)
        line.scroll_to(0, animate=False)

    def raw(self) -> Any:
        return self.query_one(LineInput).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()  # handed on already, as it happened (LineInput.on_edit)
