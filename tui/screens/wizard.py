"""The wizard: the checklist on the left, one item at a time on the right,
the paragraph it produces below, every change saved as the user types.

Everything goes through the report's :class:`tui.session.Session`: the
editors hand each change to ``Session.input`` as it happens (in the order
typed), a short timer writes the queue in a thread, and every way out
(Esc, Ctrl+Q, SIGHUP/SIGTERM through the app) writes what is left first.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from workflows.checks import CheckResult
from workflows.model import Item
from workflows.render.preview import item_text, visible

from ..session import Session
from ..widgets.checklist import ChecklistTree, entry_counts
from ..widgets.editors.group import MOVE_KEYS, UNDO_KEY, GroupEditor, GroupEntry
from ..widgets.fields import FieldEditor, tidy
from ..widgets.footer import KeyFooter
from ..widgets.itemform import ItemView, ParagraphPanel
from ..widgets.titlebar import TitleBar
from ..widgets.wrapped import WrappedStatic
from .base import BaseScreen
from .commands import TargetsProvider

SAVE_DELAY = 0.3  # seconds of quiet before a change is written
CHECK_DELAY = 0.15  # seconds of quiet before the checklist states are recomputed
POSITION_DELAY = 2.0  # seconds on an item before the position alone is written
PREFETCH_DELAY = 0.25  # seconds on an item before the forms next to it are mounted (hidden)


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
        ]
        if screen.workflow.rollup is not None:
            out.append(("汇总支部数据", screen.action_rollup, "把各党支部的报告或答案文件中的数字汇总到本报告（F8）"))
        out += [
            ("回到报告列表", screen.action_close, "保存并关闭本报告"),
        ]
        return out


class WizardScreen(BaseScreen[None]):
    """Fill one report, item by item."""

    COMMANDS = {ItemCommands}

    BINDINGS = [
        Binding("pagedown,ctrl+n", "next_item", "下一项", priority=True),
        Binding("pageup", "prev_item", "上一项", priority=True),
        Binding("f5", "next_open", "未完成"),
        Binding("f2", "preview", "预览"),
        Binding("f3", "export", "导出"),
        Binding("f4", "focus_tree", "目录"),
        Binding("f6", "toggle_guidance", "说明", priority=True),
        Binding("f7", "clear_field", "清空", show=False),
        Binding("ctrl+g", "confirm_copied", "确认沿用", show=False),
        # Only while a deleted entry can be restored (else Ctrl+Z is the text's own undo).
        Binding("ctrl+z", "undo_delete", "撤销删除", show=False, priority=True),
        Binding("f8", "rollup", "汇总支部数据", show=False),  # in F1 help and the palette, on a report with a roll-up
        Binding("escape", "close", "返回"),
    ]

    # Textual repaints the whole screen when the focus moves (Screen.focused
    # repaints); the widgets whose look depends on the focus refresh
    # themselves (their :focus styles), so the wizard, where every item
    # moves the focus, does without that extra frame.
    focused: reactive[Widget | None] = reactive(None, repaint=False)

    # The save indicator of the title bar: "saved", or "saving" while
    # changes are queued (read-only and failed show from the session).
    save_state: reactive[str] = reactive("saved", init=False, repaint=False)  # the title bar shows it

    class Saved(Message):
        """A write finished (``error`` None) or failed."""

        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, session: Session, start_item: str | None = None) -> None:
        super().__init__(classes="wizard")
        self.session = session
        self.workflow = session.workflow
        self.items: list[Item] = list(self.workflow.items())
        self.section_titles = {i.id: s.title for s in self.workflow.sections for i in s.items}
        self.index = 0
        start = start_item or session.last_item
        if start is not None:
            self.index = next((n for n, i in enumerate(self.items) if i.id == start), 0)
        session.on_saved = self._saved_in_thread
        self._save_timer: Timer | None = None
        self._position_timer: Timer | None = None
        self._prefetch_timer: Timer | None = None
        self._check_timer: Timer | None = None
        self._check_result: CheckResult | None = None
        self._checked_generation = -1  # the session's generation the check is of
        # Not "_closed": that is Textual's own MessagePump flag (setting it made
        # Ctrl+Q hang for ever after a report was opened: the screen ignored Prune).
        self._session_closed = False
        # The live paragraph as plain text (what the panel shows).
        self.paragraph_plain = ""
        # Item id -> (the session's generation, plain text, text shown) of its paragraphs.
        self._paragraphs: dict[str, tuple[int, str, Text]] = {}
        # The group whose last deleted entry Ctrl+Z restores (on this item).
        self._undo_group: GroupEditor | None = None

    def _saved_in_thread(self, error: str | None) -> None:
        """A write of the queue finished (in the writer's thread)."""
        self.post_message(self.Saved(error))

    # ----------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        # The screen's parts, kept at hand: a query by type walks every
        # widget of the screen, and every item's form stays mounted.
        self._titlebar = TitleBar(id="titlebar")
        self._tree = ChecklistTree(self.workflow, id="checklist")
        self._question = WrappedStatic("", id="item-question")
        self._view = ItemView(
            readonly=self.session.readonly, sink=self._input, carried=self.session.carried_texts,
            shown=self.session.shown, id="item-view",
        )
        self._hint = WrappedStatic("", id="field-hint")
        self._panel = ParagraphPanel(id="paragraph")
        self._footer = KeyFooter()
        yield self._titlebar
        if self.session.readonly:
            notice = self.session.notice or "此报告以只读方式打开，不能修改。"
            yield WrappedStatic(f"只读：{notice}", id="readonly-banner")
        with Horizontal(id="wizard-body"):
            yield self._tree
            with Vertical(id="wizard-main"):
                yield self._question
                yield self._view
                yield self._hint
                yield self._panel
        yield self._footer

    async def on_mount(self) -> None:
        self.app.sub_title = ""
        self._fit_panel(self.app.size.height)
        await self.show_item(self.index, focus=True)
        self._run_check()
        self._update_title()

    @property
    def item(self) -> Item:
        return self.items[self.index]

    def form(self) -> ItemView:
        return self._view

    async def show_item(self, index: int, *, focus: bool = True) -> None:
        """Make item ``index`` current. Moving on accepts the item left (its
        defaults become answers); what is queued goes out."""
        index = max(0, min(index, len(self.items) - 1))
        moved = index != self.index
        if moved:
            self.session.leave_item(self.item.id, self.items[index].id)
            if self.session.answers_dirty and not self.session.readonly:
                self.save_state = "saving"
                self._flush_soon()
            elif not self.session.readonly:
                # Only the position moved (no answer): written once the user
                # stays a moment, with the next answer, or on the way out,
                # not with a durable write at every PageDown.
                if self._position_timer is not None:
                    self._position_timer.stop()
                self._position_timer = self.set_timer(POSITION_DELAY, self._flush_soon)
        else:
            self.session.last_item = self.items[index].id
        self.index = index
        self._undo_group = None
        view = self.form()
        keys: Any = self.app
        with self.app.batch_update():
            view.folded = bool(getattr(self.app, "guidance_folded", False))
            self._question.show(Text(tidy(self.item.question), style="bold"))
            view.show(self.item, self.session.shown_values(self.item.id))
            self._tree.show_item(self.item.id)
            self._update_paragraph()
            self._update_title()
            self._apply_notes(view)
            if focus:
                # Keys typed meanwhile wait for the new item's first field.
                hold = getattr(keys, "hold_keys", None)
                if hold is not None:
                    hold()
                view.focus_first(done=getattr(keys, "release_keys", None))
            self.update_field_hint()  # in this frame when the form was there already (the focus is)
            self.call_after_refresh(self.update_field_hint)  # else once it is
        if moved:
            self._schedule_check()  # the item left is accepted: its state changes
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self._prefetch_timer = self.set_timer(PREFETCH_DELAY, self._prefetch)

    def _prefetch(self) -> None:
        """While the user is on an item: mount the forms of the items before
        and after it, hidden, so that PageDown and PageUp mount nothing."""
        self._prefetch_timer = None
        if not self.is_attached or self._session_closed or not self.app.is_running:
            return  # closing, or the app on its way out: nothing more is mounted
        for index in (self.index + 1, self.index - 1):
            if 0 <= index < len(self.items):
                item = self.items[index]
                self._view.prepare(item, self.session.shown_values(item.id))

    async def go_to(self, item_id: str) -> None:
        for index, item in enumerate(self.items):
            if item.id == item_id:
                await self.show_item(index)
                return

    # ------------------------------------------------------------ header

    @property
    def all_saved(self) -> bool:
        """Everything typed is written (no write waiting, none queued)."""
        return self._save_timer is None and not self.session.answers_dirty and self.save_state == "saved"

    @property
    def checked(self) -> bool:
        """The checks are up to date with the answers (none scheduled)."""
        return self._check_timer is None

    def watch_save_state(self) -> None:
        if self.is_mounted and not self._session_closed and self._titlebar.is_mounted:
            self._update_title()

    def _update_title(self) -> None:
        position = f"第 {self.index + 1}/{len(self.items)} 项"
        if self.session.readonly:
            state, style = "只读", "bold yellow"
        elif self.session.failed:
            state, style = "✖ 保存失败", "bold red"
        elif self.save_state == "saving":
            state, style = "保存中…", "dim"
        else:
            state, style = "✔ 已保存", "green"
        title = visible(self.session.title)
        # Kept on the screen too (read by tests and the terminal title), set
        # without the repaint of the whole screen the reactive would cause
        # (no Header shows them: the title bar does).
        self.set_reactive(WizardScreen.title, f"{position} · {title}")
        self.set_reactive(WizardScreen.sub_title, state)
        self._titlebar.show(position, title, state, style)

    # ------------------------------------------------------------ changes

    def _input(self, path: str, raw: Any) -> str | None:
        """An editor's change, as it happens: into the session (held and
        queued at once), then what shows it is brought up to date."""
        error = self.session.input(path, raw)
        if self.session.readonly:
            return error
        self.save_state = "saving"
        self._update_title()  # the title follows the basics
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._flush_soon)
        self._update_paragraph()
        self._schedule_check()
        return error

    @on(FieldEditor.Changed)
    def _field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()  # the session has it already (see _input)

    def _schedule_check(self) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self._run_check)

    def _stop_save_timers(self) -> None:
        for timer in (self._save_timer, self._position_timer):
            if timer is not None:
                timer.stop()
        self._save_timer = self._position_timer = None

    def _flush_soon(self) -> None:
        """Write what is queued in a worker thread (the UI never waits for
        the disk); the session reports the outcome (:class:`Saved`)."""
        self._stop_save_timers()
        if self.session.dirty:
            self.run_worker(self.session.flush, name="autosave", group="autosave", thread=True, exit_on_error=False)

    def on_wizard_screen_saved(self, event: Saved) -> None:
        if event.error:
            self.app.notify(
                f"{event.error}\n修改仍保留在本窗口中，下次修改时会再次尝试保存。",
                title="保存失败",
                severity="error",
                timeout=10,
            )
        if not self.session.answers_dirty:
            self.save_state = "saved"
        self._update_title()  # a failure shows even when the state stays "saving"

    def flush_now(self) -> str | None:
        """Write everything queued before leaving (blocks briefly)."""
        self._stop_save_timers()
        error = self.session.flush()
        if error is None:
            self.save_state = "saved"
        return error

    def _update_paragraph(self) -> None:
        """The item's paragraphs under the form, rendered again only when
        what the session holds has changed since (a step, a revisit or a
        keystroke that changes nothing renders nothing)."""
        item = self.item
        generation = self.session.generation
        kept = self._paragraphs.get(item.id)
        if kept is None or kept[0] != generation:
            blocks = self.session.render_item(item.id)
            plain = "\n".join(block.full_text for block in blocks)
            kept = self._paragraphs[item.id] = (generation, plain, item_text(item, blocks))
        self.paragraph_plain = kept[1]
        self._panel.show(kept[2])

    def _run_check(self) -> None:
        self._check_timer = None
        if not self.is_attached:
            return
        generation = self.session.generation
        if self._check_result is not None and generation == self._checked_generation:
            return  # nothing the checks read has changed (moving on without accepting anything)
        result = self.session.check()
        self._check_result = result
        self._checked_generation = generation
        tree = self._tree
        tree.set_states(self.session.states(result))
        tree.set_counts(entry_counts(self.workflow, self.session.answers))
        self._apply_notes(self.form())

    def _apply_notes(self, form: ItemView) -> None:
        result = self._check_result
        copied = self.session.unconfirmed()
        proposed = self.session.proposed_paths(self.item.id)
        rolled = bool(self.session.rollups)
        for editor in form.editors:
            notes: list[tuple[str, str]] = []
            if result is not None:
                notes = [(p.severity, p.message) for p in result.for_field(editor.path)]
            origin = self.session.rollup_note(editor.path, max(30, editor.size.width - 6)) if rolled else ""
            editor.set_notes(notes, copied.get(editor.path), editor.path in proposed, origin)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field, its help and its message, in the lines under the form."""
        self.update_field_hint()
        self._footer.refresh_keys()
        view = self.form()
        if view in event.widget.ancestors:
            view.call_after_refresh(view.reveal_focused)

    def context_keys(self) -> list[tuple[str, str]]:
        """The keys of the focused control, for the footer (before the screen's)."""
        focused = self.focused
        editor = self.focused_editor()
        if focused is None or editor is None or self.session.readonly:
            if isinstance(focused, ChecklistTree):
                return [("↑↓", "选择"), ("回车", "打开"), ("F4", "回表单")]
            return []
        keys = self._field_keys(focused, editor)
        if any(isinstance(a, GroupEntry) for a in focused.ancestors):
            keys.append((MOVE_KEYS, "移动本条"))
        if self.check_action("undo_delete", ()):
            keys.insert(0, (UNDO_KEY, "撤销删除"))
        return keys

    def _field_keys(self, focused: Widget, editor: FieldEditor) -> list[tuple[str, str]]:
        from textual.widgets import Button

        from ..widgets.fields import BlockInput, LineInput
        from ..widgets.options import OptionPicker

        if isinstance(focused, OptionPicker):
            if editor.field.type == "bool":
                return [("Y/N", "是/否"), ("F7", "清空")]
            if focused.multi:
                return [("↑↓", "移动"), ("空格", "勾选"), ("回车", "下一栏")]
            return [("←→", "移动"), ("空格", "选择"), ("回车", "下一栏")]
        if isinstance(focused, BlockInput):
            return [("回车", "换行"), ("Tab", "下一栏"), ("F7", "清空")]
        if isinstance(focused, LineInput):
            return [("回车", "下一栏"), ("F7", "清空")]
        if isinstance(focused, Button):
            label = str(focused.label).strip("＋ ")
            return [("回车", label), ("Tab", "下一栏")]
        return []

    def action_clear_field(self) -> None:
        """F7: empty the focused input (a pick or tick list: no choice)."""
        from ..widgets.fields import BlockInput, LineInput
        from ..widgets.options import OptionPicker

        focused = self.focused
        if self.session.readonly or focused is None:
            return
        if isinstance(focused, LineInput):
            focused.value = ""  # reported as a change (Input.Changed: on_edit)
        elif isinstance(focused, BlockInput):
            focused.clear()
        elif isinstance(focused, OptionPicker):
            focused.action_clear()

    def focused_editor(self) -> FieldEditor | None:
        """The field editor holding the focus (the innermost, in a group entry)."""
        focused = self.focused
        if focused is None:
            return None
        return next((a for a in focused.ancestors_with_self if isinstance(a, FieldEditor)), None)

    def update_field_hint(self) -> None:
        """Under the form, never scrolled away: the focused field's label, its
        message (an error in full, not cut) and its help."""
        if not self.is_attached or not self.app.screen_stack:
            return
        editor = self.focused_editor()
        text = Text()
        if editor is not None:
            text.append("▶ ")
            text.append(editor.field.label, style="bold")
            message, css = editor.message_text()
            if message:
                style = {"field-error": "bold", "field-warning": "", "field-copied": "italic"}.get(css, "")
                text.append("  ")
                text.append(message, style=style)
            if editor.field.help:
                text.append("\n提示：" + tidy(editor.field.help), style="dim")
        hint = self._hint
        if hint.display != bool(text.plain) or getattr(self, "_hint_plain", None) != text.plain:
            self._hint_plain = text.plain
            hint.show(text)
            hint.display = bool(text.plain)

    def on_field_editor_message_changed(self, event: FieldEditor.MessageChanged) -> None:
        """A field's message changed: shown under the form; an error brings the field into view."""
        event.stop()
        if event.editor is self.focused_editor():
            self.update_field_hint()
            if event.error:
                view = self.form()
                view.call_after_refresh(view.reveal_focused)

    def action_toggle_guidance(self) -> None:
        """Fold the guidance away or show it again (remembered for every item)."""
        folded = not bool(getattr(self.app, "guidance_folded", False))
        setter = getattr(self.app, "set_guidance_folded", None)
        if setter is not None:
            setter(folded)
        self.form().set_folded(folded)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_panel(event.size.height)

    def _fit_panel(self, height: int) -> None:
        """The paragraph panel takes rows only where there are rows to spare."""
        panel = self._panel
        rows = 8 if height >= 34 else 5 if height >= 28 else 4
        if panel.styles.height is None or panel.styles.height.value != rows:
            panel.styles.height = rows

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
        if self._check_timer is not None or self._check_result is None:
            self._run_check()
        states = self.session.states(self._check_result)
        count = len(self.items)
        for step in range(1, count + 1):
            index = (self.index + step) % count
            if states.get(self.items[index].id) not in ("done", "warning"):
                await self.show_item(index)
                return
        self.app.notify("所有条目都已完成。", timeout=4)

    def action_focus_tree(self) -> None:
        tree = self._tree
        if tree.has_focus:
            self.form().focus_first()
        else:
            tree.focus()

    async def on_checklist_tree_item_chosen(self, event: ChecklistTree.ItemChosen) -> None:
        event.stop()
        await self.go_to(event.item_id)

    async def submit_from(self, widget: Widget) -> bool:
        """Enter in a field: the next field, or the next item after the last
        (at once, so that keys typed right after it land there)."""
        view = self.form()
        editor = next((a for a in widget.ancestors if isinstance(a, FieldEditor)), None)
        if editor is None or view not in editor.ancestors:
            return False
        if editor not in view.editors:  # a field inside a group entry
            self.focus_next()
            return True
        for following in view.editors[view.editors.index(editor) + 1 :]:
            if not following.ready:  # still being mounted: keys wait for it
                self._focus_when_ready(following)
                return True
            if following.first_focusable() is not None:
                following.focus_input()
                following.scroll_visible(animate=False)
                return True
        await self.action_next_item()
        return True

    def _focus_when_ready(self, editor: FieldEditor, attempts: int = 8) -> None:
        keys: Any = self.app
        if attempts == 8 and hasattr(keys, "hold_keys"):
            keys.hold_keys()
        if not editor.ready and attempts > 0:
            self.call_after_refresh(self._focus_when_ready, editor, attempts - 1)
            return
        editor.focus_input()
        editor.scroll_visible(animate=False)
        if hasattr(keys, "release_keys"):
            keys.release_keys()

    async def on_group_editor_delete_requested(self, event: GroupEditor.DeleteRequested) -> None:
        """删除本条: deleted at once, undoable (Ctrl+Z); a carried entry's
        removal is kept in the report's history."""
        event.stop()
        try:
            deleted = None if self.session.readonly else await event.editor.delete_entry(event.entry)
        finally:
            if event.held:
                event.editor.release_keys()
        if deleted is None:
            return
        index, values, carried = deleted
        self._undo_group = event.editor
        if carried:
            kind = values.get("kind") if isinstance(values.get("kind"), str) else "上年度问题或承诺"
            if self._record("removed", event.editor, values):
                self.app.notify(f"已删除{kind}，已记入修改记录 · {UNDO_KEY} 撤销", timeout=6)
        else:
            self.app.notify(f"已删除第{index + 1}条 · {UNDO_KEY} 撤销", timeout=6)
        self._footer.refresh_keys()

    def _record(self, event: str, editor: GroupEditor, values: dict[str, Any]) -> bool:
        from store.errors import StoreError

        try:
            self.session.record_entry(event, editor.path, values)
        except (StoreError, OSError) as exc:
            self.app.show_error("修改记录未能保存", str(exc))
            return False
        return True

    async def action_undo_delete(self) -> None:
        """Ctrl+Z: the entry deleted last is back at its place."""
        group, self._undo_group = self._undo_group, None
        if group is None or self.session.readonly:
            return
        restored = await group.undo_delete()
        if restored is None:
            return
        index, values, carried = restored
        if carried:
            self._record("restored", group, values)
        self.app.notify(f"已恢复第{index + 1}条", timeout=3)
        self._footer.refresh_keys()

    # ---------------------------------------------------------- commands

    def action_confirm_copied(self) -> None:
        if self.session.readonly:
            return
        copied = self.session.unconfirmed()
        paths = [f.path for f in self.item.fields if f.path in copied]
        if not paths:
            self.app.notify("本项没有待确认的往年答案。", timeout=3)
            return
        from store.errors import StoreError

        try:
            count = self.session.confirm_copied(paths)
        except (StoreError, OSError) as exc:
            self.app.show_error("确认失败", str(exc))
            return
        self.app.notify(f"已确认本项 {count} 个沿用往年的答案。", timeout=3)
        self._run_check()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_delete":
            group = self._undo_group
            return group is not None and group.undo is not None and not self.session.readonly
        if action == "rollup":
            return self.workflow.rollup is not None and not self.session.readonly
        return True

    def action_rollup(self) -> None:
        """汇总支部数据: pick branch reports and/or answers files, see the
        totals, write them (tui.screens.rollup)."""
        if self.workflow.rollup is None or self.session.readonly:
            return
        from .rollup import RollupOutcome, RollupScreen

        self.flush_now()

        async def done(outcome: RollupOutcome | None) -> None:
            if outcome is None:
                return
            await self.show_item(self.index, focus=True)  # the totals and their provenance
            self._run_check()
            self.app.notify(outcome.summary, title="汇总完成", timeout=8)

        self.app.push_screen(RollupScreen(self.session), done)

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
