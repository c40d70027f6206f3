"""The repeatable-group editor: group (entries of sub-field editors)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label

from workflows.model import Field
from workflows.values import is_empty, validate

from ..fields import FieldEditor, Sink
from . import make_editor, register_editor


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
            if not is_empty(value):
                out[editor.field.id] = value
        return out


@register_editor
class GroupEditor(FieldEditor):
    """group: repeatable entries, each a small form; add and delete entries."""

    KINDS = ("group",)

    DEFAULT_CSS = """
    GroupEditor .group-entries { height: auto; }
    GroupEditor .group-add { height: 1; min-width: 16; border: none; }
    """

    class DeleteRequested(Message):
        def __init__(self, editor: GroupEditor, entry: GroupEntry) -> None:
            super().__init__()
            self.editor = editor
            self.entry = entry

    def compose_input(self) -> ComposeResult:
        yield Vertical(classes="group-entries")
        yield Button("＋ 添加一条", classes="group-add", compact=True)

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
