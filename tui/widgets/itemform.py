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
from textual.widget import Widget
from textual.widgets import Static

from workflows.carryover import is_carried
from workflows.model import Item
from workflows.render.linebreak import wrap_rich

from .editors import editor_class
from .editors.group import GroupEditor
from .fields import FieldEditor, Sink, tidy
from .wrapped import WrappedStatic


class ParagraphPanel(Static):
    """The paragraph the current item produces, in a panel of fixed size.

    Fixed, so that updating it as the user types repaints a few lines
    without laying out the screen again. What does not fit is cut with a
    pointer to the preview (F2), where the whole report is shown.
    """

    DEFAULT_CSS = """
    ParagraphPanel {
        height: 8;
        min-height: 2;
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
            text = wrap_rich(text, width)  # 避头尾: no line starts with “，”
            lines = text.split("\n")
            if len(lines) > height:
                shown = list(lines)[: height - 1]
                shown.append(Text("……（全文见预览：F2）", style="dim"))
                text = Text("\n").join(shown)
        self.update(text, layout=False)


GUIDANCE_KEY = "F6"


def intro_text(item: Item, folded: bool = False) -> Text:
    """The guidance and the example (dimmed), or one line saying they are
    folded away (the question is shown above the form, never scrolled)."""
    text = Text()
    if not (item.guidance or item.example):
        return text
    if folded:
        text.append(f"（说明和示例已收起，按 {GUIDANCE_KEY} 展开）", style="dim")
        return text
    if item.guidance:
        text.append("说明：" + tidy(item.guidance), style="dim")
    if item.example:
        if text.plain:
            text.append("\n")
        text.append("示例：" + tidy(item.example), style="dim italic")
    text.append(f"\n（按 {GUIDANCE_KEY} 收起说明）", style="dim")
    return text


class ItemView(VerticalScroll):
    """The question, guidance and field editors of the current item."""

    DEFAULT_CSS = """
    ItemView { height: 1fr; padding: 0 1; }
    ItemView #item-intro { height: auto; }
    ItemView #item-fields { height: auto; margin-top: 1; }
    """

    can_focus = False

    def __init__(
        self, *, readonly: bool = False, sink: Sink | None = None, carried: Callable[[str], set[str]] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # Field path -> the sources carried over from last year's report there (read-only in entries).
        self.carried = carried
        self.readonly = readonly
        # The guidance and example folded away (the user's choice, kept from item to item).
        self.folded = False
        # Where every change goes as it happens (the session's input).
        self.sink = sink
        self.item: Item | None = None
        # The editors showing the current item's fields, in order.
        self.editors: list[FieldEditor] = []

    def compose(self) -> ComposeResult:
        # Question, guidance and example in one widget: one resize per item, not three.
        # A WrappedStatic (避头尾), wrapped as it is measured: no re-wrap after the layout.
        yield WrappedStatic("", id="item-intro")
        yield Vertical(id="item-fields")

    def show(self, item: Item, answers: Mapping[str, Any]) -> None:
        """Show ``item`` with what its fields hold (answers, drafts, defaults),
        reusing editors where possible: each is bound afresh to its field."""
        self.item = item
        self._show_intro()

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
                self._prepare(editor, f.path)
                editor.bind(f, value, readonly=self.readonly, sink=self.sink)
                editor.display = True
            else:
                editor = cls(f, value, readonly=self.readonly, sink=self.sink)
                self._prepare(editor, f.path)
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

    def _prepare(self, editor: FieldEditor, path: str) -> None:
        """Before an editor shows field ``path``: a group learns which entries were carried over."""
        if isinstance(editor, GroupEditor):
            texts = self.carried(path) if self.carried is not None else set()
            editor.is_carried = (lambda entry: is_carried(entry, texts)) if texts else None

    def _show_intro(self) -> None:
        intro = self.query_one("#item-intro", WrappedStatic)
        text = intro_text(self.item, self.folded) if self.item is not None else Text()
        intro.show(text)
        intro.display = bool(text.plain)

    def set_folded(self, folded: bool) -> None:
        """Fold the guidance away (or show it again); the focused field stays in view."""
        self.folded = folded
        self._show_intro()
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            self.call_after_refresh(self.reveal_focused)

    def on_resize(self) -> None:
        # The lines under the form grew (a long message) or the terminal
        # changed: the focused field stays in view.
        self.call_after_refresh(self.reveal_focused)

    def reveal_focused(self) -> None:
        """Scroll so that the focused field (label, input, message) is in view."""
        focused = self.screen.focused if self.is_attached else None
        if focused is None or self not in focused.ancestors:
            return
        editor = next((a for a in focused.ancestors_with_self if isinstance(a, FieldEditor)), None)
        reveal(self, editor, focused)

    def editor(self, path: str) -> FieldEditor | None:
        for editor in self.editors:
            if editor.path == path:
                return editor
        return None

    def focus_first(self, attempts: int = 8, done: Callable[[], None] | None = None) -> None:
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
        reveal(self, editor, widget)


def reveal(view: VerticalScroll, editor: FieldEditor | None, widget: Widget) -> None:
    """Scroll ``view`` so that ``editor`` (its label line, input and message
    line) is in view; when it is taller than the view, so that at least the
    focused widget is."""
    if editor is not None and view in editor.ancestors:
        view.scroll_to_widget(editor, animate=False, immediate=True, origin_visible=True)
    if widget is not editor:
        view.scroll_to_widget(widget, animate=False, immediate=True)
    if view.scroll_y != round(view.scroll_y):  # whole rows: a field is not cut by half a row
        view.scroll_to(y=round(view.scroll_y), animate=False, immediate=True)
