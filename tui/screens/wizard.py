"""The wizard: the checklist on the left, one item at a time on the right,
the paragraph it produces below, every change saved as the user types."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from workflows.model import Item

from ..widgets.checklist import ChecklistTree
from ..widgets.fields import FieldEditor, GroupEditor, tidy
from ..widgets.footer import KeyFooter
from ..widgets.itemform import ItemView, ParagraphPanel, paragraph_renderable
from ..widgets.titlebar import TitleBar
from .commands import TargetsProvider
from .session import Autosaver, EditSession

SAVE_DELAY = 0.3  # seconds of quiet before a change is written
CHECK_DELAY = 0.15  # seconds of quiet before the checklist states are recomputed


class ItemCommands(TargetsProvider):
    """Command palette: jump to an item by name, and the wizard's commands."""

    def _targets(self) -> list[tuple[str, Any, str]]:
        screen = self.screen
        if not isinstance(screen, WizardScreen):
            return []
        out: list[tuple[str, Any, str]] = []
        for index, item in enumerate(screen.items):
            section = screen.section_titles[item.id]
            out.append(
                (f"跳到 {index + 1}. {item.title}（{section}）", lambda i=item.id: screen.go_to(i), item.question)
            )
        out += [
            ("预览整篇报告", screen.action_preview, "查看拼好的全文、字数和页数"),
            ("导出报告", screen.action_export, "导出 Word、Markdown、文本或 PDF"),
            ("跳到下一个未完成的条目", screen.action_next_open, "未填、部分填写、有错误或待确认的条目"),
            ("确认本项沿用的往年答案", screen.action_confirm_copied, "核对无误后去掉“沿用往年”标记"),
            ("回到报告列表", screen.action_close, "保存并关闭本报告"),
        ]
        return out


