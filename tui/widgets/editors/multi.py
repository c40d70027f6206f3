"""The multiple-choice editor: multi."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import TextArea

from ..fields import BlockInput, FieldEditor
from ..options import OptionPicker
from . import register_editor


@register_editor
class MultiEditor(FieldEditor):
    """multi: tick options (☑ ticked, ☐ not), plus other entries one per line when allowed."""

    KINDS = ("multi",)

    DEFAULT_CSS = """
    MultiEditor BlockInput { height: auto; min-height: 2; max-height: 6; margin-top: 1; }
    """

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()
        yield BlockInput(soft_wrap=True, compact=True, placeholder="其他（不在上列选项中的，每行一条）")

    def type_hint(self) -> str:
        return "（数字键或空格勾选）"

    def fill(self, value: Any) -> None:
        f = self.field
        chosen = [str(v) for v in value] if isinstance(value, list) else []
        self.query_one(OptionPicker).load(f.options, chosen, multi=True, vertical=True)
        area = self.query_one(BlockInput)
        area.display = f.custom
        area.load_text("\n".join(v for v in chosen if v not in f.options))

    def raw(self) -> Any:
        ordered = list(self.query_one(OptionPicker).value)
        if self.field.custom:
            ordered += [line.strip() for line in self.query_one(BlockInput).text.splitlines() if line.strip()]
        return ordered

    @on(OptionPicker.Changed)
    @on(TextArea.Changed)
    def _handed_on(self, event: Message) -> None:
        event.stop()
