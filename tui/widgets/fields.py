"""One editor widget per field type, validated as the user types.

Every editor is a :class:`FieldEditor`: a label line, the input widget(s)
for its type, and a message line right under them (the live validation
error, or what the checks say about the saved answer: still to fill, a
norm warning, a copied answer to confirm). Editors post
:class:`FieldEditor.Changed` with the value to save: the canonical value
when it validates, otherwise what the user typed (kept, never lost, and
shown as an error until corrected).

Editors are rebindable: :meth:`FieldEditor.bind` shows another field of
the same kind in the same widgets, so moving from item to item updates a
few widgets instead of mounting new ones (mounting is what makes a
terminal UI feel slow).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, SelectionList, TextArea

from workflows.model import Field
from workflows.values import AnswerError, coerce

# White space between two non-ASCII characters: left by YAML line folding
# in Chinese text, where it would show as a stray gap and a bad line break.
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \t\r\n]+(?=[^\x00-\x7f])")

_INPUTS = "Input, TextArea, Select, SelectionList, RadioSet, Button"


def tidy(text: str) -> str:
    """Chinese prose from a workflow file, without folding gaps."""
    return _CJK_GAP.sub("", text.strip())


def value_text(f: Field, value: Any) -> str:
    """A stored value as the text an input shows."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def check_value(f: Field, raw: Any, path: str | None = None) -> tuple[Any, str | None]:
    """(value to save, error message or None) for what the user entered."""
    try:
        return coerce(f, raw, path), None
    except AnswerError as exc:
        return raw, exc.message


