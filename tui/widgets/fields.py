"""One editor widget per field type, validated as the user types.

Every editor is a :class:`FieldEditor`: a label line, the input widget(s)
for its type, and a message line right under them (the live validation
error, or what the checks say about the saved answer: still to fill, a
norm warning, a copied answer to confirm). Editors post
:class:`FieldEditor.Changed` with the value to save: the canonical value
when it validates, otherwise what the user typed (kept, never lost, and
shown as an error until corrected).
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
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, SelectionList, Static, TextArea

from workflows.model import Field
from workflows.values import AnswerError, coerce

# White space between two non-ASCII characters: left by YAML line folding
# in Chinese text, where it would show as a stray gap and a bad line break.
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \t\r\n]+(?=[^\x00-\x7f])")


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

    DEFAULT_CSS = """
    FieldEditor { height: auto; margin-bottom: 1; }
    FieldEditor .field-label { width: 1fr; color: $text; text-style: bold; }
    FieldEditor .field-help { color: $text-muted; display: none; }
    FieldEditor:focus-within .field-help { display: block; }
    FieldEditor .field-message { height: auto; }
    FieldEditor .field-message.-empty { display: none; }
    """

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
        super().__init__(classes=f"field field-{field.type}")
        self.field = field
        self.path = path or field.path
        self.initial = value
        self.readonly = readonly
        self.error: str | None = None
        # Filled by the wizard from the checks: [(severity, message)], copied-from year.
        self._notes: list[tuple[str, str]] = []
        self._from_year: int | None = None
        # While True, widget change events come from set_value, not the user.
        self._loading = False

    # ----------------------------------------------------------- layout

    def label_text(self) -> Text:
        f = self.field
        text = Text(f.label)
        if f.required:
            text.append(" *", style="bold red")
        hint = self.type_hint()
        if hint:
            text.append(f"  {hint}", style="dim")
        return text

    def type_hint(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        yield Label(self.label_text(), classes="field-label")
        yield from self.compose_input()
        yield Static("", classes="field-message -empty", markup=False)
        if self.field.help:
            yield Static(tidy(self.field.help), classes="field-help", markup=False)

    def compose_input(self) -> ComposeResult:
        """The input widgets; each subclass yields its own."""
        yield from ()

    def on_mount(self) -> None:
        if self.readonly:
            for widget in self.query("Input, TextArea, Select, SelectionList, RadioSet, Button"):
                if isinstance(widget, TextArea):
                    widget.read_only = True
                else:
                    widget.disabled = True
        # Show a stored value that does not validate (e.g. the workflow changed).
        if self.initial is not None and not isinstance(self, GroupEditor):
            _value, self.error = check_value(self.field, self.initial, self.path)
            self._show_message()

    # ------------------------------------------------------------ values

    def raw(self) -> Any:
        """What the widgets hold now (text, list, bool…); subclasses read their widgets."""
        return self.initial

    def set_value(self, value: Any) -> None:
        """Show ``value`` (e.g. after an import) without posting Changed;
        subclasses fill their widgets."""
        self.initial = value

    def focus_input(self) -> None:
        for widget in self.query("Input, TextArea, Select, SelectionList, RadioSet, Button"):
            if widget.focusable:
                widget.focus()
                return

    def first_focusable(self) -> Widget | None:
        for widget in self.query("Input, TextArea, Select, SelectionList, RadioSet, Button"):
            if widget.focusable:
                return widget
        return None

    def emit(self) -> None:
        """Validate what is shown and tell the form."""
        if self._loading:
            return
        value, self.error = check_value(self.field, self.raw(), self.path)
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

    def _show_message(self) -> None:
        message = self.query_one(".field-message", Static)
        text = Text()
        css = ""
        if self.error:
            text.append(f"✖ {self.error}")
            css = "field-error"
        else:
            lines = []
            for severity, note in self._notes:
                if severity == "pending":
                    lines.append(("◌ 必填，尚未填写" if note.endswith("尚未填写") and "第" not in note else f"◌ {note}", "field-pending"))
                elif severity == "error":
                    lines.append((f"✖ {note}", "field-error"))
                else:
                    lines.append((f"! {note}", "field-warning"))
            if self._from_year is not None:
                lines.append((f"↺ 沿用{self._from_year}年的答案，请核对（修改或按 Ctrl+G 确认）", "field-copied"))
            if lines:
                text = Text("\n".join(line for line, _ in lines))
                css = lines[0][1]
        message.update(text)
        message.set_classes(f"field-message {css}" + ("" if text.plain else " -empty"))


class LineEditor(FieldEditor):
    """count, year, date and one-line text."""

    DEFAULT_CSS = """
    LineEditor .line-row { height: 1; }
    LineEditor .field-unit { width: auto; margin-left: 1; color: $text-muted; }
    LineEditor.field-count Input, LineEditor.field-year Input { width: 14; }
    LineEditor.field-date Input { width: 20; }
    """

    PLACEHOLDERS = {"count": "整数，约数写“20余”", "year": "如 2025", "date": "如 2026-01-08"}

    def compose_input(self) -> ComposeResult:
        f = self.field
        placeholder = f.placeholder or self.PLACEHOLDERS.get(f.type, "")
        with Horizontal(classes="line-row"):
            yield LineInput(value_text(f, self.initial), placeholder=placeholder, compact=True, select_on_focus=False)
            if f.unit:
                yield Label(f.unit, classes="field-unit")

    def type_hint(self) -> str:
        f = self.field
        if f.type == "text" and f.max_length:
            return f"（不超过{f.max_length}字）"
        return ""

    def raw(self) -> Any:
        return self.query_one(Input).value

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.query_one(Input).value = value_text(self.field, value)
        finally:
            self._loading = False
        _v, self.error = check_value(self.field, value, self.path)
        self._show_message()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.emit()


class TextBlockEditor(FieldEditor):
    """longtext (free text) and list / titles (one entry per line)."""

    DEFAULT_CSS = """
    TextBlockEditor TextArea { height: auto; min-height: 4; max-height: 10; }
    TextBlockEditor .field-count-line { color: $text-muted; height: 1; }
    """

    def compose_input(self) -> ComposeResult:
        f = self.field
        placeholder = f.placeholder or ("每行一条" if f.type != "longtext" else "")
        yield TextArea(value_text(f, self.initial), soft_wrap=True, placeholder=placeholder, compact=True)
        yield Static(self._count_text(value_text(f, self.initial)), classes="field-count-line")

    def type_hint(self) -> str:
        f = self.field
        if f.type == "titles":
            return "（每行一个文件标题，书名号会自动加上）"
        if f.type == "list":
            return "（每行一条）"
        if f.max_length:
            return f"（可多行，可粘贴；不超过{f.max_length}字）"
        return "（可多行，可粘贴）"

    def _count_text(self, text: str) -> str:
        if self.field.type == "longtext":
            return f"{sum(1 for ch in text if not ch.isspace())} 字"
        lines = [line for line in text.splitlines() if line.strip()]
        limit = f"，最多{self.field.max_items}条" if self.field.max_items else ""
        return f"共 {len(lines)} 条{limit}"

    def raw(self) -> Any:
        return self.query_one(TextArea).text

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.query_one(TextArea).load_text(value_text(self.field, value))
        finally:
            self._loading = False
        self.query_one(".field-count-line", Static).update(self._count_text(value_text(self.field, value)))
        _v, self.error = check_value(self.field, value, self.path)
        self._show_message()

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._loading:
            return
        self.query_one(".field-count-line", Static).update(self._count_text(event.text_area.text))
        self.emit()


class ChoiceEditor(FieldEditor):
    """choice: a drop-down of the options, plus a line for another value when allowed."""

    DEFAULT_CSS = """
    ChoiceEditor Select { width: 1fr; }
    ChoiceEditor .choice-custom-row { height: 1; margin-top: 1; }
    ChoiceEditor .choice-custom-label { width: auto; color: $text-muted; }
    """

    def compose_input(self) -> ComposeResult:
        f = self.field
        current = self.initial if isinstance(self.initial, str) else None
        in_options = current in f.options
        yield Select(
            [(option, option) for option in f.options],
            prompt="（请选择）",
            value=current if in_options else Select.NULL,
            allow_blank=True,
            compact=True,
        )
        if f.custom:
            with Horizontal(classes="choice-custom-row"):
                yield Label("或自行填写：", classes="choice-custom-label")
                yield LineInput("" if in_options or current is None else current, compact=True)

    def raw(self) -> Any:
        if self.field.custom:
            custom = self.query_one(Input).value.strip()
            if custom:
                return custom
        selected = self.query_one(Select).value
        return None if selected is Select.NULL else selected

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            in_options = value in self.field.options
            self.query_one(Select).value = value if in_options else Select.NULL
            if self.field.custom:
                self.query_one(Input).value = "" if in_options or value is None else str(value)
        finally:
            self._loading = False

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        if self._loading:
            return
        if self.field.custom and event.value is not Select.NULL:
            self._loading = True
            try:
                self.query_one(Input).value = ""
            finally:
                self._loading = False
        self.emit()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.emit()


class MultiEditor(FieldEditor):
    """multi: tick options (Space), plus other entries one per line when allowed."""

    DEFAULT_CSS = """
    MultiEditor SelectionList { height: auto; max-height: 12; }
    MultiEditor .multi-custom-label { color: $text-muted; margin-top: 1; }
    MultiEditor TextArea { height: auto; min-height: 2; max-height: 6; }
    """

    def compose_input(self) -> ComposeResult:
        f = self.field
        chosen = list(self.initial) if isinstance(self.initial, list) else []
        yield SelectionList[str](*[(option, option, option in chosen) for option in f.options], compact=True)
        if f.custom:
            extra = [v for v in chosen if v not in f.options]
            yield Label("其他（每行一条）：", classes="multi-custom-label")
            yield TextArea("\n".join(extra), soft_wrap=True, compact=True)

    def type_hint(self) -> str:
        return "（空格键勾选）"

    def raw(self) -> Any:
        chosen = list(self.query_one(SelectionList).selected)
        ordered = [option for option in self.field.options if option in chosen]
        if self.field.custom:
            ordered += [line.strip() for line in self.query_one(TextArea).text.splitlines() if line.strip()]
        return ordered

    def set_value(self, value: Any) -> None:
        chosen = list(value) if isinstance(value, list) else []
        self._loading = True
        try:
            selection = self.query_one(SelectionList)
            selection.deselect_all()
            for option in chosen:
                if option in self.field.options:
                    selection.select(option)
            if self.field.custom:
                self.query_one(TextArea).load_text("\n".join(v for v in chosen if v not in self.field.options))
        finally:
            self._loading = False

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

    DEFAULT_CSS = """
    BoolEditor RadioSet { layout: horizontal; height: auto; width: auto; }
    BoolEditor RadioButton { margin-right: 2; }
    """

    def compose_input(self) -> ComposeResult:
        with RadioSet(compact=True):
            yield RadioButton("是", value=self.initial is True)
            yield RadioButton("否", value=self.initial is False)

    def raw(self) -> Any:
        index = self.query_one(RadioSet).pressed_index
        return None if index < 0 else index == 0

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            buttons = list(self.query(RadioButton))
            if value is True:
                buttons[0].value = True
            elif value is False:
                buttons[1].value = True
            else:
                for button in buttons:
                    button.value = False
        finally:
            self._loading = False

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

    def __init__(self, group: Field, index: int, values: dict[str, Any], readonly: bool) -> None:
        super().__init__()
        self.group = group
        self.index = index
        self.values = values
        self.readonly = readonly

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-head"):
            yield Label(f"第 {self.index + 1} 条", classes="entry-title")
            yield Button("删除本条", classes="entry-delete", compact=True, disabled=self.readonly)
        for sub in self.group.fields:
            path = f"{self.group.path}[{self.index + 1}].{sub.id}"
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
        entries = self.initial if isinstance(self.initial, list) else []
        with Vertical(classes="group-entries"):
            for index, values in enumerate(entries):
                yield GroupEntry(self.field, index, values if isinstance(values, dict) else {}, self.readonly)
        yield Button("＋ 添加一条", classes="group-add", compact=True, disabled=self.readonly)

    def type_hint(self) -> str:
        f = self.field
        if f.max_items:
            return f"（可添加多条，最多{f.max_items}条）"
        return "（可添加多条）"

    def raw(self) -> Any:
        return [entry.raw() for entry in self.query(GroupEntry)]

    def entries(self) -> list[GroupEntry]:
        return list(self.query(GroupEntry))

    def set_value(self, value: Any) -> None:
        entries = value if isinstance(value, list) else []
        container = self.query_one(".group-entries", Vertical)
        container.remove_children()
        container.mount_all(
            [GroupEntry(self.field, i, v if isinstance(v, dict) else {}, self.readonly) for i, v in enumerate(entries)]
        )

    def add_entry(self) -> None:
        if self.field.max_items is not None and len(self.entries()) >= self.field.max_items:
            self.app.notify(f"“{self.field.label}”最多{self.field.max_items}条", severity="warning")
            return
        entry = GroupEntry(self.field, len(self.entries()), {}, self.readonly)
        self.query_one(".group-entries", Vertical).mount(entry)
        self.call_after_refresh(self._focus_entry, entry)

    def _focus_entry(self, entry: GroupEntry) -> None:
        for editor in entry.query(FieldEditor):
            editor.focus_input()
            entry.scroll_visible()
            return

    async def delete_entry(self, entry: GroupEntry) -> None:
        values = [e.raw() for e in self.entries() if e is not entry]
        await entry.remove()
        for index, remaining in enumerate(self.entries()):
            remaining.index = index
        # Renumber by rebuilding: paths carry the entry number.
        container = self.query_one(".group-entries", Vertical)
        await container.remove_children()
        await container.mount_all(
            [GroupEntry(self.field, i, v, self.readonly) for i, v in enumerate(values)]
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


def make_editor(f: Field, value: Any, *, path: str | None = None, readonly: bool = False) -> FieldEditor:
    """The editor for a field's type."""
    kind = f.type
    if kind in ("count", "year", "date", "text"):
        return LineEditor(f, value, path=path, readonly=readonly)
    if kind in ("longtext", "list", "titles"):
        return TextBlockEditor(f, value, path=path, readonly=readonly)
    if kind == "choice":
        return ChoiceEditor(f, value, path=path, readonly=readonly)
    if kind == "multi":
        return MultiEditor(f, value, path=path, readonly=readonly)
    if kind == "bool":
        return BoolEditor(f, value, path=path, readonly=readonly)
    if kind == "group":
        return GroupEditor(f, value, path=path, readonly=readonly)
    raise ValueError(f"unknown field type {kind!r}")
