"""The multiple-choice editor: multi."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Label, TextArea

from workflows.assemble import OTHER_FIELD_ID
from workflows.model import Item

from ..fields import BlockInput, FieldEditor
from ..options import OptionPicker
from . import register_editor

OTHER_LABEL = "其他（每行一条）："


@register_editor
class MultiEditor(FieldEditor):
    """multi: tick options (☑ ticked, ☐ not), plus, when allowed, a box
    labelled 其他（每行一条） for entries of one's own.

    One box for "other" per item: where the item has a 其他 field of its own
    (``other``, which also stands in for this field when it is required, see
    ``workflows.assemble.completed_by_other``), entries of one's own are
    typed there and this box is hidden, unless it holds entries already."""

    KINDS = ("multi",)

    DEFAULT_CSS = """
    MultiEditor .multi-other-label { color: $text; }
    MultiEditor BlockInput { height: auto; min-height: 2; max-height: 6; }
    """

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()
        yield Label(OTHER_LABEL, classes="multi-other-label", markup=False)
        yield BlockInput(soft_wrap=True, compact=True, placeholder="不在上列选项中的，在这里填写")

    def type_hint(self) -> str:
        return "（数字键或空格勾选）"

    def fill(self, value: Any) -> None:
        f = self.field
        chosen = [str(v) for v in value] if isinstance(value, list) else []
        self.query_one(OptionPicker).load(f.options, chosen, multi=True, vertical=True)
        others = [v for v in chosen if v not in f.options]
        area = self.query_one(BlockInput)
        # Entries of one's own are always shown, even where the field no
        # longer allows them (its error says so): the screen shows what is stored.
        own_box = f.custom and not self._item_has_other()
        self.query_one(".multi-other-label").display = area.display = own_box or bool(others)
        area.load_text("\n".join(others))

    def _item_has_other(self) -> bool:
        """Does the item shown (by the form this editor is in) have a 其他 field?"""
        for node in self.ancestors:
            item = getattr(node, "item", None)
            if isinstance(item, Item):
                mine = any(g is self.field for g in item.fields)  # not a sub-field of an entry
                return mine and item.field(OTHER_FIELD_ID) is not None
        return False

    def raw(self) -> Any:
        ordered = list(self.query_one(OptionPicker).value)
        if self.query_one(BlockInput).display:
            ordered += [line.strip() for line in self.query_one(BlockInput).text.splitlines() if line.strip()]
        return ordered

    @on(OptionPicker.Changed)
    @on(TextArea.Changed)
    def _handed_on(self, event: Message) -> None:
        event.stop()
