"""The base of the field editors, and the inputs they are made of.

One editor per kind of field (``tui.widgets.editors``, bound there to the
field types of ``workflows.fieldtypes``), validated as the user types.
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
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from workflows import fieldtypes
from workflows.model import Field
from workflows.render.preview import visible
from workflows.values import validate

from .keys import OrderedKeys, submit_from

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


# A line longer than this (characters) is divided into its screen rows once
# per look of it, not once per row drawn (see :class:`_RowsOnce`).
LONG_LINE = 400


def _install_quick_strip() -> None:
    """Rich strips control codes from every text it is given with
    ``str.translate``, which walks a Chinese string character by character
    through a dict: 1.1 ms for a line of 8,000 characters, twice for each
    row of it a TextArea draws. A string with none of the codes it strips
    (what is typed and pasted, nearly always: found by one regular
    expression search, at C speed) comes back as it is; the others still
    go through it."""
    import rich.control
    import rich.text
    from rich.control import strip_control_codes

    # The codes Rich strips (BEL, BS, VT, FF, CR), should it rename its table.
    table = getattr(rich.control, "_CONTROL_STRIP_TRANSLATE", None) or dict.fromkeys((7, 8, 11, 12, 13))
    codes = re.compile("[" + "".join(re.escape(chr(c)) for c in table) + "]")

    def strip(text: str, _strip: Callable[[str], str] = strip_control_codes, _find: Any = codes.search) -> str:
        return _strip(text) if _find(text) else text

    if getattr(rich.text.strip_control_codes, "__name__", "") != "strip":
        rich.text.strip_control_codes = strip  # type: ignore[assignment]


_install_quick_strip()


class _RowsOnce(Text):
    """A line of a :class:`BlockInput` whose division into screen rows is
    kept. Textual's TextArea draws each row of a wrapped line by dividing
    the whole line again: for a pasted line of 8,000 characters that was
    ≈ 100 divisions of the whole line per frame, at every keystroke. Every
    row of a line is styled the same before it is divided, so one division
    serves them all (keyed by the text, its styles and the offsets)."""

    memo: dict[Any, Any]

    def divide(self, offsets: Iterable[int]) -> Any:
        offsets = tuple(offsets)
        key = (self.plain, tuple(self.spans), self.style, offsets)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= 8:
                self.memo.clear()
            found = self.memo[key] = super().divide(offsets)
        return found


class BlockInput(OrderedKeys, TextArea):
    """A multi-line input: keys handled in order; Enter is a new line."""

    _rows_memo: dict[Any, Any] | None = None

    def get_line(self, line_index: int) -> Text:
        line_string = self.document.get_line(line_index)
        if len(line_string) < LONG_LINE:
            return super().get_line(line_index)
        line = _RowsOnce(line_string, end="", no_wrap=True)
        if self._rows_memo is None:
            self._rows_memo = {}
        line.memo = self._rows_memo
        return line

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
    FieldEditor.-msg-error { border-subtitle-color: $text-error; }
    FieldEditor.-msg-warning { border-subtitle-color: $text-warning; }
    FieldEditor.-msg-copied { border-subtitle-color: $text-accent; }
    """

    # Field types this editor can show.
    KINDS: tuple[str, ...] = ()

    class MessageChanged(Message):
        """The message line changed (``error`` when it is an error)."""

        def __init__(self, editor: FieldEditor, error: bool) -> None:
            super().__init__()
            self.editor = editor
            self.error = error

    class Changed(Message):
        """The user changed the field (already handed to the sink):
        ``value`` is the canonical value, or what was typed when ``error``."""

        def __init__(self, editor: FieldEditor, value: Any, error: str | None) -> None:
            super().__init__()
            self.editor = editor
            self.path = editor.path
            self.value = value
            self.error = error

        @property
        def control(self) -> FieldEditor:
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
        self._focus_bar = False

    # ------------------------------------------------------------ focus

    # The bar left of the field holding the focus (of a group and of the
    # entry's field inside it). Not a ``:focus-within`` rule: Textual
    # restyles every widget inside the outermost editor with such a rule
    # at each move of the focus (60 ms in a group of six entries); an
    # inline style repaints this editor alone.
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_focus_bar()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._show_focus_bar()

    def _show_focus_bar(self) -> None:
        focused = self.has_focus_within
        if focused == self._focus_bar:
            return
        self._focus_bar = focused
        if focused:
            accent = self.app.theme_variables.get("accent", "yellow")
            self.styles.border_left = ("thick", accent)
        else:
            self.styles.border_left = ("blank", "transparent")

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
        """The hint beside the label: the field type's (workflows.fieldtypes);
        an editor with keys of its own says so instead."""
        return fieldtypes.get(self.field.type).hint(self.field)

    def compose(self) -> ComposeResult:
        yield from self.compose_input()

    def compose_input(self) -> ComposeResult:
        """The input widgets; each subclass yields its own."""
        yield from ()

    def on_mount(self) -> None:
        from textual.css.query import NoMatches

        for widget in self.children:  # this editor's own inputs (not those of entries)
            if isinstance(widget, OrderedKeys):
                widget.on_edit = self._edited_hook(widget)
        try:
            self._load()
        except NoMatches:
            # Its inputs never came: the app is closing while the form was
            # being mounted (Ctrl+Q right after moving to a new item).
            if self.app.is_running:
                raise

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

    def focus_input(self, scroll_visible: bool = True) -> None:
        """Focus the first input now (not after the next refresh, as
        ``Widget.focus`` does, so that keys typed right away land here)."""
        widget = self.first_focusable()
        if widget is not None:
            # Not Textual's scroll on focus: it centres the widget with an
            # animation, which the form's own reveal (after the next refresh)
            # then stops half-way: where the form ends up depended on timing.
            self.screen.set_focus(widget, scroll_visible=False)
            if scroll_visible:
                widget.scroll_visible(animate=False)

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

    def refresh_message(self) -> None:
        """Show the message line again (after what it says changed)."""
        self._show_message()

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
