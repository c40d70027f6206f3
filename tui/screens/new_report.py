"""New report: choose the workflow, then fill the basics (unit, position,
name, year). Dismisses with the new report's id (None when cancelled)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Header, Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from workflows.values import validate

from ..widgets.editors.line import LineEditor
from ..widgets.fields import FieldEditor, tidy
from ..widgets.footer import KeyFooter
from .base import BaseScreen

if TYPE_CHECKING:  # pragma: no cover
    from workflows.model import Workflow

BASICS_ORDER = ("unit", "position", "name", "year")


class NewReportScreen(BaseScreen["str | None"]):
    """Two steps: workflow, basics."""

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+s", "create", "创建"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="new-report")
        self.workflows: list[Workflow] = []
        self.workflow: Workflow | None = None
        self.values: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="step-workflow", id="new-steps"):
            with Vertical(id="step-workflow"):
                yield Label("第 1 步（共 2 步）：选择要写的报告类型", classes="step-title")
                yield LoadingIndicator(id="workflows-loading")
                yield OptionList(id="workflow-list")
                yield Static("上下方向键选择，回车确定；Esc 返回报告列表。", classes="step-hint")
            with Vertical(id="step-basics"):
                yield Label("第 2 步（共 2 步）：填写基本信息", classes="step-title")
                yield Static("", id="basics-workflow", markup=False)
                yield VerticalScroll(id="basics-form")
                yield Static(
                    "回车到下一栏，最后一栏按回车（或 Ctrl+S）创建报告；其余内容在后面逐项填写。", classes="step-hint"
                )
                with Horizontal(id="basics-buttons"):
                    yield Button("创建并开始填写", id="create", variant="primary")
                    yield Button("上一步", id="back")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "新建报告"
        self.query_one("#workflow-list").display = False
        self._load_workflows()

    @work(thread=True, exclusive=True)
    def _load_workflows(self) -> None:
        from tui.session import workflow_choices

        store = self.app.store
        root = store.root if store is not None else None
        workflows = workflow_choices(root)
        self.app.call_from_thread(self._show_workflows, workflows)

    def _show_workflows(self, workflows: list[Workflow]) -> None:
        self.workflows = workflows
        self.query_one("#workflows-loading").display = False
        options = self.query_one("#workflow-list", OptionList)
        options.display = True
        for wf in workflows:
            options.add_option(Option(self._prompt(wf, False), id=wf.id))
        if not workflows:
            self.app.show_error("没有可用的工作流", "没有找到任何可用的工作流文件。")
            return
        options.highlighted = 0
        options.focus()

    @staticmethod
    def _prompt(wf: Workflow, current: bool) -> Text:
        """A workflow in the list; ▸ marks the highlighted one (readable without colour)."""
        prompt = Text("▸ " if current else "  ", style="bold")
        prompt.append(wf.title, style="bold")
        if wf.description:
            prompt.append("\n  " + tidy(wf.description), style="dim")
        return prompt

    @on(OptionList.OptionHighlighted, "#workflow-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        options = event.option_list
        for index, wf in enumerate(self.workflows):
            options.replace_option_prompt_at_index(index, self._prompt(wf, index == event.option_index))

    @on(OptionList.OptionSelected, "#workflow-list")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        wf = next((w for w in self.workflows if w.id == event.option.id), None)
        if wf is not None:
            await self._show_basics(wf)

    async def _show_basics(self, wf: Workflow) -> None:
        from tui.session import basics_field
        from workflows.answers import initial_answers

        self.workflow = wf
        defaults = initial_answers(wf, today=self.app.today)
        form = self.query_one("#basics-form", VerticalScroll)
        await form.remove_children()
        editors = []
        for key in BASICS_ORDER:
            f = basics_field(wf, key)
            if f is not None:
                editors.append(LineEditor(f, self.values.get(f.path, defaults.get(f.path))))
        await form.mount_all(editors)
        self.query_one("#basics-workflow", Static).update(f"报告类型：{wf.title}")
        self.query_one(ContentSwitcher).current = "step-basics"
        if editors:
            editors[0].focus_input()

    def _editors(self) -> list[FieldEditor]:
        return list(self.query("#basics-form FieldEditor").results(FieldEditor))

    def on_field_editor_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.values[event.path] = event.value

    async def submit_from(self, widget: Widget) -> bool:
        """Enter in a basics field: the next one (at once, so that keys typed
        right after it land there), or create the report after the last."""
        inputs = list(self.query("#basics-form Input").results(Input))
        if widget not in inputs:
            return False
        if widget is inputs[-1]:
            self.action_create()
        else:
            self.set_focus(inputs[inputs.index(widget) + 1])
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.action_create()
        elif event.button.id == "back":
            self.action_back()

    def action_back(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "step-basics":
            switcher.current = "step-workflow"
            self.query_one("#workflow-list", OptionList).focus()
        else:
            self.dismiss(None)

    def action_create(self) -> None:
        from store.errors import StoreError
        from tui.session import NewReport, ServiceError, create_report
        from workflows.values import AnswerError

        wf = self.workflow
        if wf is None or self.query_one(ContentSwitcher).current != "step-basics":
            return
        values: dict[str, Any] = {}
        first_bad: FieldEditor | None = None
        for editor in self._editors():
            value, error = validate(editor.field, editor.raw(), editor.path)
            if error is None and value is None and editor.field.required:
                error = f"请填写{editor.field.label}"
            if error:
                editor.error = error
                editor._show_message()
                first_bad = first_bad or editor
                continue
            key = editor.field.id if editor.field.path != wf.year_field else "year"
            values[key] = value
        if first_bad is not None:
            first_bad.focus_input()
            return
        store = self.app.get_store()
        if store is None:
            return
        spec = NewReport(
            wf,
            year=values.get("year"),
            unit=values.get("unit"),
            name=values.get("name"),
            position=values.get("position"),
        )
        try:
            meta = create_report(store, spec, today=self.app.today)
        except (StoreError, ServiceError, AnswerError) as exc:
            self.app.show_error("无法创建报告", str(exc))
            return
        self.dismiss(meta.id)
