"""One editor widget per field type, validated as the user types.

Every editor is a :class:`FieldEditor`: a label line, the input widget(s)
for its type, and a message line right under them (the live validation
error, or what the checks say about the saved answer: still to fill, a
norm warning, a copied answer to confirm, a default to accept).

Every change is handed on the moment it happens, in the order typed, to
the editor's ``sink`` (the session's ``input``: the value when it
validates, else a draft, kept and shown as an error until corrected), and
then announced with :class:`FieldEditor.Changed` for the screen to update
what it shows.

Editors are rebindable: :meth:`FieldEditor.bind` shows another field of
the same kind in the same widgets, fully reset to that field's answer, so
moving from item to item updates a few widgets instead of mounting new ones
(mounting is what makes a terminal UI feel slow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, TextArea

from workflows.model import Field
from workflows.render.preview import visible
from workflows.values import validate

from .keys import OrderedKeys, submit_from
from .options import OptionPicker

# A change as it happens: (field path, what the widgets hold) -> error or None.
Sink = Callable[[str, Any], "str | None"]

# White space between two non-ASCII characters: left by YAML line folding
# in Chinese text, where it would show as a stray gap and a bad line break.
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \t\r\n]+(?=[^\x00-\x7f])")

_INPUTS = "Input, TextArea, OptionPicker, Button"


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


class LineInput(OrderedKeys, Input):
    """A one-line input. Keys are handled in order (:mod:`tui.widgets.keys`);
    Enter moves on at once; a paste stays here, its lines joined."""

    async def _type_key(self, event: events.Key) -> bool:
        if event.is_printable and event.character:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *selection)
            return True
        return False

    def on_paste(self, event: events.Paste) -> None:
        try:
            if self._reroute_paste(event):
                return
            event.stop()
            event.prevent_default()
            text = event.text or ""
            if "\n" in text or "\r" in text:
                text = "".join(line.strip() for line in text.splitlines())
            if text:
                selection = self.selection
                if selection.is_empty:
                    self.insert_text_at_cursor(text)
                else:
                    self.replace(text, *selection)
        finally:
            self._key_done()

    async def action_submit(self) -> None:
        if not await submit_from(self):
            await super().action_submit()


class BlockInput(OrderedKeys, TextArea):
    """A multi-line input: keys handled in order; Enter is a new line."""

    async def _type_key(self, event: events.Key) -> bool:
        text = "\n" if event.key == "enter" else event.character
        if text and (event.is_printable or event.key == "enter"):
            if not self.read_only:
                self.replace(text, *self.selection, maintain_selection_offset=False)
            return True
        return False

    def on_paste(self, event: events.Paste) -> None:
        try:
            if not self._reroute_paste(event):
                event.stop()
                event.prevent_default()  # TextArea's own handling, here: line breaks and all
                if event.text and not self.read_only:
                    self.replace(event.text, *self.selection, maintain_selection_offset=False)
        finally:
            self._key_done()


class FieldEditor(Vertical):
    """Base class: label, input widgets (``compose_input``), message line."""

    # The label is the border title, the message the border subtitle: a
    # field is its container plus its input widget(s), nothing more (every
    # widget costs time whenever the form changes).
    DEFAULT_CSS = """
    FieldEditor {
        height: auto;
        border-top: blank;
        border-bottom: blank;
        border-left: blank;
        border-title-align: left;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-align: left;
        border-subtitle-color: $text-muted;
    }
    FieldEditor:focus-within { border-left: thick $accent; }
    FieldEditor FieldEditor:focus-within { border-left: thick $accent; }
    FieldEditor.-msg-error { border-subtitle-color: $text-error; }
    FieldEditor.-msg-warning { border-subtitle-color: $text-warning; }
    FieldEditor.-msg-copied { border-subtitle-color: $text-accent; }
    """

    # Field types this editor can show.
    KINDS: tuple[str, ...] = ()

    class MessageChanged(Message):
        """The message line changed (``error`` when it is an error)."""

        def __init__(self, editor: "FieldEditor", error: bool) -> None:
            super().__init__()
            self.editor = editor
            self.error = error

    class Changed(Message):
        """The user changed the field (already handed to the sink):
        ``value`` is the canonical value, or what was typed when ``error``."""

        def __init__(self, editor: "FieldEditor", value: Any, error: str | None) -> None:
            super().__init__()
            self.editor = editor
            self.path = editor.path
            self.value = value
            self.error = error

        @property
        def control(self) -> "FieldEditor":
            return self.editor

    def __init__(
        self,
        field: Field,
        value: Any,
        *,
        path: str | None = None,
        readonly: bool = False,
        sink: Sink | None = None,
    ) -> None:
        super().__init__(classes="field")
        self.field = field
        self.path = path or field.path
        self.initial = value
        self.readonly = readonly
        self.sink = sink
        self.error: str | None = None
        # Filled by the wizard from the checks: [(severity, message)],
        # copied-from year, a default not accepted yet.
        self._notes: list[tuple[str, str]] = []
        self._from_year: int | None = None
        self._proposed = False
        self._origin = ""  # where a rolled-up value came from
        # What the widgets held when last loaded or reported: changes that
        # do not change it are not the user's and are ignored.
        self._baseline: Any = None
        self._loading = False
        self._loaded = False  # its widgets hold the field's value (after the mount)
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
        for widget in self.children:  # this editor's own inputs (not those of entries)
            if isinstance(widget, OrderedKeys):
                widget.on_edit = self._edited_hook(widget)
        self._load()

    def _edited_hook(self, widget: Widget) -> Callable[[], None]:
        return self.emit

    def bind(
        self, field: Field, value: Any, *, path: str | None = None, readonly: bool = False, sink: Sink | None = None
    ) -> None:
        """Show another field (of a kind this editor handles) in the same
        widgets, reset to ``value``: nothing of the field shown before stays."""
        self.field = field
        self.path = path or field.path
        self.initial = value
        self.readonly = readonly
        self.sink = sink
        self._notes = []
        self._from_year = None
        self._proposed = False
        self._origin = ""
        if self.is_mounted:
            self._load()

    def _load(self) -> None:
        f = self.field
        if not self.has_class(f"field-{f.type}"):
            self.set_classes(f"field field-{f.type}")
            self._message_shown = None  # its message class went with the others
        self.border_title = self.label_text()
        self._loading = True
        try:
            self.fill(self.initial)
        finally:
            self._loading = False
        for widget in self.query(_INPUTS):
            if isinstance(widget, TextArea):
                widget.read_only = self.readonly
            elif not isinstance(widget, Button) or self.readonly:
                widget.disabled = self.readonly
        self._baseline = self.raw()
        self._loaded = True
        # A stored value that does not validate (a draft) shows its error.
        if self.initial is not None:
            _value, self.error = validate(f, self.initial, self.path)
        else:
            self.error = None
        self._show_message()

    # ------------------------------------------------------------ values

    def fill(self, value: Any) -> None:
        """Put ``value`` into the widgets, resetting them; subclasses fill theirs."""

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

    @property
    def ready(self) -> bool:
        """Mounted and showing its field (keys may go to it)."""
        return self._loaded

    def first_focusable(self) -> Widget | None:
        """The first input keys can go to; None while the editor is being
        mounted (what is typed then would be replaced by the field's value)."""
        if not self._loaded:
            return None
        for widget in self.query(_INPUTS):
            if widget.focusable and widget.display:
                return widget
        return None

    def emit(self) -> None:
        """What the widgets hold changed: validate it, hand it to the sink
        at once (in the order typed) and tell the screen."""
        if self._loading:
            return
        raw = self.raw()
        if raw == self._baseline:
            return
        self._baseline = raw
        value, error = validate(self.field, raw, self.path)
        if self.sink is not None:
            error = self.sink(self.path, raw) or error
        self.error = error
        self._proposed = False
        self._from_year = None  # a changed answer is no longer a copy to confirm
        self._show_message()
        self.post_message(self.Changed(self, value if error is None else raw, error))

    # ---------------------------------------------------------- messages

    def set_notes(
        self, notes: Iterable[tuple[str, str]], from_year: int | None = None, proposed: bool = False,
        origin: str = "",
    ) -> None:
        """What the checks say about the saved answer, its copied-from year,
        whether it shows a default not accepted yet, and where a rolled-up
        value came from (``origin``: "由 3 个支部汇总：…")."""
        notes = list(notes)
        if (notes, from_year, proposed, origin) == (self._notes, self._from_year, self._proposed, self._origin):
            return
        self._notes = notes
        self._from_year = from_year
        self._proposed = proposed
        self._origin = origin
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
        # Errors first: what must be corrected is read (and never cut) first.
        lines.sort(key=lambda line: line[1] != "field-error")
        return "；".join(line for line, _ in lines), lines[0][1]

    def _problem_lines(self) -> list[tuple[str, str]]:
        if self.error:
            return [(f"✖ {visible(self.error)}", "field-error")]
        lines: list[tuple[str, str]] = []
        for severity, note in self._notes:
            note = visible(note)
            if severity == "pending":
                plain = note == f"“{self.field.label}”尚未填写"
                lines.append(("◌ 必填，尚未填写" if plain else f"◌ {note}", "field-pending"))
            elif severity == "error":
                lines.append((f"✖ {note}", "field-error"))
            else:
                lines.append((f"! {note}", "field-warning"))
        if self._from_year is not None:
            lines.append((f"↺ 沿用{self._from_year}年的答案，请核对（修改或按 Ctrl+G 确认）", "field-copied"))
        elif self._proposed:
            lines.append(("? 默认内容，请核对；离开本项即视为确认", "field-copied"))
        if self._origin:
            lines.append((f"Σ {visible(self._origin)}", "field-pending"))
        return lines

    def _show_message(self) -> None:
        text, css = self.message_text()
        if self._message_shown == (text, css):
            return
        self._message_shown = (text, css)
        self.border_subtitle = Text(text) if text else None
        for kind in ("error", "warning", "copied"):
            self.set_class(css == f"field-{kind}", f"-msg-{kind}")
        if self.is_attached:
            self.post_message(self.MessageChanged(self, css == "field-error"))


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
        line = self.query_one(LineInput)
        line.placeholder = f.placeholder or self.PLACEHOLDERS.get(f.type, "")
        line.value = value_text(f, value)
        line.cursor_position = len(line.value)
        line.scroll_to(0, animate=False)

    def raw(self) -> Any:
        return self.query_one(LineInput).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()  # handed on already, as it happened (LineInput.on_edit)


class TextBlockEditor(FieldEditor):
    """longtext (free text) and list / titles (one entry per line)."""

    KINDS = ("longtext", "list", "titles")

    DEFAULT_CSS = """
    TextBlockEditor TextArea { height: auto; min-height: 4; max-height: 10; }
    """

    def compose_input(self) -> ComposeResult:
        yield BlockInput(soft_wrap=True, compact=True)

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
        return self._count_text(self.query_one(BlockInput).text)

    def _count_text(self, text: str) -> str:
        if self.field.type == "longtext":
            return f"{sum(1 for ch in text if not ch.isspace())} 字"
        lines = [line for line in text.splitlines() if line.strip()]
        limit = f"，最多{self.field.max_items}条" if self.field.max_items else ""
        return f"共 {len(lines)} 条{limit}"

    def fill(self, value: Any) -> None:
        f = self.field
        area = self.query_one(BlockInput)
        area.placeholder = f.placeholder or ("每行一条" if f.type != "longtext" else "")
        area.load_text(value_text(f, value))  # a fresh document: no undo history
        area.move_cursor(area.document.end)  # typing adds to what is there

    def raw(self) -> Any:
        return self.query_one(BlockInput).text

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._show_message()  # the count of characters or entries


class ChoiceEditor(FieldEditor):
    """choice: the options (● chosen, ○ not), plus a line for another value when allowed."""

    KINDS = ("choice",)

    DEFAULT_CSS = """
    ChoiceEditor .choice-custom { margin-top: 1; }
    """

    def compose_input(self) -> ComposeResult:
        yield OptionPicker()
        yield LineInput(placeholder="或在这里填写其他内容", compact=True, classes="choice-custom")

    def type_hint(self) -> str:
        return "（数字键选择）"

    def fill(self, value: Any) -> None:
        f = self.field
        current = value if isinstance(value, str) else None
        in_options = current in f.options
        self.query_one(OptionPicker).load(f.options, [current] if current is not None and in_options else [])
        custom = self.query_one(LineInput)
        custom.display = f.custom
        custom.value = "" if in_options or current is None else current
        custom.cursor_position = len(custom.value)

    def raw(self) -> Any:
        if self.field.custom:
            custom = self.query_one(LineInput).value.strip()
            if custom:
                return custom
        return self.query_one(OptionPicker).value

    def _edited_hook(self, widget: Widget) -> Callable[[], None]:
        return self._picked if isinstance(widget, OptionPicker) else self._typed

    def _typed(self) -> None:
        if self._loading:
            return
        picker = self.query_one(OptionPicker)
        if self.query_one(LineInput).value.strip() and picker.chosen:
            picker.unpick()  # another value replaces the option: the screen says so
        self.emit()

    def _picked(self) -> None:
        custom = self.query_one(LineInput)
        if self.field.custom and custom.value:
            self._loading = True  # a chosen option replaces another value: one change
            try:
                custom.value = ""
            finally:
                self._loading = False
        self.emit()

    @on(OptionPicker.Changed)
    @on(Input.Changed)
    def _handed_on(self, event: Message) -> None:
        event.stop()


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


BOOL_OPTIONS = ("是", "否")


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


class GroupEntry(Vertical):
    """One entry of a repeatable group: its sub-field editors and a delete button."""

    DEFAULT_CSS = """
    GroupEntry { height: auto; border: round $primary 50%; padding: 0 1; margin-bottom: 1; }
    GroupEntry .entry-head { height: 1; }
    GroupEntry .entry-title { width: 1fr; text-style: bold; }
    GroupEntry Button { min-width: 10; height: 1; border: none; }
    """

    def __init__(
        self, group: Field, index: int, values: dict[str, Any], readonly: bool, path: str, sink: Sink | None = None
    ) -> None:
        super().__init__()
        self.group = group
        self.index = index
        self.values = values
        self.readonly = readonly
        self.path = path
        self.sink = sink

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-head"):
            yield Label(f"第 {self.index + 1} 条", classes="entry-title")
            yield Button("删除本条", classes="entry-delete", compact=True, disabled=self.readonly)
        for sub in self.group.fields:
            path = f"{self.path}[{self.index + 1}].{sub.id}"
            yield make_editor(sub, self.values.get(sub.id), path=path, readonly=self.readonly, sink=self.sink)

    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for editor in self.query_children(FieldEditor).results(FieldEditor):
            value, _error = validate(editor.field, editor.raw(), editor.path)
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
            [self._entry(i, v) for i, v in enumerate(values)]
        )
        self.query_one(".group-add", Button).disabled = self.readonly

    def raw(self) -> Any:
        # Entries being mounted are not queryable yet: fall back to what was loaded.
        entries = self.entries()
        if not entries and self._entry_values():
            return [dict(v) for v in self._entry_values()]
        return [entry.raw() for entry in entries]

    def _entry(self, index: int, values: dict[str, Any]) -> GroupEntry:
        return GroupEntry(self.field, index, values, self.readonly, self.path, self._sub_changed)

    def _sub_changed(self, path: str, raw: Any) -> str | None:
        """A field of an entry changed (as it happened): the group changed."""
        self.emit()
        return None

    def entries(self) -> list[GroupEntry]:
        return list(self.query(GroupEntry))

    def add_entry(self) -> None:
        if self.field.max_items is not None and len(self.entries()) >= self.field.max_items:
            self.app.notify(f"“{self.field.label}”最多{self.field.max_items}条", severity="warning")
            return
        entry = self._entry(len(self.entries()), {})
        self.query_one(".group-entries", Vertical).mount(entry)
        hold = getattr(self.app, "hold_keys", None)  # keys typed meanwhile wait for the entry
        if hold is not None:
            hold()
        self.call_after_refresh(self._focus_entry, entry)

    def _focus_entry(self, entry: GroupEntry, attempts: int = 8) -> None:
        editors = list(entry.query(FieldEditor))
        if attempts > 0 and not (editors and editors[0].first_focusable() is not None):
            self.call_after_refresh(self._focus_entry, entry, attempts - 1)  # still being mounted
            return
        for editor in editors:
            if editor.first_focusable() is not None:
                editor.focus_input()
                break
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release()

    async def delete_entry(self, entry: GroupEntry) -> None:
        values = [e.raw() for e in self.entries() if e is not entry]
        self.initial = values
        container = self.query_one(".group-entries", Vertical)
        await container.remove_children()
        # Rebuilt so that the entry numbers (and field paths) follow.
        await container.mount_all(
            [self._entry(i, v) for i, v in enumerate(values)]
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
        if event.editor is not self:
            event.stop()  # handed on already, through _sub_changed


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


def make_editor(
    f: Field, value: Any, *, path: str | None = None, readonly: bool = False, sink: Sink | None = None
) -> FieldEditor:
    """A new editor for a field's type."""
    return editor_class(f.type)(f, value, path=path, readonly=readonly, sink=sink)
