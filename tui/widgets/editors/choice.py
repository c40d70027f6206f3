"""The single-choice editor: choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label

from ..fields import FieldEditor, LineInput
from ..options import CHOSEN, NOT_CHOSEN, OptionPicker
from . import register_editor

OTHER_LABEL = "其他："


@register_editor
class ChoiceEditor(FieldEditor):
    """choice: the options (● chosen, ○ not), plus, when the field allows
    another value, a line marked like an option: ``● 其他：省委办公厅`` when a
    value of one's own is the answer (then no option is chosen)."""

    KINDS = ("choice",)

    DEFAULT_CSS = """
    ChoiceEditor .choice-other { height: 1; margin-top: 1; }
    ChoiceEditor .choice-other-mark { width: auto; }
    ChoiceEditor .choice-custom { width: 1fr; }
    """

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()
        with Horizontal(classes="choice-other"):
            yield Label(f"{NOT_CHOSEN} {OTHER_LABEL}", classes="choice-other-mark", markup=False)
            yield LineInput(placeholder="不在上列选项中时，在这里填写", compact=True, classes="choice-custom")

    def on_mount(self) -> None:
        custom = self.query_one(LineInput)  # in its row, not a child of the editor
        custom.on_edit = self._edited_hook(custom)
        super().on_mount()

    def type_hint(self) -> str:
        return "（数字键选择）"

    def fill(self, value: Any) -> None:
        f = self.field
        current = value if isinstance(value, str) else None
        in_options = current in f.options
        self.query_one(OptionPicker).load(f.options, [current] if current is not None and in_options else [])
        self.query_one(".choice-other").display = f.custom
        custom = self.query_one(LineInput)
        custom.value = "" if in_options or current is None else current
        custom.cursor_position = len(custom.value)
        self._mark_other()

    def raw(self) -> Any:
        if self.field.custom:
            custom = self.query_one(LineInput).value.strip()
            if custom:
                return custom
        return self.query_one(OptionPicker).value

    def _mark_other(self) -> None:
        """● beside 其他 when the value typed there is the answer, ○ when not."""
        typed = self.query_one(LineInput).value.strip() if self.field.custom else ""
        self.query_one(".choice-other-mark", Label).update(f"{CHOSEN if typed else NOT_CHOSEN} {OTHER_LABEL}")
        self.query_one(OptionPicker).set_other(typed)

    def _edited_hook(self, widget: Widget) -> Callable[[], None]:
        return self._picked if isinstance(widget, OptionPicker) else self._typed

    def _typed(self) -> None:
        if self._loading:
            return
        picker = self.query_one(OptionPicker)
        if self.query_one(LineInput).value.strip() and picker.chosen:
            picker.unpick()  # another value replaces the option: the screen says so
        self._mark_other()
        self.emit()

    def _picked(self) -> None:
        custom = self.query_one(LineInput)
        if self.field.custom and custom.value:
            self._loading = True  # a chosen option replaces another value: one change
            try:
                custom.value = ""
            finally:
                self._loading = False
        self._mark_other()
        self.emit()

    @on(OptionPicker.Changed)
    @on(Input.Changed)
    def _handed_on(self, event: Message) -> None:
        event.stop()
