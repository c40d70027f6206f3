"""The repeatable-group editor: group (entries of sub-field editors).

Entries are added (＋ 添加一条), moved up and down (Ctrl+↑/↓, also Alt+↑/↓)
and deleted (删除本条, undone with Ctrl+Z on the screen). Every change of the
entries goes to the sink like any typed change (the session's ``input``).
An entry carried over from last year's report (``new --from``, see
``workflows.carryover``) shows its source as read-only text: the user gives
it a status and measures, not a new wording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label

from workflows.carryover import KIND_FIELD, SOURCE_FIELD
from workflows.model import Field
from workflows.values import is_empty, validate

from ..fields import FieldEditor, Sink, tidy
from ..keys import OrderedKeys
from ..wrapped import WrappedStatic
from . import make_editor, register_editor

# Keys of the entry holding the focus (shown in the footer by the wizard).
MOVE_KEYS = "Ctrl+↑↓"
UNDO_KEY = "Ctrl+Z"

# An entry as shown: (values, carried over from last year's report).
Entry = tuple[dict[str, Any], bool]


class EntryButton(OrderedKeys, Button):
    """添加一条 / 删除本条: keys typed right after Enter wait for what it
    does (the new entry's field, the entries after a deletion) instead of
    landing on the button (:mod:`tui.widgets.keys`)."""

    async def _type_key(self, event: events.Key) -> bool:
        if event.key not in ("enter", "space") or self.disabled:
            return False
        group = next((a for a in self.ancestors if isinstance(a, GroupEditor)), None)
        if group is None:
            return False
        if self.has_class("group-add"):
            group.add_entry()  # holds the keys until the entry has the focus
            return True
        entry = next((a for a in self.ancestors if isinstance(a, GroupEntry)), None)
        if entry is not None:
            group.hold_keys()  # released once the deletion is done (the screen's handler)
            group.post_message(group.DeleteRequested(group, entry, held=True))
        return True


class GroupEntry(Vertical):
    """One entry of a repeatable group: its sub-field editors and a delete button."""

    DEFAULT_CSS = """
    GroupEntry { height: auto; border: round $primary 50%; padding: 0 1; margin-bottom: 1; }
    GroupEntry .entry-head { height: 1; }
    GroupEntry .entry-title { width: 1fr; text-style: bold; }
    GroupEntry .entry-source { height: auto; margin-bottom: 1; }
    GroupEntry Button { min-width: 10; height: 1; border: none; }
    """

    def __init__(
        self, group: Field, index: int, values: dict[str, Any], readonly: bool, path: str, sink: Sink | None = None,
        carried: bool = False,
    ) -> None:
        super().__init__()
        self.group = group
        self.index = index
        self.values = values
        self.readonly = readonly
        self.path = path
        self.sink = sink
        self.carried = carried

    def fixed_ids(self) -> tuple[str, ...]:
        """Subfields shown as text, not edited (a carried entry's source and kind)."""
        return (SOURCE_FIELD, KIND_FIELD) if self.carried else ()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-head"):
            title = f"第 {self.index + 1} 条"
            if self.carried:
                title += "（上年度报告转入）"
            yield Label(title, classes="entry-title")
            yield EntryButton("删除本条", classes="entry-delete", compact=True, disabled=self.readonly)
        if self.carried:
            yield WrappedStatic(self.source_text(), classes="entry-source")
        for sub in self.group.fields:
            if sub.id in self.fixed_ids():
                continue
            path = f"{self.path}[{self.index + 1}].{sub.id}"
            yield make_editor(sub, self.values.get(sub.id), path=path, readonly=self.readonly, sink=self.sink)

    def show(self, values: dict[str, Any]) -> None:
        """Show other values in the same widgets (an entry moved here): each
        sub-field editor is bound afresh (cheaper than mounting a new entry)."""
        self.values = values
        if self.carried:
            self.query_one(".entry-source", WrappedStatic).show(self.source_text())
        for editor in self.editors():
            editor.bind(editor.field, values.get(editor.field.id), path=editor.path, readonly=self.readonly,
                        sink=self.sink)

    def source_text(self) -> Text:
        """The carried problem or promise, read-only (its kind as the label)."""
        kind = self.values.get(KIND_FIELD)
        label = kind if isinstance(kind, str) and kind else "上年度问题或承诺"
        text = Text()
        text.append(f"{label}：", style="bold")
        text.append(tidy(str(self.values.get(SOURCE_FIELD, ""))))
        text.append("（转自上年度报告，不可修改）", style="dim")
        return text

    def editors(self) -> list[FieldEditor]:
        return list(self.query_children(FieldEditor).results(FieldEditor))

    @property
    def ready(self) -> bool:
        """Every sub-field editor mounted and showing its value."""
        editors = self.editors()
        expected = sum(1 for sub in self.group.fields if sub.id not in self.fixed_ids())
        return len(editors) == expected and all(editor.ready for editor in editors)

    def first_field(self, field_id: str | None = None) -> Widget | None:
        """The input of subfield ``field_id`` (else of the first editable one)."""
        editors = self.editors()
        if field_id is not None:
            editors = [e for e in editors if e.field.id == field_id] + [e for e in editors if e.field.id != field_id]
        for editor in editors:
            widget = editor.first_focusable()
            if widget is not None:
                return widget
        return None

    def raw(self) -> dict[str, Any]:
        if not self.ready:  # still being mounted: what it was made with
            return {k: v for k, v in self.values.items() if not is_empty(v)}
        out: dict[str, Any] = {}
        for sub in self.group.fields:
            if sub.id in self.fixed_ids() and not is_empty(self.values.get(sub.id)):
                out[sub.id] = self.values[sub.id]
        for editor in self.editors():
            value, _error = validate(editor.field, editor.raw(), editor.path)
            if not is_empty(value):
                out[editor.field.id] = value
        return {sub.id: out[sub.id] for sub in self.group.fields if sub.id in out}


@register_editor
class GroupEditor(FieldEditor):
    """group: repeatable entries, each a small form; add, move and delete entries."""

    KINDS = ("group",)

    DEFAULT_CSS = """
    GroupEditor .group-entries { height: auto; }
    GroupEditor .group-add { height: 1; min-width: 16; border: none; }
    """

    BINDINGS = [
        Binding("ctrl+up,alt+up", "move_entry(-1)", "上移本条", show=False),
        Binding("ctrl+down,alt+down", "move_entry(1)", "下移本条", show=False),
    ]

    # Whether a stored entry came from last year's report (set by the form
    # from the session before the editor is bound): its source is then read-only.
    is_carried: Callable[[dict[str, Any]], bool] | None = None

    class DeleteRequested(Message):
        """删除本条 (``held``: keys wait until the screen has handled it, see ``release_keys``)."""

        def __init__(self, editor: GroupEditor, entry: GroupEntry, held: bool = False) -> None:
            super().__init__()
            self.editor = editor
            self.entry = entry
            self.held = held

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[GroupEntry] = []
        # The last deletion, for the undo: (index, values, carried).
        self.undo: tuple[int, dict[str, Any], bool] | None = None

    def compose_input(self) -> ComposeResult:
        yield Vertical(classes="group-entries")
        yield EntryButton("＋ 添加一条", classes="group-add", compact=True)

    def bind(self, field: Field, value: Any, **kwargs: Any) -> None:
        self.undo = None
        super().bind(field, value, **kwargs)

    def fill(self, value: Any) -> None:
        entries = value if isinstance(value, list) else []
        values = [dict(entry) if isinstance(entry, dict) else {} for entry in entries]
        self._rebuild([(v, self._carried(v)) for v in values])

    def _carried(self, values: dict[str, Any]) -> bool:
        return bool(self.is_carried is not None and self.is_carried(values))

    def _rebuild(self, entries: list[Entry]) -> Any:
        container = self.query_one(".group-entries", Vertical)
        container.remove_children()
        self._entries = [self._entry(i, values, carried) for i, (values, carried) in enumerate(entries)]
        self.query_one(".group-add", Button).disabled = self.readonly
        return container.mount_all(self._entries)

    def raw(self) -> Any:
        return [entry.raw() for entry in self._entries]

    def shown(self) -> list[Entry]:
        return [(entry.raw(), entry.carried) for entry in self._entries]

    def _entry(self, index: int, values: dict[str, Any], carried: bool = False) -> GroupEntry:
        return GroupEntry(self.field, index, values, self.readonly, self.path, self._sub_changed, carried)

    def _sub_changed(self, path: str, raw: Any) -> str | None:
        """A field of an entry changed (as it happened): the group changed."""
        self.emit()
        return None

    def entries(self) -> list[GroupEntry]:
        return list(self._entries)

    @property
    def ready(self) -> bool:
        return self._loaded and all(entry.ready for entry in self._entries)

    def first_focusable(self) -> Widget | None:
        """The first entry's first editable field, else the add button (never
        the delete button: Enter there would delete)."""
        if not self.ready:
            return None
        if self._entries:
            widget = self._entries[0].first_field()
            if widget is not None:
                return widget
        add = self.query_one(".group-add", Button)
        return add if add.focusable and add.display else None

    def focused_entry(self) -> GroupEntry | None:
        focused = self.screen.focused if self.is_attached else None
        if focused is None:
            return None
        return next((a for a in focused.ancestors if isinstance(a, GroupEntry) and a in self._entries), None)

    # ------------------------------------------------------------ changes

    def add_entry(self) -> None:
        if self.field.max_items is not None and len(self._entries) >= self.field.max_items:
            self.app.notify(f"“{self.field.label}”最多{self.field.max_items}条", severity="warning")
            return
        entry = self._entry(len(self._entries), {})
        self._entries.append(entry)
        self.query_one(".group-entries", Vertical).mount(entry)
        self._hold()
        self.call_after_refresh(self._focus_entry, entry)

    def _hold(self) -> None:
        self.hold_keys()

    def hold_keys(self) -> None:
        """Keys typed meanwhile wait (the app's key queue) until :meth:`release_keys`."""
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold()

    def release_keys(self) -> None:
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release()

    def _focus_entry(self, entry: GroupEntry | None, field_id: str | None = None, attempts: int = 8) -> None:
        """Focus ``entry``'s field (the add button when there is no entry),
        scrolled into view, once it is mounted; then the held keys go on."""
        if entry is not None and attempts > 0 and not entry.ready:
            self.call_after_refresh(self._focus_entry, entry, field_id, attempts - 1)  # still being mounted
            return
        widget = entry.first_field(field_id) if entry is not None else None
        if widget is None:
            widget = self.query_one(".group-add", Button)
        self.screen.set_focus(widget)
        view: Any = next((a for a in self.ancestors if hasattr(a, "reveal_focused")), None)
        if view is not None:  # the form: label, input and message in view
            view.call_after_refresh(view.reveal_focused)
        self.release_keys()

    async def _replace(self, entries: list[Entry], focus: int | None, field_id: str | None = None) -> None:
        """Show ``entries`` (renumbered: the field paths follow), hand the
        new list to the sink and focus entry ``focus``. Entries already
        shown are rebound in place where they can be (a move rebinds two
        entries, a deletion those after it), not mounted again."""
        self._hold()
        container = self.query_one(".group-entries", Vertical)
        kept: list[GroupEntry] = []
        for index, (values, carried) in enumerate(entries):
            current = self._entries[index] if index < len(self._entries) else None
            if current is not None and current.ready and current.carried == carried:
                if current.raw() != values:
                    current.show(values)
                kept.append(current)
                continue
            entry = self._entry(index, values, carried)
            if current is not None:
                await container.mount(entry, after=current)
                # Not awaited: the key being handled may be in this very entry
                # (Ctrl+↑ in its field), and its removal waits for that key.
                current.remove()
            else:
                await container.mount(entry)
            kept.append(entry)
        for extra in self._entries[len(entries):]:
            extra.remove()  # not awaited either (see above)
        self._entries = kept
        self.emit()
        target = self._entries[focus] if focus is not None and 0 <= focus < len(self._entries) else None
        self._focus_entry(target, field_id)

    async def delete_entry(self, entry: GroupEntry) -> tuple[int, dict[str, Any], bool] | None:
        """Delete ``entry`` (undoable: :meth:`undo_delete`); returns (index, values, carried)."""
        if entry not in self._entries or self.readonly:
            return None
        index = self._entries.index(entry)
        shown = self.shown()
        deleted = (index, shown[index][0], shown[index][1])
        del shown[index]
        self.undo = deleted
        await self._replace(shown, min(index, len(shown) - 1) if shown else None)
        self._show_message()
        return deleted

    async def undo_delete(self) -> tuple[int, dict[str, Any], bool] | None:
        """Put the entry deleted last back at its place."""
        if self.undo is None or self.readonly:
            return None
        restored, self.undo = self.undo, None
        index, values, carried = restored
        shown = self.shown()
        index = min(index, len(shown))
        shown.insert(index, (values, carried))
        await self._replace(shown, index)
        self._show_message()
        return restored

    def message_text(self) -> tuple[str, str]:
        """The message line; right after a deletion, first how to undo it."""
        text, css = super().message_text()
        if self.undo is None:
            return text, css
        index, _values, carried = self.undo
        recorded = "，已记入修改记录" if carried else ""
        line = f"已删除第{index + 1}条{recorded}（{UNDO_KEY} 撤销）"
        return (f"{line}；{text}" if text else line), css or "field-pending"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move_entry":
            return not self.readonly and self.focused_entry() is not None
        return True

    async def action_move_entry(self, delta: int) -> None:
        """Move the entry holding the focus up (-1) or down (1); the focus stays in its field."""
        entry = self.focused_entry()
        if entry is None or self.readonly:
            return
        index = self._entries.index(entry)
        target = index + delta
        if not 0 <= target < len(self._entries):
            self.app.notify("已经是第一条。" if delta < 0 else "已经是最后一条。", timeout=2)
            return
        focused = self.screen.focused
        editor = next((a for a in focused.ancestors if isinstance(a, FieldEditor)), None) if focused else None
        field_id = editor.field.id if editor is not None and editor is not self else None
        shown = self.shown()
        shown[index], shown[target] = shown[target], shown[index]
        self.undo = None
        await self._replace(shown, target, field_id)
        self._show_message()

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