class LineInput(Input):
    """A one-line input: pasting several lines joins them instead of dropping
    all but the first."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text and ("\n" in event.text or "\r" in event.text):
            joined = "".join(line.strip() for line in event.text.splitlines())
            event.stop()
            event.prevent_default()
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(joined)
            else:
                self.replace(joined, *selection)
            return
        super()._on_paste(event)


class FieldEditor(Vertical):
    """Base class: label, input widgets (``compose_input``), message line."""

    # The label is the border title, the message the border subtitle: a
    # field is its container plus its input widget(s), nothing more (every
    # widget costs time whenever the form changes).
    DEFAULT_CSS = """
    FieldEditor {
        height: auto;
        padding-left: 1;
        border-top: blank;
        border-bottom: blank;
        border-title-align: left;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-align: left;
        border-subtitle-color: $text-muted;
    }
    FieldEditor.-msg-error { border-subtitle-color: $text-error; }
    FieldEditor.-msg-warning { border-subtitle-color: $text-warning; }
    FieldEditor.-msg-copied { border-subtitle-color: $text-accent; }
    """

    # Field types this editor can show.
    KINDS: tuple[str, ...] = ()

    class Changed(Message):
        """The user changed the field; ``value`` is what to save."""

        def __init__(self, editor: "FieldEditor", value: Any, error: str | None) -> None:
            super().__init__()
            self.editor = editor
            self.path = editor.path
            self.value = value
            self.error = error

        @property
        def control(self) -> "FieldEditor":
            return self.editor

    def __init__(self, field: Field, value: Any, *, path: str | None = None, readonly: bool = False) -> None:
        super().__init__(classes="field")
        self.field = field
        self.path = path or field.path
        self.initial = value
        self.readonly = readonly
        self.error: str | None = None
        # Filled by the wizard from the checks: [(severity, message)], copied-from year.
        self._notes: list[tuple[str, str]] = []
        self._from_year: int | None = None
        # What the widgets held when last loaded or reported: change events
        # that do not change it (e.g. those following a programmatic load)
        # are not the user's and are ignored.
        self._baseline: Any = None
        self._message_shown: tuple[str, str] | None = None

    # ----------------------------------------------------------- layout

    def label_text(self) -> Text:
        f = self.field
        text = Text(f.label)
        if f.unit:
            text.append(f"（{f.unit}）")
        if f.required:
            text.append(" *", style="bold red")
        hint = self.type_hint()
        if hint:
            text.append(f"  {hint}", style="dim")
        return text

    def type_hint(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        yield from self.compose_input()

    def compose_input(self) -> ComposeResult:
        """The input widgets; each subclass yields its own."""
        yield from ()

    def on_mount(self) -> None:
        self._load()

    def bind(self, field: Field, value: Any, *, path: str | None = None, readonly: bool = False) -> None:
        """Show another field (of a kind this editor handles) in the same widgets."""
        self.field = field
        self.path = path or field.path
        self.initial = value
        self.readonly = readonly
        self._notes = []
        self._from_year = None
        if self.is_mounted:
            self._load()

    def _load(self) -> None:
        f = self.field
        if not self.has_class(f"field-{f.type}"):
            self.set_classes(f"field field-{f.type}")
            self._message_shown = None  # its message class went with the others
        self.border_title = self.label_text()
        self.fill(self.initial)
        for widget in self.query(_INPUTS):
            if isinstance(widget, TextArea):
                widget.read_only = self.readonly
            elif not isinstance(widget, Button) or self.readonly:
                widget.disabled = self.readonly
        self._baseline = self.raw()
        # A stored value that does not validate (e.g. the workflow changed) shows its error.
        if self.initial is not None:
            _value, self.error = check_value(f, self.initial, self.path)
        else:
            self.error = None
        self._show_message()

    # ------------------------------------------------------------ values

    def fill(self, value: Any) -> None:
        """Put ``value`` into the widgets; subclasses fill theirs."""

    def raw(self) -> Any:
        """What the widgets hold now (text, list, bool…); subclasses read theirs."""
        return self.initial

    def set_value(self, value: Any) -> None:
        """Show ``value`` (e.g. after an import) without reporting a change."""
        self.initial = value
        self._load()

    def focus_input(self, scroll_visible: bool = True) -> None:
        """Focus the first input now (not after the next refresh, as
        ``Widget.focus`` does, so that keys typed right away land here)."""
        widget = self.first_focusable()
        if widget is not None:
            self.screen.set_focus(widget, scroll_visible=scroll_visible)

    def first_focusable(self) -> Widget | None:
        for widget in self.query(_INPUTS):
            if widget.focusable and widget.display:
                return widget
        return None

    def emit(self) -> None:
        """Validate what is shown and tell the form (if it really changed)."""
        raw = self.raw()
        if raw == self._baseline:
            return
        self._baseline = raw
        value, self.error = check_value(self.field, raw, self.path)
        self._show_message()
        self.post_message(self.Changed(self, value, self.error))

    # ---------------------------------------------------------- messages

    def set_notes(self, notes: Iterable[tuple[str, str]], from_year: int | None = None) -> None:
        """What the checks say about the saved answer, and its copied-from year."""
        notes = list(notes)
        if notes == self._notes and from_year == self._from_year:
            return
        self._notes = notes
        self._from_year = from_year
        self._show_message()

    def extra_line(self) -> str:
        """A status line of the editor itself (e.g. a count of entries)."""
        return ""

    def message_text(self) -> tuple[str, str]:
        """(text, css class) of the message line: the problems, else the
        editor's own status (a count of entries, say)."""
        lines = self._problem_lines()
        if not lines:
            extra = self.extra_line()
            lines = [(extra, "field-pending")] if extra else []
        if not lines:
            return "", ""
        return "；".join(line for line, _ in lines), lines[0][1]

    def _problem_lines(self) -> list[tuple[str, str]]:
        if self.error:
            return [(f"✖ {self.error}", "field-error")]
        lines: list[tuple[str, str]] = []
        for severity, note in self._notes:
            if severity == "pending":
                plain = note == f"“{self.field.label}”尚未填写"
                lines.append(("◌ 必填，尚未填写" if plain else f"◌ {note}", "field-pending"))
            elif severity == "error":
                lines.append((f"✖ {note}", "field-error"))
            else:
                lines.append((f"! {note}", "field-warning"))
        if self._from_year is not None:
            lines.append((f"↺ 沿用{self._from_year}年的答案，请核对（修改或按 Ctrl+G 确认）", "field-copied"))
        return lines

    def _show_message(self) -> None:
        text, css = self.message_text()
        if self._message_shown == (text, css):
            return
        self._message_shown = (text, css)
        self.border_subtitle = Text(text) if text else None
        for kind in ("error", "warning", "copied"):
            self.set_class(css == f"field-{kind}", f"-msg-{kind}")


