"""Preview: the whole report as it will print, pending items highlighted.

Every paragraph is focusable: ↑/↓ move between paragraphs, N jumps to the
next 【待填】 marker, Enter goes back to the item the paragraph came from.
Dismisses with that item id (or None).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from workflows.report import has_marker

from ..widgets.footer import KeyFooter
from ..widgets.wrapped import WrappedStatic
from .base import BaseScreen

if TYPE_CHECKING:  # pragma: no cover
    from tui.session import Session


class PreviewLine(WrappedStatic):
    """One printed line (title, heading or paragraph) of the report, wrapped
    with Chinese line breaking (避头尾) like every panel of the app."""

    can_focus = True

    def __init__(self, text: Text, item_id: str | None) -> None:
        pending = has_marker(text.plain)
        classes = "preview-line" + (" -pending" if pending else "") + (" -blank" if not text.plain else "")
        if text.justify in ("center", "right"):
            classes += f" -{text.justify}"
        super().__init__(text, classes=classes)
        self.item_id = item_id
        self.pending = pending
        if not text.plain:
            self.can_focus = False


class PreviewScreen(BaseScreen["str | None"]):
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("enter", "edit", "修改此段"),
        Binding("n", "next_pending", "下一处待填"),
        Binding("p", "prev_pending", "上一处待填", show=False),
        # Priority: the scrolling body would take ↑/↓ for scrolling, not for paragraphs.
        Binding("down,j", "move(1)", "下一段", show=False, priority=True),
        Binding("up,k", "move(-1)", "上一段", show=False, priority=True),
        Binding("f3", "export", "导出"),
        Binding("f2", "back", "返回", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="preview")
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        yield WrappedStatic("", id="preview-summary")
        yield VerticalScroll(id="preview-body")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.title = f"预览 · {self.session.title}"
        await self.rebuild()

    async def rebuild(self) -> None:
        from workflows.render.preview import report_lines, summary_line

        report = self.session.assemble()
        body = self.query_one("#preview-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all([PreviewLine(text, item_id) for text, item_id in report_lines(report)])
        summary = summary_line(report)
        if report.pending:
            summary += "。按 N 跳到待填处，回车去填写"
        if report.render_errors:
            summary += f"；{len(report.render_errors)} 处模板出错"
        self.query_one("#preview-summary", Static).update(summary)
        lines = self.lines()
        first = next((line for line in lines if line.pending), None)
        target = first or next((line for line in lines if line.can_focus), None)
        if target is not None:
            target.focus()
            if first is None:
                body.scroll_home(animate=False)

    def lines(self) -> list[PreviewLine]:
        return list(self.query(PreviewLine).results(PreviewLine))

    def _current_index(self) -> int:
        lines = self.lines()
        focused = self.focused
        return lines.index(focused) if isinstance(focused, PreviewLine) and focused in lines else -1

    def action_move(self, step: int) -> None:
        lines = self.lines()
        index = self._current_index()
        index = index + step
        while 0 <= index < len(lines):
            if lines[index].can_focus:
                lines[index].focus()
                lines[index].scroll_visible(animate=False)
                return
            index += step
        if step < 0:
            self.query_one("#preview-body").scroll_home(animate=False)

    def _jump_pending(self, step: int) -> None:
        lines = self.lines()
        pending = [n for n, line in enumerate(lines) if line.pending]
        if not pending:
            self.app.notify("没有待填的内容。", timeout=3)
            return
        current = self._current_index()
        after = [n for n in pending if (n > current if step > 0 else n < current)]
        index = (after[0] if step > 0 else after[-1]) if after else (pending[0] if step > 0 else pending[-1])
        lines[index].focus()
        lines[index].scroll_visible(animate=False)

    def action_next_pending(self) -> None:
        self._jump_pending(1)

    def action_prev_pending(self) -> None:
        self._jump_pending(-1)

    def action_edit(self) -> None:
        focused = self.focused
        if not isinstance(focused, PreviewLine):
            return
        if focused.item_id:
            self.dismiss(focused.item_id)
            return
        # The title, the name line and the signature come from the basics (the first item).
        first = next(iter(self.session.workflow.items()), None)
        if first is not None:
            self.dismiss(first.id)

    def action_export(self) -> None:
        from .export import ExportDialog

        self.app.push_screen(ExportDialog(self.session))

    def action_back(self) -> None:
        self.dismiss(None)
