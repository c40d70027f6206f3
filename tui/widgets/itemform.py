"""One checklist item as a form: question, guidance, example, field editors;
and the live paragraph the item produces."""

from __future__ import annotations

from typing import Any, Mapping

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from workflows.model import Item, Workflow
from workflows.render.preview import INDENT, STYLE_HEADING, STYLE_PENDING
from workflows.report import PENDING_CLOSE, PENDING_OPEN, Block

from .fields import FieldEditor, make_editor, tidy

_MARKER_PREFIXES = (PENDING_OPEN, "【模板出错：")


def highlight_markers(text: Text) -> Text:
    """Style every 【待填：…】 / 【模板出错：…】 marker in ``text``."""
    plain = text.plain
    for prefix in _MARKER_PREFIXES:
        start = plain.find(prefix)
        while start != -1:
            end = plain.find(PENDING_CLOSE, start)
            if end == -1:
                break
            text.stylize(STYLE_PENDING, start, end + 1)
            start = plain.find(prefix, end)
    return text


def paragraph_renderable(item: Item, blocks: list[Block]) -> Group | Text:
    """The paragraphs of one item as the report will print them."""
    if not item.template:
        return Text("（本项内容用于报告标题、开头或落款，不单独成段。）", style="dim")
    if not blocks:
        return Text("（尚无内容：按目前的填写，本项在报告中不出现。）", style="dim")
    lines: list[Text] = []
    if item.heading:
        lines.append(Text(INDENT + item.heading, style=STYLE_HEADING))
    for block in blocks:
        line = Text(INDENT + block.full_text, style=STYLE_HEADING if block.is_heading else "")
        if block.lead:
            start = len(INDENT)
            line.stylize(STYLE_HEADING, start, start + len(block.number) + len(block.lead))
        lines.append(highlight_markers(line))
    return Group(*lines)


class ItemForm(VerticalScroll):
    """The question, guidance and field editors of one item."""

    DEFAULT_CSS = """
    ItemForm { height: 1fr; padding: 0 1; }
    ItemForm .item-question { text-style: bold; }
    ItemForm .item-guidance { color: $text-muted; }
    ItemForm .item-example { color: $text-muted; text-style: italic; margin-bottom: 1; }
    """

    can_focus = False

    def __init__(
        self,
        workflow: Workflow,
        item: Item,
        answers: Mapping[str, Any],
        *,
        readonly: bool = False,
    ) -> None:
        super().__init__(id=f"form-{item.id}", classes="item-form")
        self.workflow = workflow
        self.item = item
        self.answers = answers
        self.readonly = readonly

    def compose(self) -> ComposeResult:
        item = self.item
        yield Static(tidy(item.question), classes="item-question", markup=False)
        if item.guidance:
            yield Static(f"说明：{tidy(item.guidance)}", classes="item-guidance", markup=False)
        if item.example:
            yield Static(f"示例：{tidy(item.example)}", classes="item-example", markup=False)
        for f in item.fields:
            yield make_editor(f, self.answers.get(f.path), readonly=self.readonly)

    @property
    def editors(self) -> list[FieldEditor]:
        return list(self.query_children(FieldEditor).results(FieldEditor))

    def editor(self, path: str) -> FieldEditor | None:
        for editor in self.editors:
            if editor.path == path:
                return editor
        return None

    def focus_first(self) -> None:
        for editor in self.editors:
            if editor.first_focusable() is not None:
                editor.focus_input()
                return
        self.scroll_home(animate=False)