class LineEditor(FieldEditor):
    """count, year, date and one-line text."""

    KINDS = ("count", "year", "date", "text")

    DEFAULT_CSS = """
    LineEditor.field-count Input, LineEditor.field-year Input { width: 24; }
    LineEditor.field-date Input { width: 24; }
    """

    PLACEHOLDERS = {"count": "整数，约数写“20余”", "year": "如 2025", "date": "如 2026-01-08"}

    def compose_input(self) -> ComposeResult:
        yield LineInput(compact=True, select_on_focus=False)

    def type_hint(self) -> str:
        f = self.field
        if f.type == "text" and f.max_length:
            return f"（不超过{f.max_length}字）"
        return ""

    def fill(self, value: Any) -> None:
        f = self.field
        line = self.query_one(Input)
        line.placeholder = f.placeholder or self.PLACEHOLDERS.get(f.type, "")
        line.value = value_text(f, value)
        line.cursor_position = len(line.value)

    def raw(self) -> Any:
        return self.query_one(Input).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.emit()


class TextBlockEditor(FieldEditor):
    """longtext (free text) and list / titles (one entry per line)."""

    KINDS = ("longtext", "list", "titles")

    DEFAULT_CSS = """
    TextBlockEditor TextArea { height: auto; min-height: 4; max-height: 10; }
    """

    def compose_input(self) -> ComposeResult:
        yield TextArea(soft_wrap=True, compact=True)

    def type_hint(self) -> str:
        f = self.field
        if f.type == "titles":
            return "（每行一个文件标题，书名号会自动加上）"
        if f.type == "list":
            return "（每行一条）"
        if f.max_length:
            return f"（可多行，可粘贴；不超过{f.max_length}字）"
        return "（可多行，可粘贴）"

    def extra_line(self) -> str:
        return self._count_text(self.query_one(TextArea).text)

    def _count_text(self, text: str) -> str:
        if self.field.type == "longtext":
            return f"{sum(1 for ch in text if not ch.isspace())} 字"
        lines = [line for line in text.splitlines() if line.strip()]
        limit = f"，最多{self.field.max_items}条" if self.field.max_items else ""
        return f"共 {len(lines)} 条{limit}"

    def fill(self, value: Any) -> None:
        f = self.field
        area = self.query_one(TextArea)
        area.placeholder = f.placeholder or ("每行一条" if f.type != "longtext" else "")
        text = value_text(f, value)
        if area.text != text:
            area.load_text(text)

    def raw(self) -> Any:
        return self.query_one(TextArea).text

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.emit()
        self._show_message()


class ChoiceEditor(FieldEditor):
    """choice: a drop-down of the options, plus a line for another value when allowed."""

    KINDS = ("choice",)

    DEFAULT_CSS = """
    ChoiceEditor Select { width: 1fr; }
    ChoiceEditor .choice-custom { margin-top: 1; }
    """

    def compose_input(self) -> ComposeResult:
        yield Select([], prompt="（请选择）", allow_blank=True, compact=True)
        yield LineInput(placeholder="或在这里填写其他内容", compact=True, classes="choice-custom")

    def fill(self, value: Any) -> None:
        f = self.field
        current = value if isinstance(value, str) else None
        in_options = current in f.options
        select = self.query_one(Select)
        select.set_options([(Text(option), option) for option in f.options])
        select.value = current if in_options else Select.NULL
        custom = self.query_one(Input)
        custom.display = f.custom
        custom.value = "" if in_options or current is None else current

    def raw(self) -> Any:
        if self.field.custom:
            custom = self.query_one(Input).value.strip()
            if custom:
                return custom
        selected = self.query_one(Select).value
        return None if selected is Select.NULL else selected

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        if self.field.custom and event.value is not Select.NULL and self.raw() != event.value:
            self.query_one(Input).value = ""  # a chosen option replaces another value
        self.emit()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.emit()


