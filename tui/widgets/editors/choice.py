"""The single-choice editor: choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from ..fields import FieldEditor, LineInput
from ..options import OptionPicker
from . import register_editor


@register_editor
class ChoiceEditor(FieldEditor):
    """choice: the options (● chosen, ○ not), plus a line for another value when allowed."""

    KINDS = ("choice",)

    DEFAULT_CSS = """
    ChoiceEditor .choice-custom { margin-top: 1; }
    """

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()
        yield LineInput(placeholder="或在这里填写其他内容", compact=True, classes="choice-custom")

    def type_hint(self) -> str:
        return "（数字键选择）"

    def fill(self, value: Any) -> None:
        f = self.field
        current = value if isinstance(value, str) else None
        in_options = current in f.options
        self.query_one(OptionPicker).load(f.options, [current] if current is not None and in_options else [])
        custom = self.query_one(LineInput)
        custom.display = f.custom
        custom.value = "" if in_options or current is None else current
        custom.cursor_position = len(custom.value)

    def raw(self) -> Any:
        if self.field.custom:
            custom = self.query_one(LineInput).value.strip()
            if custom:
                return custom
        return self.query_one(OptionPicker).value

    def _edited_hook(self, widget: Widget) -> Callable[[], None]:
        return self._picked if isinstance(widget, OptionPicker) else self._typed

    def _typed(self) -> None:
        if self._loading:
            return
        picker = self.query_one(OptionPicker)
        if self.query_one(LineInput).value.strip() and picker.chosen:
            picker.unpick()  # another value replaces the option: the screen says so
        self.emit()

    def _picked(self) -> None:
        custom = self.query_one(LineInput)
        if self.field.custom and custom.value:
            self._loading = True  # a chosen option replaces another value: one change
            try:
                custom.value = ""
            finally:
                self._loading = False
        self.emit()

    @on(OptionPicker.Changed)
    @on(Input.Changed)
    def _handed_on(self, event: Message) -> None:
        event.stop()
