"""One checklist item as a form (question, guidance, example, field
editors) and the live paragraph the item produces.

There is a single :class:`ItemView`; moving to another item rebinds its
editors (a pool per editor kind, grown on demand, extra ones hidden)
rather than mounting a new form each time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from workflows.model import Item

from .fields import FieldEditor, Sink, editor_class, tidy


class ParagraphPanel(Static):
    """The paragraph the current item produces, in a panel of fixed size.

    Fixed, so that updating it as the user types repaints a few lines
    without laying out the screen again. What does not fit is cut with a
    pointer to the preview (F2), where the whole report is shown.
    """

    DEFAULT_CSS = """
    ParagraphPanel {
        height: 8;
        border-top: solid $primary 50%;
        border-title-align: left;
        border-title-color: $text-muted;
        padding: 0 1;
        overflow: hidden hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.border_title = "本项生成的段落"
        self._text = Text()

    def show(self, text: Text) -> None:
        """Show the item's paragraphs (from ``workflows.render.preview.item_text``,
        the preview's own renderer: markers highlighted, control characters
        made harmless)."""
        self._text = text
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        text = self._text
        if width > 0 and height > 0:
            lines = text.wrap(self.app.console, width)
            if len(lines) > height:
                shown = list(lines)[: height - 1]
                shown.append(Text("……（全文见预览：F2）", style="dim"))
                text = Text("\n").join(shown)
        self.update(text, layout=False)


def intro_text(item: Item) -> Text:
    """The question (bold), the guidance and the example (dimmed)."""
    text = Text(tidy(item.question), style="bold")
    if item.guidance:
        text.append("\n说明：" + tidy(item.guidance), style="dim")
    if item.example:
        text.append("\n示例：" + tidy(item.example), style="dim italic")
    return text


class ItemView(VerticalScroll):
    """The question, guidance and field editors of the current item."""

    DEFAULT_CSS = """
    ItemView { height: 1fr; padding: 0 1; }
    ItemView #item-intro { height: auto; }
    ItemView #item-fields { height: auto; margin-top: 1; }
    """

    can_focus = False

    def __init__(self, *, readonly: bool = False, sink: Sink | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.readonly = readonly
        # Where every change goes as it happens (the session's input).
        self.sink = sink
        self.item: Item | None = None
        # The editors showing the current item's fields, in order.
        self.editors: list[FieldEditor] = []

    def compose(self) -> ComposeResult:
        # Question, guidance and example in one widget: one resize per item, not three.
        yield Static("", id="item-intro")
        yield Vertical(id="item-fields")

    def show(self, item: Item, answers: Mapping[str, Any]) -> None:
        """Show ``item`` with what its fields hold (answers, drafts, defaults),
        reusing editors where possible: each is bound afresh to its field."""
        self.item = item
        self.query_one("#item-intro", Static).update(intro_text(item))

        container = self.query_one("#item-fields", Vertical)
        pool: dict[type, list[FieldEditor]] = {}
        for child in container.children:
            if isinstance(child, FieldEditor):
                pool.setdefault(type(child), []).append(child)
        editors: list[FieldEditor] = []
        new: list[FieldEditor] = []
        for f in item.fields:
            cls = editor_class(f.type)
            spare = pool.get(cls)
            value = answers.get(f.path)
            if spare:
                editor = spare.pop(0)
                editor.bind(f, value, readonly=self.readonly, sink=self.sink)
                editor.display = True
            else:
                editor = cls(f, value, readonly=self.readonly, sink=self.sink)
                new.append(editor)
            editors.append(editor)
        for unused in pool.values():
            for editor in unused:
                editor.display = False
        if new:
            container.mount_all(new)
        # Put the editors in field order (spares stay behind them, hidden).
        children = [child for child in container.children if isinstance(child, FieldEditor)]
        children = children + [e for e in new if e not in children]
        if children[: len(editors)] != editors:
            for index, editor in enumerate(editors):
                if index == 0:
                    container.move_child(editor, before=0)
                else:
                    container.move_child(editor, after=editors[index - 1])
        self.editors = editors
        self.scroll_home(animate=False)

    def editor(self, path: str) -> FieldEditor | None:
        for editor in self.editors:
            if editor.path == path:
                return editor
        return None

    def focus_first(self, attempts: int = 8, done: "Callable[[], None] | None" = None) -> None:
        """Focus the first field's input once every editor of the item is
        mounted (new ones take a refresh or two; Tab would skip them), and
        then call ``done``, also when that cannot be (after a few tries)."""
        if not self.readonly and attempts > 0 and not all(editor.ready for editor in self.editors):
            self.call_after_refresh(self.focus_first, attempts - 1, done)
            return
        if not self.readonly:
            for editor in self.editors:
                if editor.first_focusable() is not None:
                    # Keep the question in view; scroll only if the input is out of sight.
                    editor.focus_input(scroll_visible=False)
                    self.call_after_refresh(self._reveal, editor)
                    break
        if done is not None:
            done()

    def _reveal(self, editor: FieldEditor) -> None:
        widget = self.screen.focused
        if widget is None or editor not in widget.ancestors:
            return
        if widget.region.y >= self.region.bottom - 1 or widget.region.y < self.region.y:
            widget.scroll_visible(animate=False)