class MultiEditor(FieldEditor):
    """multi: tick options (Space), plus other entries one per line when allowed."""

    KINDS = ("multi",)

    DEFAULT_CSS = """
    MultiEditor SelectionList { height: auto; max-height: 12; }
    MultiEditor TextArea { height: auto; min-height: 2; max-height: 6; margin-top: 1; }
    """

    def compose_input(self) -> ComposeResult:
        yield SelectionList[str](compact=True)
        yield TextArea(soft_wrap=True, compact=True, placeholder="其他（不在上列选项中的，每行一条）")

    def type_hint(self) -> str:
        return "（空格键勾选）"

    def fill(self, value: Any) -> None:
        f = self.field
        chosen = list(value) if isinstance(value, list) else []
        selection = self.query_one(SelectionList)
        selection.clear_options()
        selection.add_options([(Text(option), option, option in chosen) for option in f.options])
        area = self.query_one(TextArea)
        area.display = f.custom
        extra = "\n".join(str(v) for v in chosen if v not in f.options)
        if area.text != extra:
            area.load_text(extra)

    def raw(self) -> Any:
        chosen = list(self.query_one(SelectionList).selected)
        ordered = [option for option in self.field.options if option in chosen]
        if self.field.custom:
            ordered += [line.strip() for line in self.query_one(TextArea).text.splitlines() if line.strip()]
        return ordered

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.emit()

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.emit()


class BoolEditor(FieldEditor):
    """bool: 是 / 否."""

    KINDS = ("bool",)

    DEFAULT_CSS = """
    BoolEditor RadioSet { layout: horizontal; height: auto; width: auto; }
    BoolEditor RadioButton { width: auto; margin-right: 2; }
    """

    def compose_input(self) -> ComposeResult:
        with RadioSet(compact=True):
            yield RadioButton("是")
            yield RadioButton("否")

    def fill(self, value: Any) -> None:
        yes, no = self.query(RadioButton)
        if value is True:
            yes.value = True
        elif value is False:
            no.value = True
        else:
            yes.value = False
            no.value = False

    def raw(self) -> Any:
        yes, no = self.query(RadioButton)
        return True if yes.value else False if no.value else None

    @on(RadioSet.Changed)
    def _pressed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.emit()


class GroupEntry(Vertical):
    """One entry of a repeatable group: its sub-field editors and a delete button."""

    DEFAULT_CSS = """
    GroupEntry { height: auto; border: round $primary 50%; padding: 0 1; margin-bottom: 1; }
    GroupEntry .entry-head { height: 1; }
    GroupEntry .entry-title { width: 1fr; text-style: bold; }
    GroupEntry Button { min-width: 10; height: 1; border: none; }
    """

    def __init__(self, group: Field, index: int, values: dict[str, Any], readonly: bool, path: str) -> None:
        super().__init__()
        self.group = group
        self.index = index
        self.values = values
        self.readonly = readonly
        self.path = path

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-head"):
            yield Label(f"第 {self.index + 1} 条", classes="entry-title")
            yield Button("删除本条", classes="entry-delete", compact=True, disabled=self.readonly)
        for sub in self.group.fields:
            path = f"{self.path}[{self.index + 1}].{sub.id}"
            yield make_editor(sub, self.values.get(sub.id), path=path, readonly=self.readonly)

    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for editor in self.query_children(FieldEditor).results(FieldEditor):
            value, _error = check_value(editor.field, editor.raw(), editor.path)
            if value is not None and value != "" and value != []:
                out[editor.field.id] = value
        return out


