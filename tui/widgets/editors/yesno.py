"""The 是/否 editor: bool."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult

from ..fields import FieldEditor
from ..options import OptionPicker
from . import register_editor

BOOL_OPTIONS = ("是", "否")


@register_editor
class BoolEditor(FieldEditor):
    """bool: 是 / 否 (● chosen, ○ not; 未选择 until answered)."""

    KINDS = ("bool",)

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()

    def type_hint(self) -> str:
        return "（Y 是 / N 否）"

    def fill(self, value: Any) -> None:
        chosen = [] if value is None else [BOOL_OPTIONS[0] if value is True else BOOL_OPTIONS[1]] if isinstance(
            value, bool
        ) else [str(value)]
        self.query_one(OptionPicker).load(
            BOOL_OPTIONS, chosen, numbered=False, keys={"y": 0, "n": 1, "1": 0, "2": 1}
        )

    def raw(self) -> Any:
        picked = self.query_one(OptionPicker).value
        return None if picked is None else picked == BOOL_OPTIONS[0]

    @on(OptionPicker.Changed)
    def _handed_on(self, event: OptionPicker.Changed) -> None:
        event.stop()
