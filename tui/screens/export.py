"""Export dialog: format, file name, folder; final or draft; overwrite check.

Enter anywhere in the dialog (format, file name, folder, the list of
problems) runs the default action, the highlighted button: 导出 on a
complete report, 导出草稿 when a final export is impossible (required
answers missing, errors, placeholder text), the reasons listed above the
buttons. Enter on a button presses that button. Every Tab stop shows the
focus in characters (▌ beside a row, ▶ … ◀ round a button), also under
NO_COLOR. The export runs in a worker thread (python-docx and LibreOffice
are slow to start); the written path is shown at the end.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from ..widgets.fields import LineInput
from ..widgets.options import OptionPicker
from ..widgets.wrapped import WrappedStatic

if TYPE_CHECKING:  # pragma: no cover
    from tui.app import ShuzhiApp
    from tui.session import Session
    from workflows.export import Blocker, ExportFormat

def shown_path(path: Path) -> str:
    """A path with the home folder written as ~."""
    home = str(Path.home())
    text = str(path)
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text


FOCUS_LEFT, FOCUS_RIGHT = "▶", "◀"


class MarkedButton(Button):
    """A button that shows the focus in characters: ▶ 导出 ◀."""

    def __init__(self, label: str, *, id: str, variant: Any = "default") -> None:
        super().__init__(label, id=id, variant=variant)
        self.plain_label = label

    def on_focus(self) -> None:
        self.label = f"{FOCUS_LEFT} {self.plain_label} {FOCUS_RIGHT}"

    def on_blur(self) -> None:
        self.label = self.plain_label


class ExportDialog(ModalScreen[None]):
    """Choose format, name and folder; export final or draft."""

    DEFAULT_CSS = """
    ExportDialog .export-row, ExportDialog #export-status-box { border-left: blank; }
    ExportDialog .export-row:focus-within, ExportDialog #export-status-box:focus { border-left: thick $accent; }
    ExportDialog #export-keys { height: 1; width: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("enter", "default", "导出", show=False),  # where the focused control has no Enter of its own
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="export-dialog")
        self.session = session
        self.report: Any = None
        self.blockers: list[Blocker] = []
        self.formats: list[ExportFormat] = []  # offered, from workflows.export.FORMATS
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-box"):
            yield Label("导出报告", classes="dialog-title")
            with Horizontal(classes="export-row"):
                yield Label("格式：", classes="export-label")
                yield OptionPicker(id="export-format")
            with Horizontal(classes="export-row"):
                yield Label("文件名：", classes="export-label")
                yield LineInput("", id="export-name", compact=True)
                yield Label("", id="export-suffix")
            with Horizontal(classes="export-row"):
                yield Label("文件夹：", classes="export-label")
                yield LineInput("", id="export-folder", compact=True)
            with VerticalScroll(id="export-status-box"):
                yield WrappedStatic("", id="export-status")
            yield LoadingIndicator(id="export-busy")
            yield Static("", id="export-keys", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield MarkedButton("导出", id="export-final", variant="primary")
                yield MarkedButton("导出草稿", id="export-draft")
                yield MarkedButton("取消", id="export-cancel")

    def on_mount(self) -> None:
        import workflows.export as export

        self.query_one("#export-busy").display = False
        self.report = self.session.assemble()
        problems = self.session.check().problems
        self.blockers = export.final_blockers(self.report, problems)
        self.formats = export.available_formats()
        keys = [f.key for f in self.formats]
        last_format = getattr(self.app, "last_export_format", keys[0])
        chosen = self.formats[keys.index(last_format)] if last_format in keys else self.formats[0]
        # ● marks the format chosen, in characters (also without colour).
        self.query_one("#export-format", OptionPicker).load([f.label for f in self.formats], [chosen.label])
        name = export.default_filename(self.report, "txt")
        name_input = self.query_one("#export-name", Input)
        name_input.value = name.removesuffix(".txt")
        self.call_after_refresh(setattr, name_input, "cursor_position", 0)
        self.query_one("#export-suffix", Label).update(chosen.suffix)
        folder = getattr(self.app, "export_dir", None) or Path.cwd()
        self.query_one("#export-folder", Input).value = shown_path(Path(folder))
        missing = [f.unavailable for f in export.FORMATS.values() if f not in self.formats and f.unavailable]
        if missing:
            self._set_status(Text("\n".join(missing), style="dim"))
        self._show_blockers(final=False)
        self.query_one("#export-name", Input).focus()

    # ------------------------------------------------------------- state

    def _selected(self) -> ExportFormat:
        label = self.query_one("#export-format", OptionPicker).value
        return next((f for f in self.formats if f.label == label), self.formats[0])

    def selected_format(self) -> str:
        """The key of the format chosen (``workflows.export.FORMATS``)."""
        return self._selected().key

    def choose_format(self, fmt: str) -> None:
        """Choose a format (as the user does with its number or Space)."""
        picker = self.query_one("#export-format", OptionPicker)
        picker.action_pick([f.key for f in self.formats].index(fmt))

    @on(OptionPicker.Changed, "#export-format")
    def _format_changed(self, event: OptionPicker.Changed) -> None:
        event.stop()
        self.query_one("#export-suffix", Label).update(self._selected().suffix)

    def target(self, draft: bool) -> Path | None:
        name = self.query_one("#export-name", Input).value.strip()
        folder_text = self.query_one("#export-folder", Input).value.strip() or "."
        if not name:
            self._set_status(Text("请填写文件名。", style="bold red"))
            self.query_one("#export-name", Input).focus()
            return None
        if any(ch in name for ch in '/\\:*?"<>|'):
            self._set_status(Text('文件名不能包含 / \\ : * ? " < > | 这些字符。', style="bold red"))
            self.query_one("#export-name", Input).focus()
            return None
        suffix = self._selected().suffix
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
        if draft and not name.endswith("（草稿）"):
            name += "（草稿）"
        return Path(folder_text).expanduser() / f"{name}{suffix}"

    def _item_title(self, item_id: str | None) -> str:
        item = self.session.workflow.item(item_id) if item_id else None
        return item.title if item else "报告"

    @property
    def default_button(self) -> str:
        """The id of the button Enter presses: the draft when a final export is impossible."""
        return "export-draft" if self.blockers else "export-final"

    def _show_blockers(self, final: bool) -> None:
        final_button = self.query_one("#export-final", Button)
        draft_button = self.query_one("#export-draft", Button)
        status_box = self.query_one("#export-status-box")
        if not self.blockers:
            self._set_status(Text("报告已填写完整，可以导出正式稿。", style="green"), keep_note=True)
            draft_button.display = False
            final_button.variant, draft_button.variant = "primary", "default"
            status_box.can_focus = False  # one line: nothing to scroll
            self._show_keys()
            return
        head = f"还有 {len(self.blockers)} 处问题，不能导出正式稿，可先导出草稿"
        text = Text(head + "：\n", style="bold red" if final else "bold yellow")
        for number, blocker in enumerate(self.blockers[:40], 1):
            where = f"（{blocker.where}）" if blocker.where else ""
            text.append(f"{number}. {self._item_title(blocker.item_id)}：{blocker.message}{where}\n")
        if len(self.blockers) > 40:
            text.append(f"……共 {len(self.blockers)} 处\n")
        self._set_status(text)
        draft_button.display = True
        final_button.variant, draft_button.variant = "default", "primary"
        status_box.can_focus = True  # the list may be longer than its box: ↑↓ scroll it
        self._show_keys()

    def _show_keys(self) -> None:
        """The keys of the dialog, the default action first (in characters, not only by colour)."""
        action = "导出草稿" if self.blockers else "导出"
        self.query_one("#export-keys", Static).update(
            Text(f"回车 {action}   Tab 下一栏   空格 选择格式   Esc 取消", style="bold")
        )

    def _set_status(self, text: Text, keep_note: bool = False) -> None:
        self.query_one("#export-status", Static).update(text)

    # ----------------------------------------------------------- actions

    async def submit_from(self, widget: Any) -> bool:
        """Enter in the format picker or an input (tui.widgets.keys): the default action."""
        self.action_default()
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_default()

    def action_default(self) -> None:
        """Enter: press the highlighted button (导出, or 导出草稿 when a final export is impossible)."""
        self._start(draft=self.default_button == "export-draft")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-final":
            self._start(draft=False)
        elif event.button.id == "export-draft":
            self._start(draft=True)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    def _start(self, draft: bool) -> None:
        from .dialogs import ConfirmDialog

        if self._busy:
            return
        if not draft and self.blockers:
            self._show_blockers(final=True)
            self.query_one("#export-draft", Button).focus()
            return
        target = self.target(draft)
        if target is None:
            return
        if target.exists() and not target.is_dir():

            def answer(overwrite: bool | None) -> None:
                if overwrite:
                    self._run(target, draft)

            self.app.push_screen(
                ConfirmDialog(
                    f"“{shown_path(target)}”已存在，要覆盖它吗？", title="文件已存在", yes="覆盖", danger=True
                ),
                answer,
            )
            return
        self._run(target, draft)

    def _run(self, target: Path, draft: bool) -> None:
        self._busy = True
        self.query_one("#export-busy").display = True
        for button in self.query(Button):
            button.disabled = True
        fmt = self.selected_format()
        cast("ShuzhiApp", self.app).last_export_format = fmt
        self._export(target, fmt, draft)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, target: Path, fmt: str, draft: bool) -> None:
        from store.errors import StoreError
        from tui.session import SessionError
        from workflows.export import ExportBlocked, ExportError

        try:
            result = self.session.export(fmt, target, draft=draft)  # what is queued is written first
        except ExportBlocked as exc:
            self.app.call_from_thread(self._blocked, exc.blockers)
        except (ExportError, StoreError, SessionError) as exc:
            self.app.call_from_thread(self._failed, str(exc))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.app.call_from_thread(self._failed, f"导出时出现意外错误：{type(exc).__name__}: {exc}")
        else:
            self.app.call_from_thread(self._done, result.path, list(result.notes), draft)

    def _idle(self) -> None:
        self._busy = False
        self.query_one("#export-busy").display = False
        for button in self.query(Button):
            button.disabled = False

    def _blocked(self, blockers: list[Blocker]) -> None:
        self._idle()
        self.blockers = blockers
        self._show_blockers(final=True)

    def _failed(self, message: str) -> None:
        self._idle()
        self._set_status(Text(f"导出失败：{message}", style="bold red"))

    def _done(self, path: Path, notes: list[str], draft: bool) -> None:
        from .dialogs import MessageDialog

        self._idle()
        cast("ShuzhiApp", self.app).export_dir = path.parent
        kind = "草稿" if draft else "报告"
        message = f"{kind}已导出到：\n{path}"
        if notes:
            message += "\n\n" + "\n".join(f"· {note}" for note in notes)
        self.dismiss(None)
        self.app.push_screen(MessageDialog(message, title="导出完成"))