class GroupEditor(FieldEditor):
    """group: repeatable entries, each a small form; add and delete entries."""

    KINDS = ("group",)

    DEFAULT_CSS = """
    GroupEditor .group-entries { height: auto; }
    GroupEditor .group-add { height: 1; min-width: 16; border: none; }
    """

    class DeleteRequested(Message):
        def __init__(self, editor: "GroupEditor", entry: GroupEntry) -> None:
            super().__init__()
            self.editor = editor
            self.entry = entry

    def compose_input(self) -> ComposeResult:
        yield Vertical(classes="group-entries")
        yield Button("＋ 添加一条", classes="group-add", compact=True)

    def type_hint(self) -> str:
        f = self.field
        if f.max_items:
            return f"（可添加多条，最多{f.max_items}条）"
        return "（可添加多条）"

    def _entry_values(self) -> list[dict[str, Any]]:
        entries = self.initial if isinstance(self.initial, list) else []
        return [entry if isinstance(entry, dict) else {} for entry in entries]

    def fill(self, value: Any) -> None:
        entries = value if isinstance(value, list) else []
        self._rebuild([entry if isinstance(entry, dict) else {} for entry in entries])

    def _rebuild(self, values: list[dict[str, Any]]) -> None:
        container = self.query_one(".group-entries", Vertical)
        container.remove_children()
        container.mount_all(
            [GroupEntry(self.field, i, v, self.readonly, self.path) for i, v in enumerate(values)]
        )
        self.query_one(".group-add", Button).disabled = self.readonly

    def raw(self) -> Any:
        # Entries being mounted are not queryable yet: fall back to what was loaded.
        entries = self.entries()
        if not entries and self._entry_values():
            return [dict(v) for v in self._entry_values()]
        return [entry.raw() for entry in entries]

    def entries(self) -> list[GroupEntry]:
        return list(self.query(GroupEntry))

    def add_entry(self) -> None:
        if self.field.max_items is not None and len(self.entries()) >= self.field.max_items:
            self.app.notify(f"“{self.field.label}”最多{self.field.max_items}条", severity="warning")
            return
        entry = GroupEntry(self.field, len(self.entries()), {}, self.readonly, self.path)
        self.query_one(".group-entries", Vertical).mount(entry)
        self.call_after_refresh(self._focus_entry, entry)

    def _focus_entry(self, entry: GroupEntry, attempts: int = 3) -> None:
        for editor in entry.query(FieldEditor):
            if editor.first_focusable() is not None:
                editor.focus_input()
                return
        if attempts > 0:  # the entry's editors are still being mounted
            self.call_after_refresh(self._focus_entry, entry, attempts - 1)

    async def delete_entry(self, entry: GroupEntry) -> None:
        values = [e.raw() for e in self.entries() if e is not entry]
        self.initial = values
        container = self.query_one(".group-entries", Vertical)
        await container.remove_children()
        # Rebuilt so that the entry numbers (and field paths) follow.
        await container.mount_all(
            [GroupEntry(self.field, i, v, self.readonly, self.path) for i, v in enumerate(values)]
        )
        self.emit()

    @on(Button.Pressed, ".group-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        self.add_entry()

    @on(Button.Pressed, ".entry-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        entry = next((a for a in event.button.ancestors if isinstance(a, GroupEntry)), None)
        if entry is not None:
            self.post_message(self.DeleteRequested(self, entry))

    def on_field_editor_changed(self, event: FieldEditor.Changed) -> None:
        if event.editor is self:
            return
        event.stop()
        self.emit()


EDITORS: tuple[type[FieldEditor], ...] = (
    LineEditor,
    TextBlockEditor,
    ChoiceEditor,
    MultiEditor,
    BoolEditor,
    GroupEditor,
)


def editor_class(kind: str) -> type[FieldEditor]:
    for cls in EDITORS:
        if kind in cls.KINDS:
            return cls
    raise ValueError(f"unknown field type {kind!r}")


def make_editor(f: Field, value: Any, *, path: str | None = None, readonly: bool = False) -> FieldEditor:
    """A new editor for a field's type."""
    return editor_class(f.type)(f, value, path=path, readonly=readonly)