class WizardScreen(Screen[None]):
    """Fill one report, item by item."""

    COMMANDS = {ItemCommands}

    BINDINGS = [
        Binding("pagedown,ctrl+n", "next_item", "下一项", priority=True),
        Binding("pageup", "prev_item", "上一项", priority=True),
        Binding("f2", "preview", "预览"),
        Binding("f3", "export", "导出"),
        Binding("f4", "focus_tree", "目录", show=False),
        Binding("f5", "next_open", "下个未完成", show=False),
        Binding("ctrl+g", "confirm_copied", "确认沿用", show=False),
        Binding("escape", "close", "返回"),
    ]

    class Saved(Message):
        """A write finished (``error`` None) or failed."""

        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, session: EditSession, start_item: str | None = None) -> None:
        super().__init__(classes="wizard")
        self.session = session
        self.workflow = session.workflow
        self.items: list[Item] = list(self.workflow.items())
        self.section_titles = {i.id: s.title for s in self.workflow.sections for i in s.items}
        self.index = 0
        if start_item is not None:
            self.index = next((n for n, i in enumerate(self.items) if i.id == start_item), 0)
        self.saver = Autosaver(session, lambda error: self.post_message(self.Saved(error)))
        session.saver = self.saver
        self._save_timer: Timer | None = None
        self._check_timer: Timer | None = None
        self._check_result = None
        # Not "_closed": that is Textual's own MessagePump flag (setting it made
        # Ctrl+Q hang for ever after a report was opened: the screen ignored Prune).
        self._session_closed = False
        self._save_state = "saved"
        # The live paragraph as plain text (what the panel shows).
        self.paragraph_plain = ""

    # ----------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar")
        if self.session.readonly:
            notice = self.session.handle.notice or "此报告以只读方式打开，不能修改。"
            yield Static(f"只读：{notice}", id="readonly-banner", markup=False)
        with Horizontal(id="wizard-body"):
            yield ChecklistTree(self.workflow, id="checklist")
            with Vertical(id="wizard-main"):
                yield ItemView(readonly=self.session.readonly, id="item-view")
                yield Static("", id="field-hint", markup=False)
                yield ParagraphPanel(id="paragraph")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.app.sub_title = ""
        await self.show_item(self.index, focus=True)
        self._run_check()
        self._update_title()

    @property
    def item(self) -> Item:
        return self.items[self.index]

    def form(self) -> ItemView:
        return self.query_one("#item-view", ItemView)

    async def show_item(self, index: int, *, focus: bool = True) -> None:
        """Make item ``index`` current (answers are kept; pending saves go out)."""
        index = max(0, min(index, len(self.items) - 1))
        if index != self.index:
            self._flush_soon()
        self.index = index
        view = self.form()
        with self.app.batch_update():
            view.show(self.item, self.session.answers)
            self.query_one(ChecklistTree).show_item(self.item.id)
            self._update_paragraph()
            self._update_title()
            self._apply_notes(view)
            if focus:
                view.focus_first()

    async def go_to(self, item_id: str) -> None:
        for index, item in enumerate(self.items):
            if item.id == item_id:
                await self.show_item(index)
                return

    # ------------------------------------------------------------ header

    def _update_title(self) -> None:
        position = f"第 {self.index + 1}/{len(self.items)} 项"
        if self.session.readonly:
            state, style = "只读", "bold yellow"
        elif self.saver.failed:
            state, style = "✖ 保存失败", "bold red"
        elif self._save_state == "saving":
            state, style = "保存中…", "dim"
        else:
            state, style = "✔ 已保存", "green"
        self.title = f"{position} · {self.session.title}"
        self.sub_title = state
        self.query_one(TitleBar).show(position, self.session.title, state, style)

    # ------------------------------------------------------------ changes

    @on(FieldEditor.Changed)
    def _field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        if self.session.readonly:
            return
        path = event.path
        self.session.answers[path] = event.value
        if self.session.unconfirmed.pop(path, None) is not None:
            event.editor.set_notes(event.editor._notes, None)
        self.saver.put(path, event.value)
        self._save_state = "saving"
        self._update_title()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._flush_soon)
        self._update_paragraph()
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self._run_check)

    def _flush_soon(self) -> None:
        """Write pending answers in a thread (the UI never waits for the disk)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.saver.dirty:
            self.saver.flush_in_thread()

    def on_wizard_screen_saved(self, event: Saved) -> None:
        if event.error:
            self.app.notify(
                f"{event.error}\n修改仍保留在本窗口中，下次修改时会再次尝试保存。",
                title="保存失败",
                severity="error",
                timeout=10,
            )
        if not self.saver.dirty:
            self._save_state = "saved"
        self._update_title()

    def flush_now(self) -> str | None:
        """Write everything pending before leaving (blocks briefly)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        error = self.saver.flush()
        if error is None:
            self._save_state = "saved"
        return error

    def _update_paragraph(self) -> None:
        from workflows.assemble import render_item

        item = self.item
        blocks = render_item(self.workflow, self.session.answers, item.id, self.session.today)
        self.paragraph_plain = "\n".join(block.full_text for block in blocks)
        self.query_one(ParagraphPanel).show(paragraph_renderable(item, blocks))

    def _run_check(self) -> None:
        self._check_timer = None
        if not self.is_attached:
            return
        result = self.session.check()
        self._check_result = result
        self.query_one(ChecklistTree).set_states(self.session.item_states(result))
        self._apply_notes(self.form())

    def _apply_notes(self, form: ItemView) -> None:
        result = self._check_result
        for editor in form.editors:
            notes = []
            if result is not None:
                notes = [(p.severity, p.message) for p in result.for_field(editor.path)]
            editor.set_notes(notes, self.session.unconfirmed.get(editor.path))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field's help, in the line under the form."""
        editor = next((a for a in event.widget.ancestors_with_self if isinstance(a, FieldEditor)), None)
        text = f"提示：{tidy(editor.field.help)}" if editor is not None and editor.field.help else ""
        hint = self.query_one("#field-hint", Static)
        if hint.display != bool(text) or str(hint.render()) != text:
            hint.update(text)
            hint.display = bool(text)

    # -------------------------------------------------------- navigation

    async def action_next_item(self) -> None:
        if self.index < len(self.items) - 1:
            await self.show_item(self.index + 1)
        else:
            self.app.notify("已经是最后一项。按 F2 预览全文，F3 导出。", timeout=4)

    async def action_prev_item(self) -> None:
        if self.index > 0:
            await self.show_item(self.index - 1)
        else:
            self.app.notify("已经是第一项。", timeout=3)

    async def action_next_open(self) -> None:
        """The next item that is not done (wrapping around)."""
        if self._check_timer is not None:
            self._run_check()
        result = self._check_result
        if result is None:
            return
        states = self.session.item_states(result)
        count = len(self.items)
        for step in range(1, count + 1):
            index = (self.index + step) % count
            if states.get(self.items[index].id) not in ("done", "warning"):
                await self.show_item(index)
                return
        self.app.notify("所有条目都已完成。", timeout=4)

    def action_focus_tree(self) -> None:
        tree = self.query_one(ChecklistTree)
        if tree.has_focus:
            self.form().focus_first()
        else:
            tree.focus()

    async def on_checklist_tree_item_chosen(self, event: ChecklistTree.ItemChosen) -> None:
        event.stop()
        await self.go_to(event.item_id)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line input: the next field, or the next item after the last."""
        event.stop()
        view = self.form()
        # From where the focus is now: Enters typed at once all come from the
        # input that had the focus when they were read.
        source = self.focused if isinstance(self.focused, Input) else event.input
        editor = next((a for a in source.ancestors if isinstance(a, FieldEditor)), None)
        if editor is None or view not in editor.ancestors:
            return
        if editor not in view.editors:  # a field inside a group entry
            self.focus_next()
            return
        # Not the screen's focus chain: it may lag behind a rebind.
        for following in view.editors[view.editors.index(editor) + 1 :]:
            if following.first_focusable() is not None:
                following.focus_input()
                following.scroll_visible(animate=False)
                return
        await self.action_next_item()

    async def on_group_editor_delete_requested(self, event: GroupEditor.DeleteRequested) -> None:
        from .dialogs import ConfirmDialog

        event.stop()

        async def answer(confirmed: bool | None) -> None:
            if confirmed:
                await event.editor.delete_entry(event.entry)

        self.app.push_screen(
            ConfirmDialog(f"删除“{event.editor.field.label}”的第 {event.entry.index + 1} 条？", danger=True, yes="删除"),
            answer,
        )

    # ---------------------------------------------------------- commands

    def action_confirm_copied(self) -> None:
        if self.session.readonly:
            return
        paths = [f.path for f in self.item.fields if f.path in self.session.unconfirmed]
        if not paths:
            self.app.notify("本项没有待确认的往年答案。", timeout=3)
            return
        from store.errors import StoreError

        self.flush_now()
        try:
            self.session.handle.confirm_all(paths)
        except StoreError as exc:
            self.app.show_error("确认失败", str(exc))
            return
        for path in paths:
            self.session.unconfirmed.pop(path, None)
        self.app.notify(f"已确认本项 {len(paths)} 个沿用往年的答案。", timeout=3)
        self._run_check()

    def action_preview(self) -> None:
        from .preview import PreviewScreen

        self._flush_soon()

        async def jump(item_id: str | None) -> None:
            if item_id:
                await self.go_to(item_id)

        self.app.push_screen(PreviewScreen(self.session), jump)

    def action_export(self) -> None:
        from .export import ExportDialog

        self._flush_soon()
        self.app.push_screen(ExportDialog(self.session))

    async def action_close(self) -> None:
        """Save, release the report and go back to the list."""
        if self.close_session():
            self._back_home()
            return
        from .dialogs import ConfirmDialog

        def answer(leave: bool | None) -> None:
            if leave:
                self.close_session(force=True)
                self._back_home()

        self.app.push_screen(
            ConfirmDialog(
                "有修改未能保存（见错误提示）。现在离开会丢失这些修改。仍然离开吗？",
                title="未保存",
                yes="仍然离开",
                no="留下",
                danger=True,
            ),
            answer,
        )

    def _back_home(self) -> None:
        self.app.pop_screen()
        home = self.app.screen
        if hasattr(home, "refresh_reports"):
            home.refresh_reports(select=self.session.report_id)

    def close_session(self, force: bool = False) -> bool:
        """Flush and close the report. Returns False (and keeps it open) when
        the pending answers could not be written, unless ``force``."""
        if self._session_closed:
            return True
        error = self.flush_now()
        if error and not force:
            self.app.show_error("保存失败", f"{error}\n请检查磁盘空间或数据目录权限。")
            return False
        self._session_closed = True
        from store.errors import StoreError

        try:
            self.session.close()
        except (StoreError, OSError) as exc:
            self.app.show_error("关闭报告时出错", str(exc))
        return True

    def on_unmount(self) -> None:
        self.close_session(force=True)
