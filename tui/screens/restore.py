"""The restore dialog: a report that cannot be read (or one the user wants
back as it was), its backups, and which one to put back.

It only chooses: it returns the backup to restore (``BackupInfo``) or
None; the app restores it through the session layer
(``tui.session.restore_backup``, as ``shuzhi restore`` does) and opens the
report (:meth:`tui.app.ShuzhiApp.offer_restore`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from store.backups import BackupInfo

from ..widgets.wrapped import WrappedStatic
from .base import BaseDialog

if TYPE_CHECKING:  # pragma: no cover
    from tui.session import BackupRow


def row_text(row: BackupRow) -> Text:
    """One backup as the list shows it: number, time, answered fields, size
    (the columns of ``shuzhi backups``)."""
    if row.usable:
        return Text(f"{row.number:>2}. {row.time}　已答 {row.answered} 个字段　{row.size}")
    return Text(f"{row.number:>2}. {row.time}　无法使用：{row.problem or '损坏'}　{row.size}")


class RestoreDialog(BaseDialog[BackupInfo | None]):
    """恢复最近的备份 / 查看备份 / 取消. ``message`` says what is damaged (or,
    from the home screen, what restoring does)."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, message: str, rows: list[BackupRow], *, title: str = "报告无法读取") -> None:
        super().__init__()
        self.message = message
        self.rows = rows
        self.title_text = title
        self.newest = next((row for row in rows if row.usable), None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-error restore-dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield WrappedStatic(self.message, id="restore-message", classes="dialog-body")
            newest = (f"最近的完好备份：{self.newest.time}，已答 {self.newest.answered} 个字段，{self.newest.size}。"
                      if self.newest is not None else "所有备份都无法使用。")
            yield WrappedStatic(f"共有 {len(self.rows)} 个备份。{newest}", id="restore-summary")
            backups = OptionList(
                *(Option(row_text(row), id=str(row.number), disabled=not row.usable) for row in self.rows),
                id="backup-list",
            )
            backups.display = False
            yield backups
            with Horizontal(classes="dialog-buttons"):
                yield Button("恢复最近的备份", id="restore-newest", variant="primary", disabled=self.newest is None)
                yield Button("查看备份", id="show-backups")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#restore-newest" if self.newest is not None else "#show-backups", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "restore-newest" and self.newest is not None:
            self.dismiss(self.newest.info)
        elif event.button.id == "show-backups":
            self.show_backups()
        elif event.button.id == "cancel":
            self.dismiss(None)

    def show_backups(self) -> None:
        """The list of backups, newest first; Enter restores the highlighted one."""
        backups = self.query_one("#backup-list", OptionList)
        backups.display = True
        self.query_one("#restore-message", WrappedStatic).display = False  # room for ten backups at 80×24
        self.query_one("#restore-summary", WrappedStatic).show("选择要恢复的备份（上下方向键），按回车恢复：")
        self.query_one("#show-backups", Button).display = False
        if self.newest is not None:
            backups.highlighted = self.rows.index(self.newest)
        backups.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = next((r for r in self.rows if str(r.number) == event.option.id), None)
        if row is not None and row.usable:
            self.dismiss(row.info)

    def action_cancel(self) -> None:
        self.dismiss(None)
