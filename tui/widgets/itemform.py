"""One checklist item as a form (question, guidance, example, field
editors) and the live paragraph the item produces.

There is a single :class:`ItemView`; each item's editors are an
:class:`ItemForm`, mounted the first time the item is shown and then only
hidden and shown again: moving from item to item mounts nothing and binds
nothing (an editor is bound afresh only when its value changed elsewhere).
"""

from __future__ import annotations

import time
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
from .fields import BlockInput, FieldEditor, LineInput, Sink, tidy
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
        if text is self._text:
            return
        self._text = text
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        text = self._text
        if width > 0 and height > 0:
            text = fit_lines(text, width, height)
        self.update(text, layout=False)


def fit_lines(text: Text, width: int, height: int) -> Text:
    """The first ``height`` lines of ``text`` broken at ``width`` columns
    (避头尾), the last one saying where the rest is when it does not fit.
    Only what can be shown is broken: of a paragraph of 48,000 characters,
    the first few hundred (a line holds at most ``width`` characters)."""
    budget = (height + 1) * width  # enough characters for more lines than fit
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        part = paragraph[:budget] if len(paragraph) > budget else paragraph
        lines.extend(wrap_rich(part, width).split("\n", allow_blank=True))
        if len(lines) > height:
            break
    if len(lines) > height:
        lines = lines[: height - 1]
        lines.append(Text("……（全文见预览：F2）", style="dim"))
    return Text("\n").join(lines)


GUIDANCE_KEY = "F6"

_TEXT_INPUTS = "LineInput, BlockInput"
READY_WAIT = 2.0  # seconds a new form may take to mount before the focus gives up waiting


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


class ItemForm(Vertical):
    """The field editors of one item, mounted the first time the item is
    shown and kept: moving away hides it, coming back shows it again, with
    every editor (and every entry of a group) as it was left."""

    DEFAULT_CSS = """
    ItemForm { height: auto; margin-top: 1; }
    """

    def __init__(self, item: Item, editors: list[FieldEditor], shown: dict[str, Any]) -> None:
        super().__init__(*editors, classes="item-form")
        self.item = item
        self.editors = editors
        # Field path -> the value its editor shows (loaded with, or last
        # handed to the session): a value that differs when the item is
        # shown again was changed elsewhere (a roll-up, the year behind a
        # default), and only that editor is bound afresh.
        self.shown = shown


class ItemView(VerticalScroll):
    """The question, guidance and field editors of the current item."""

    DEFAULT_CSS = """
    ItemView { height: 1fr; padding: 0 1; }
    ItemView #item-intro { height: auto; }
    """

    can_focus = False

    def __init__(
        self, *, readonly: bool = False, sink: Sink | None = None, carried: Callable[[str], set[str]] | None = None,
        shown: Callable[[str], Any] | None = None, id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # Field path -> the sources carried over from last year's report there (read-only in entries).
        self.carried = carried
        self.readonly = readonly
        # The guidance and example folded away (the user's choice, kept from item to item).
        self.folded = False
        # Where every change goes as it happens (the session's input).
        self.sink = sink
        # Field path -> what the session now holds for it (value, draft or default).
        self._session_shown = shown
        self.item: Item | None = None
        # The editors showing the current item's fields, in order.
        self.editors: list[FieldEditor] = []
        # Item id -> its form (mounted once, then shown or hidden).
        self.forms: dict[str, ItemForm] = {}
        self._current: ItemForm | None = None

    def compose(self) -> ComposeResult:
        # Question, guidance and example in one widget: one resize per item, not three.
        # A WrappedStatic (避头尾), wrapped as it is measured: no re-wrap after the layout.
        yield WrappedStatic("", id="item-intro")

    def show(self, item: Item, answers: Mapping[str, Any]) -> None:
        """Show ``item`` with what its fields hold (answers, drafts, defaults).
        Its form is mounted the first time and kept; shown again, only an
        editor whose value changed elsewhere meanwhile is bound afresh."""
        self.item = item
        self._show_intro()
        form = self.forms.get(item.id)
        if form is None:
            form = self._new_form(item, answers)
            self.forms[item.id] = form
            self.mount(form)
        else:
            self._refresh_form(form, answers)
            self._arrive(form)
        if self._current is not None and self._current is not form:
            self._leave(self._current)
        form.display = True
        self._current = form
        self.editors = form.editors
        self.scroll_home(animate=False)

    def _new_form(self, item: Item, answers: Mapping[str, Any]) -> ItemForm:
        editors: list[FieldEditor] = []
        shown: dict[str, Any] = {}
        for f in item.fields:
            value = answers.get(f.path)
            editor = editor_class(f.type)(f, value, readonly=self.readonly, sink=self._input)
            self._prepare(editor, f.path)
            editors.append(editor)
            shown[f.path] = value
        return ItemForm(item, editors, shown)

    def _refresh_form(self, form: ItemForm, answers: Mapping[str, Any]) -> None:
        for editor in form.editors:
            value = answers.get(editor.path)
            if form.shown.get(editor.path) != value:
                self._prepare(editor, editor.path)
                editor.bind(editor.field, value, readonly=self.readonly, sink=self._input)
                form.shown[editor.path] = value

    @staticmethod
    def _leave(form: ItemForm) -> None:
        """Hide the form left; a deletion can no longer be undone there (Ctrl+Z is the item's)."""
        form.display = False
        for editor in form.editors:
            if isinstance(editor, GroupEditor) and editor.undo is not None:
                editor.undo = None
                editor.refresh_message()

    @staticmethod
    def _arrive(form: ItemForm) -> None:
        """Coming back to an item: typing adds to what each input holds (as
        on the first visit), wherever the cursor was left."""
        for widget in form.query(_TEXT_INPUTS):
            if isinstance(widget, LineInput):
                widget.cursor_position = len(widget.value)
            elif isinstance(widget, BlockInput) and widget.cursor_location != widget.document.end:
                widget.move_cursor(widget.document.end)

    def prepare(self, item: Item, answers: Mapping[str, Any]) -> None:
        """Mount ``item``'s form ahead, hidden (the next item, while the user
        is on this one), so that moving there mounts nothing."""
        if item.id in self.forms or item is self.item:
            return
        form = self._new_form(item, answers)
        form.display = False
        self.forms[item.id] = form
        self.mount(form)

    def _input(self, path: str, raw: Any) -> str | None:
        """An editor's change: to the session; the form notes what its editor now shows."""
        error = self.sink(path, raw) if self.sink is not None else None
        forms = [self._current] if self._current is not None else []
        for form in forms + list(self.forms.values()):
            if path in form.shown:
                form.shown[path] = self._session_shown(path) if self._session_shown is not None else raw
                break
        return error

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

    def focus_first(self, done: Callable[[], None] | None = None, *, until: float | None = None) -> None:
        """Focus the first field's input once every editor of the item is
        mounted (a new form takes a few refreshes, a group of many entries
        more; Tab would skip what is not there yet), and then call ``done``,
        also when that cannot be (after :data:`READY_WAIT` seconds)."""
        until = time.monotonic() + READY_WAIT if until is None else until
        if not self.readonly and time.monotonic() < until and not all(editor.ready for editor in self.editors):
            self.call_after_refresh(self.focus_first, done, until=until)
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
