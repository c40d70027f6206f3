"""The checklist as a tree (parts → items), each item with its state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workflows.model import Workflow
from workflows.values import is_empty

# item state -> (icon, style, Chinese name). Icons have an unambiguous
# terminal width (no East Asian "ambiguous" characters).
STATES: dict[str, tuple[str, str, str]] = {
    "done": ("✔", "green", "已完成"),
    "empty": ("◌", "dim", "未填"),
    "partial": ("✎", "yellow", "部分填写"),
    "error": ("✖", "bold red", "有错误"),
    "warning": ("!", "bold yellow", "低于清单要求"),
    "copied": ("↺", "cyan", "沿用往年，待确认"),
    "proposed": ("?", "cyan", "默认内容，待确认"),
}


# After the item on screen, so that it reads without the cursor's colour.
CURRENT_MARK = "◂"


def entry_counts(workflow: Workflow, values: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Item id -> (entries complete, entries) for the items with a
    repeatable field whose entries have required subfields (and at least
    one entry); complete: every required subfield filled."""
    out: dict[str, tuple[int, int]] = {}
    for item in workflow.items():
        done = total = 0
        for f in item.fields:
            required = [sub.id for sub in f.fields if sub.required] if f.type == "group" else []
            entries = values.get(f.path)
            if not required or not isinstance(entries, list):
                continue
            for entry in entries:
                total += 1
                if isinstance(entry, Mapping) and all(not is_empty(entry.get(sub)) for sub in required):
                    done += 1
        if total:
            out[item.id] = (done, total)
    return out


# Cells an item's label may take in the tree (28 columns less the guides and
# the border): a count (n/N) and the current mark stay whole, the title is cut.
LABEL_CELLS = 24


def state_label(title: str, state: str, current: bool = False, count: tuple[int, int] | None = None) -> Text:
    icon, style, _name = STATES.get(state, STATES["empty"])
    text = Text()
    text.append(icon, style=style)
    text.append(" ")
    if count is not None:
        tail = f" {count[0]}/{count[1]}"
        room = LABEL_CELLS - 2 - cell_len(tail) - (2 if current else 0)
        if cell_len(title) > room:
            while title and cell_len(title) > room - 1:
                title = title[:-1]
            title += "…"
        text.append(title)
        text.append(tail)
    else:
        text.append(title)
    if current:
        text.append(" " + CURRENT_MARK, style="bold")
    return text


class ChecklistTree(Tree[str]):
    """Parts as branches, items as leaves (``node.data`` is the item id)."""

    DEFAULT_CSS = """
    ChecklistTree { width: 28; border-right: vkey $foreground 20%; padding-right: 0; }
    """

    class ItemChosen(Message):
        def __init__(self, item_id: str) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(self, workflow: Workflow, *, id: str | None = None) -> None:
        super().__init__(workflow.title, id=id)
        self.show_root = False
        self.guide_depth = 2
        self.workflow = workflow
        self.item_nodes: dict[str, TreeNode[str]] = {}
        self._states: dict[str, str] = {}
        self._counts: dict[str, tuple[int, int]] = {}
        self._current: str | None = None
        self._titles = {item.id: item.title for item in workflow.items()}
        for section in workflow.sections:
            branch = self.root.add(Text(section.title, style="bold"), expand=True)
            for item in section.items:
                self.item_nodes[item.id] = branch.add_leaf(state_label(item.title, "empty"), data=item.id)

    def set_states(self, states: dict[str, str]) -> None:
        """Update item icons (``states``: item id -> state name)."""
        for item_id, state in states.items():
            if self._states.get(item_id) == state:
                continue
            self._states[item_id] = state
            self._relabel(item_id)

    def set_counts(self, counts: dict[str, tuple[int, int]]) -> None:
        """Entries complete out of all, beside the items that have them (``entry_counts``)."""
        for item_id in set(counts) | set(self._counts):
            if counts.get(item_id) != self._counts.get(item_id):
                if item_id in counts:
                    self._counts[item_id] = counts[item_id]
                else:
                    self._counts.pop(item_id, None)
                self._relabel(item_id)

    def label_of(self, item_id: str) -> str:
        """The item's line as shown (plain text)."""
        node = self.item_nodes.get(item_id)
        if node is None:
            return ""
        label = node.label
        return label.plain if isinstance(label, Text) else str(label)

    def _relabel(self, item_id: str) -> None:
        node = self.item_nodes.get(item_id)
        if node is not None:
            state = self._states.get(item_id, "empty")
            label = state_label(self._titles[item_id], state, item_id == self._current, self._counts.get(item_id))
            node.set_label(label)

    def show_item(self, item_id: str) -> None:
        """Mark the item on screen (◂) and move the cursor to it without
        choosing it again."""
        if item_id != self._current:
            previous, self._current = self._current, item_id
            if previous is not None:
                self._relabel(previous)
            self._relabel(item_id)
        node = self.item_nodes.get(item_id)
        if node is not None and self.cursor_node is not node:
            self.move_cursor(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ItemChosen(event.node.data))
