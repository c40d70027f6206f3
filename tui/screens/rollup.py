"""汇总支部数据: roll branch reports (picked in this store) and answers files
(from a folder) up into the bureau report open in the wizard.

The dialog lists the reports of the branch workflow with ☐/☑ ticks (Space
ticks, keyboard only), reads the answers files of a folder typed in, shows
the table of totals (``tui.session.rollup.plan_lines``, the same text as
``shuzhi rollup``) and writes after a confirmation, in one write through
the wizard's session. It answers a :class:`RollupOutcome` (None: nothing
written).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from workflows.render.preview import visible

from ..widgets.fields import LineInput
from ..widgets.options import OptionPicker
from ..widgets.wrapped import WrappedStatic
from .base import BaseDialog

if TYPE_CHECKING:  # pragma: no cover
    from tui.session import Session
    from tui.session.rollup import RollupPlan


@dataclass(frozen=True)
class RollupOutcome:
    """What the roll-up wrote into the report."""

    written: dict[str, Any]  # bureau "item.field" -> total
    branches: int
    summary: str  # the Chinese sentence shown after the write


class RollupScreen(BaseDialog["RollupOutcome | None"]):
    """Pick branch reports and/or a folder of answers files, see the totals,
    write them after confirming."""

    DEFAULT_CSS = """
    RollupScreen #rollup-box { width: 78; height: 22; }
    RollupScreen #rollup-body { height: 1fr; }
    RollupScreen .rollup-label { margin-top: 1; text-style: bold; }
    RollupScreen #rollup-folder { margin-bottom: 0; }
    RollupScreen #rollup-status { height: auto; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("ctrl+r", "compute", "计算合计", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="rollup-dialog")
        self.session = session
        self.branch: Any = None
        self.report_ids: list[str] = []  # in the order of the report picker's options
        self.files: list[Path] = []  # in the order of the file picker's options
        self.plan: RollupPlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="rollup-box"):
            yield Label("汇总支部数据", classes="dialog-title")
            with VerticalScroll(id="rollup-body"):
                yield WrappedStatic("", id="rollup-intro")
                yield Label("本机的支部报告（↑↓ 移动，空格勾选）：", classes="rollup-label")
                yield OptionPicker(id="rollup-reports")
                yield Label("支部答案文件所在的文件夹（回车读取）：", classes="rollup-label")
                yield LineInput("", id="rollup-folder", compact=True, placeholder="如 ~/支部答案；不用文件则留空")
                yield OptionPicker(id="rollup-files")
                yield WrappedStatic("", id="rollup-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("计算合计", id="rollup-compute", variant="primary")
                yield Button("写入报告", id="rollup-write", disabled=True)
                yield Button("取消", id="rollup-cancel")

    def on_mount(self) -> None:
        from store.errors import StoreError
        from tui.session import SessionError
        from tui.session.rollup import branch_reports, rollup_workflow
        from workflows.loader import WorkflowError

        try:
            self.branch = rollup_workflow(self.session)
            metas = branch_reports(self.session.store, self.branch.id)
        except (SessionError, WorkflowError, StoreError) as exc:
            self._status(Text(f"不能汇总：{exc}", style="bold red"))
            self.query_one("#rollup-compute", Button).disabled = True
            return
        count = len(self.session.workflow.rollup.sums) if self.session.workflow.rollup else 0
        self.query_one("#rollup-intro", Static).update(
            f"把“{self.branch.title}”的各支部数字逐项相加，{count} 项合计写入本报告，并记录每项来自哪些支部。"
            "再次汇总会替换上次的结果。"
        )
        self.report_ids = [m.id for m in metas]
        labels = [self._report_label(m) for m in metas]
        picker = self.query_one("#rollup-reports", OptionPicker)
        if labels:
            picker.load(labels, multi=True, vertical=True, numbered=False)
        else:
            picker.display = False
            self.query_one(".rollup-label", Label).update("本机没有支部报告（可用下面的答案文件汇总）。")
        self.query_one("#rollup-files", OptionPicker).display = False
        (picker if labels else self.query_one("#rollup-folder", Input)).focus()

    @staticmethod
    def _report_label(meta: Any) -> str:
        year = f"{meta.year}年度 " if meta.year else ""
        unit = meta.unit or meta.title
        return visible(f"{unit}（{year}{meta.id}）")

    # ------------------------------------------------------------- state

    def _status(self, text: Text | str) -> None:
        self.query_one("#rollup-status", Static).update(text)

    def picked_reports(self) -> list[str]:
        picker = self.query_one("#rollup-reports", OptionPicker)
        return [self.report_ids[i] for i in sorted(picker.chosen)] if self.report_ids else []

    def picked_files(self) -> list[Path]:
        picker = self.query_one("#rollup-files", OptionPicker)
        return [self.files[i] for i in sorted(picker.chosen)] if self.files else []

    def pick_reports(self, report_ids: list[str]) -> None:
        """Tick these reports (as Space on each does)."""
        picker = self.query_one("#rollup-reports", OptionPicker)
        for report_id in report_ids:
            index = self.report_ids.index(report_id)
            if index not in picker.chosen:
                picker.action_pick(index)

    def read_folder(self) -> None:
        from tui.session import SessionError
        from tui.session.rollup import answers_files

        text = self.query_one("#rollup-folder", Input).value.strip()
        picker = self.query_one("#rollup-files", OptionPicker)
        self.files = []
        picker.display = False
        if not text:
            return
        try:
            self.files = answers_files(text)
        except SessionError as exc:
            self._status(Text(visible(str(exc)), style="bold red"))
            return
        if not self.files:
            self._status(Text(visible(f"文件夹“{text}”中没有答案文件（.yaml/.yml/.json）。"), style="bold red"))
            return
        names = [visible(p.name) for p in self.files]
        picker.load(names, names, multi=True, vertical=True, numbered=False)
        picker.display = True
        self._status(f"读到 {len(self.files)} 个答案文件，已全部勾选（空格取消勾选）。")
        self._stale()

    def _stale(self) -> None:
        """The choice changed: the table shown no longer applies."""
        if self.plan is not None:
            self.plan = None
            self.query_one("#rollup-write", Button).disabled = True

    @on(OptionPicker.Changed)
    def _picked(self, event: OptionPicker.Changed) -> None:
        event.stop()
        self._stale()

    async def submit_from(self, widget: Any) -> bool:
        """Enter: in the folder input reads it; in a picker moves on."""
        if widget.id == "rollup-folder":
            self.read_folder()
            (self.query_one("#rollup-files") if self.files else self.query_one("#rollup-compute")).focus()
        else:
            self.focus_next()
        return True

    # ----------------------------------------------------------- actions

    def action_compute(self) -> None:
        from store.errors import StoreError
        from tui.session import SessionError
        from tui.session.rollup import load_sources, plan_lines, plan_rollup
        from workflows.loader import WorkflowError

        if self.branch is None:
            return
        refs = [*self.picked_reports(), *(str(p) for p in self.picked_files())]
        if not refs:
            self._status(Text("请先勾选支部报告，或读取答案文件所在的文件夹。", style="bold red"))
            return
        try:
            found = load_sources(self.session.store, self.branch, refs)
            plan = plan_rollup(self.session, found)
        except (StoreError, SessionError, WorkflowError) as exc:
            self._status(Text(visible(f"不能汇总：{exc}"), style="bold red"))
            return
        status = self.query_one("#rollup-status", Static)
        width = max(40, (status.content_region.width or 68) - 1)
        lines = [visible(line) for line in plan_lines(plan, width)]
        text = Text("\n".join(lines), no_wrap=True, overflow="ellipsis")  # wrapped already: columns stay
        if plan.ok:
            text.append("\n\n按“写入报告”把以上合计写入本报告。", style="bold")
        self._status(text)
        self.plan = plan if plan.ok else None
        button = self.query_one("#rollup-write", Button)
        button.disabled = not plan.ok
        if plan.ok:
            button.focus()
        body = self.query_one("#rollup-body", VerticalScroll)
        self.call_after_refresh(body.scroll_to_widget, status, animate=False, top=True)

    def action_write(self) -> None:
        from .dialogs import ConfirmDialog

        plan = self.plan
        if plan is None:
            return
        n = len(plan.result.answers())
        gaps = sum(len(t.missing) for t in plan.result.totals)
        question = f"把 {n} 项合计写入本报告（{plan.coverage}）？这些项原有的数字将被替换。"
        if gaps:
            question += f"\n注意：有 {gaps} 处缺少支部数据，合计中不含。"

        def answer(yes: bool | None) -> None:
            if yes:
                self._save(plan)

        self.app.push_screen(ConfirmDialog(question, title="写入汇总结果", yes="写入"), answer)

    def _save(self, plan: RollupPlan) -> None:
        from store.errors import StoreError
        from tui.session import SessionError
        from tui.session.rollup import written_summary
        from workflows.values import AnswerError

        try:
            written = self.session.apply_rollup(plan)
        except (StoreError, SessionError, AnswerError, OSError) as exc:
            self._status(Text(visible(f"写入失败，报告未改动：{exc}"), style="bold red"))
            return
        self.dismiss(RollupOutcome(written, len(plan.result.sources), written_summary(written, plan)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rollup-compute":
            self.action_compute()
        elif event.button.id == "rollup-write":
            self.action_write()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
