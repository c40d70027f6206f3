"""The home screen: the user's reports, and what to do with them."""

from __future__ import annotations

import datetime as _dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Static

from ..widgets.footer import KeyFooter
from ..widgets.report_list import Cell, Column, ReportList
from ..widgets.wrapped import WrappedStatic
from .base import BaseScreen
from .commands import KeyIndex, TargetsProvider
from .progress import Pacer

if TYPE_CHECKING:  # pragma: no cover
    from store import ReportMeta

    from .progress import ProgressCache

EMPTY_TEXT = (
    "欢迎使用 shuzhi（述职）。\n"
    "\n"
    "这里还没有报告。本程序会按上级下发的责任清单逐项提问，您逐项填写，"
    "它自动拼成一篇述职报告，可随时预览，最后导出为公文格式的Word文档。"
    "每次修改都会自动保存。\n"
    "\n"
    "按 N 新建报告；第一次使用，可以按 M 打开一份填好的示例报告看看效果。"
)


def short_time(iso: str) -> str:
    """"2025-12-01T10:00:05+08:00" -> "2025-12-01 10:00"."""
    if not iso:
        return ""
    return iso[:16].replace("T", " ")


def saved_cell(iso: str, year: int) -> str:
    """The list's 上次保存: "12-01 10:00" in ``year`` (this year), else "2024-12-01"."""
    if not iso:
        return ""
    return iso[5:16].replace("T", " ") if iso[:4] == str(year) else iso[:10]


def listed_title(title: str, year: int | None) -> str:
    """A title as the list shows it: without the report year near its start
    ("2025年度…"), which the 年度 column shows, so that the unit (what tells
    reports apart) fits."""
    if year:
        for mark in (f"{year}年度", f"{year}年"):
            at = title.find(mark)
            if 0 <= at <= 3:  # "2025年度…", "示例：2025年度…"
                rest = title[:at] + title[at + len(mark):]
                return rest if rest.strip() else title
    return title


# Widths of the list's columns in terminal cells; the title takes the rest.
# 工作流: a workflow's short name (workflows.model.SHORT_TITLE_MAX characters).
WORKFLOW_WIDTH, YEAR_WIDTH, PROGRESS_WIDTH, SAVED_WIDTH = 8, 4, 7, 11
# Each column's padding (1 cell each side) and room for the scroll bar.
_CHROME = 5 * 2 + 2
TITLE_MIN = 16
# From this many reports the status line names the filter (/) instead of C.
FILTER_HINT_FROM = 20


class HomeCommands(TargetsProvider):
    """Command palette on the home screen."""

    def _targets(self) -> list[tuple[str, Any, str]]:
        screen = self.screen
        if not isinstance(screen, HomeScreen):
            return []
        return [
            ("新建报告", screen.action_new, "选择工作流并填写基本信息"),
            ("打开示例报告", screen.action_demo, "一份填好的报告，看看效果"),
            ("沿用往年报告新建", screen.action_copy_year, "以所选报告的答案为基础写新一年的报告"),
            ("重命名所选报告", screen.action_rename, ""),
            ("删除所选报告", screen.action_delete, "移入回收站，可恢复"),
            ("导入答案文件", screen.action_import, "把 YAML/JSON 答案文件导入所选报告"),
            ("从备份恢复", screen.action_restore_backup, "把所选报告换回它的一个备份（K）"),
            ("显示或隐藏回收站", screen.action_toggle_bin, "查看并恢复已删除的报告"),
        ]

    def _keyed(self) -> KeyIndex:
        screen = self.screen
        return screen.search_keys() if isinstance(screen, HomeScreen) else super()._keyed()

    def _keyed_target(self, item: ReportMeta) -> tuple[str, Any, str]:
        screen = self.screen
        assert isinstance(screen, HomeScreen)
        where = " · ".join(part for part in (
            str(screen.workflow_name(item.workflow_id)), f"{item.year}年度" if item.year else "", item.unit,
        ) if part)
        return (f"打开：{item.title}", functools.partial(screen.open_report, item.id),
                f"{where} · 保存于 {short_time(item.updated)}" if where else short_time(item.updated))

    def _more(self, count: int, searching: bool) -> str:
        if searching:
            return f"另有 {count} 份报告匹配：再输入标题、单位或年度中的几个字缩小范围"
        return f"另有 {count} 份报告：输入标题、单位、年度或工作流查找"


class HomeScreen(BaseScreen[None]):
    """The list of reports."""

    COMMANDS = {HomeCommands}

    BINDINGS = [
        Binding("o", "open", "打开", key_display="回车"),
        Binding("n", "new", "新建"),
        Binding("c", "copy_year", "沿用往年"),
        Binding("r", "rename", "重命名"),
        Binding("d,delete", "delete", "删除"),
        Binding("i", "import", "导入答案"),
        Binding("m", "demo", "示例", show=False),
        Binding("b", "toggle_bin", "回收站", show=False),
        Binding("u", "restore", "恢复", show=False),
        Binding("k", "restore_backup", "从备份恢复", show=False),
        Binding("slash", "filter", "筛选", show=False, key_display="/"),
        Binding("escape", "clear_filter", "清除筛选", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="home")
        self.metas: list[ReportMeta] = []
        self.shown: list[ReportMeta] = []  # the listed ones the filter lets through (the list's rows)
        self.filter_text = ""
        self.show_bin = False
        # report id -> last known progress text; the "updated" it holds for (else shown provisional).
        self._progress: dict[str, str] = {}
        self._progress_key: dict[str, str] = {}
        self._texts: dict[str, str] = {}  # one object per progress text, not per report
        self._provisional: set[str] = set()  # shown provisional until re-checked
        self._pacer = Pacer()  # the background re-check gives way to keys
        self._progress_cache: ProgressCache | None = None
        self._workflow_names: dict[str, str | Text] = {}
        self._last_deleted: str | None = None
        self._title_cells = 0  # the title column's width
        self._this_year = _dt.date.today().year
        # The search keys of the listed reports (palette, filter; None: to be made).
        self._search_keys: dict[bool, KeyIndex] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-empty"):
            yield WrappedStatic(EMPTY_TEXT, id="home-empty-text")
            with Horizontal(id="home-empty-buttons"):
                yield Button("新建报告（N）", id="home-new", variant="primary")
                yield Button("打开示例报告（M）", id="home-demo")
        yield Input(placeholder="筛选：输入标题、单位、年度或工作流中的字（回车回到列表，Esc 清除）", id="home-filter")
        # Virtual: rows are built when painted (10,000 reports cost what 20 do).
        yield ReportList(self._cells, id="reports")
        yield WrappedStatic("", id="home-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "我的报告"
        self.query_one("#home-filter").display = False
        self._add_columns(self._title_width(self.app.size.width))
        # The list after the first frame: the screen appears at once.
        self.call_after_refresh(self.refresh_reports)

    @staticmethod
    def _title_width(width: int) -> int:
        fixed = WORKFLOW_WIDTH + YEAR_WIDTH + PROGRESS_WIDTH + SAVED_WIDTH + _CHROME
        return max(TITLE_MIN, width - fixed)

    def _add_columns(self, title_width: int) -> None:
        self._title_cells = title_width
        self.query_one("#reports", ReportList).set_columns([
            Column("标题", "title", title_width),
            Column("工作流", "workflow", WORKFLOW_WIDTH),
            Column("年度", "year", YEAR_WIDTH),
            Column("进度", "progress", PROGRESS_WIDTH),
            Column("上次保存", "updated", SAVED_WIDTH),
        ])

    def on_resize(self, event: events.Resize) -> None:
        """The title column takes what the others leave of the width."""
        width = self._title_width(event.size.width)
        if self._title_cells and width != self._title_cells:
            self._add_columns(width)

    # ------------------------------------------------------------ listing

    def refresh_reports(self, select: str | None = None) -> None:
        """Re-read the list (index only: fast) and fill progress in the background."""
        store = self.app.get_store()
        if store is None:
            self.metas = []
        else:
            from store.errors import StoreError

            try:
                self.metas = store.list_reports(include_deleted=self.show_bin)
            except StoreError as exc:
                self.app.show_error("无法读取报告列表", str(exc))
                self.metas = []
            for notice in store.notices:
                self.app.notify(notice, title="数据目录", severity="warning", timeout=10)
            store.notices.clear()
        if store is not None:
            self._use_saved_progress(store)
        self._search_keys = None
        self._fill_table(select)
        todo = [m for m in self.metas if not m.problem and self._progress_key.get(m.id) != m.updated]
        self._provisional = {m.id for m in todo if m.id in self._progress}
        if self._provisional:
            self._update_status()
        if todo:  # once the list is laid out (the rows on screen come first)
            self.call_after_refresh(self._compute_progress, todo)

    def _use_saved_progress(self, store: Any) -> None:
        """Progress held in the index: current for reports unchanged since,
        provisional for the others (until re-checked)."""
        from .progress import ProgressCache

        if self._progress_cache is None:
            self._progress_cache = ProgressCache(store, self.app.today, self.app.cache)
        saved = self._progress_cache.load(self.metas)
        for meta in self.metas:
            held = saved.get(meta.id)
            if held is None or self._progress_key.get(meta.id) == meta.updated:
                continue
            self._progress[meta.id] = self._texts.setdefault(held.text, held.text)
            if held.current and held.updated == meta.updated:
                self._progress_key[meta.id] = meta.updated
            if held.workflow_id not in self._workflow_names:
                self._workflow_names[held.workflow_id] = self._short_name(held.workflow_title)

    def _fill_table(self, select: str | None = None) -> None:
        table = self.query_one("#reports", ReportList)
        current = select or self.selected_id()
        self._this_year = (self.app.today or _dt.date.today()).year
        self.shown = self._filtered()
        table.set_rows([meta.id for meta in self.shown])
        empty = not self.metas
        self.query_one("#home-empty").display = empty and not self.show_bin
        table.display = not empty or self.show_bin
        row = table.row_of(current) if current is not None else None
        if row is not None:
            table.move_cursor(row=row, animate=False)
        typing = self.query_one("#home-filter").has_focus  # a filter: the focus stays
        if empty and not self.show_bin and not typing:
            self.query_one("#home-new", Button).focus()
        elif not typing:
            table.focus()
        self._update_status()

    def search_keys(self, deleted: bool = False) -> KeyIndex:
        """The search key of each listed report (title, unit, year, workflow's
        short name; lower case), made once per listing: the palette's (without
        the recycle bin's unless ``deleted``) and the filter's."""
        self._pacer.touch()  # a search: the user is typing
        if self._search_keys is None:
            self._search_keys = {}
            if not any(meta.deleted for meta in self.metas):  # the same keys: made once
                self._search_keys[True] = self.search_keys(False)
        if deleted not in self._search_keys:
            self._search_keys[deleted] = KeyIndex([
                (f"{meta.title} {meta.unit} {meta.year or ''} {self.workflow_name(meta.workflow_id)}".lower(), meta)
                for meta in self.metas
                if deleted or not meta.deleted
            ])
        return self._search_keys[deleted]

    def _filtered(self) -> list[ReportMeta]:
        if not self.filter_text.strip():
            return self.metas
        return self.search_keys(deleted=True).contains(self.filter_text)

    def action_filter(self) -> None:
        """Show the filter line (/): as one types, the list keeps the reports
        whose key (as the palette's) holds every word typed."""
        field = self.query_one("#home-filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#home-filter", Input)
        if not field.display:
            return
        field.display = False
        if self.filter_text:
            self.filter_text = ""
            field.value = ""
        self._fill_table()
        if self.metas or self.show_bin:
            self.query_one("#reports", ReportList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "home-filter":
            event.stop()
            self.filter_text = event.value
            self._fill_table()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "home-filter":
            event.stop()
            self.query_one("#reports", ReportList).focus()

    def _cells(self, row: int, current: bool) -> list[Cell]:
        """Row ``row``'s cells, built when the row is painted."""
        meta = self.shown[row]
        return [
            self._title_cell(meta, current),
            self.workflow_name(meta.workflow_id),
            str(meta.year or ""),
            self._progress_cell(meta),
            saved_cell(meta.updated, self._this_year),
        ]

    def _progress_cell(self, meta: ReportMeta) -> str:
        """Items done ("12/28项"); "12/28…" while not confirmed for the report as it is; "…": not known yet."""
        from .progress import provisional

        text = self._progress.get(meta.id)
        if text is None:
            return "…"
        return text if self._progress_key.get(meta.id) == meta.updated else provisional(text)

    def workflow_name(self, workflow_id: str) -> str | Text:
        name = self._workflow_names.get(workflow_id)
        return self._short_name(workflow_id) if name is None else name

    @staticmethod
    def _title_cell(meta: ReportMeta, current: bool = False) -> Text:
        """A report's title; ▸ marks the selected one (readable without colour)."""
        title = Text(listed_title(meta.title, meta.year))
        if meta.deleted:
            title = Text("［已删除］", style="red") + title
        elif meta.problem:
            title = Text("［无法读取］", style="red") + title
        elif meta.locked_by is not None:
            title = Text("［编辑中］", style="yellow") + title
        title = Text("▸ " if current else "  ", style="bold") + title
        title.overflow = "ellipsis"
        title.no_wrap = True
        return title

    def on_report_list_highlighted(self, event: ReportList.Highlighted) -> None:
        event.stop()  # the ▸ mark is painted with the cursor row
        self._pacer.touch()
        self._update_status()

    def _update_status(self) -> None:
        if self.show_bin:
            text = "正在显示回收站中的报告：选中后按 U 恢复；按 B 返回。"
        elif (selected := self.selected()) is not None and selected.problem:
            text = "所选报告无法读取：按回车或 K 查看它的备份并恢复。"
        elif self.filter_text.strip():
            text = (f"筛选“{self.filter_text.strip()}”：{len(self.shown)}/{len(self.metas)} 份报告。"
                    "回车打开，Esc 清除筛选。")
        elif len(self.metas) > FILTER_HINT_FROM:
            text = f"共 {len(self.metas)} 份报告。回车打开，/ 按标题、单位或年度筛选，N 新建；F1 帮助。"
        elif self.metas:
            text = f"共 {len(self.metas)} 份报告。回车打开，N 新建，C 以所选报告为基础写新一年的报告；F1 帮助。"
        else:
            text = ""
        if self._provisional and text:
            from .progress import recheck_note

            text += "\n" + recheck_note(len(self._provisional))
        self.query_one("#home-status", Static).update(text)

    @work(thread=True, exclusive=True, group="home-progress", exit_on_error=False)
    def _compute_progress(self, metas: list[ReportMeta]) -> None:
        """The current state of each of ``metas`` (stale or missing in the index), as ``shuzhi list``
        works it out (``progress.recheck``): the rows on screen first, written batch by batch."""
        from textual.worker import get_current_worker

        from .progress import OnScreen, recheck

        if self.app.store is not None:
            on_screen = OnScreen(self.app, get_current_worker())
            recheck(self.app.store, metas, first=on_screen.call(self._rows_on_screen), stopped=on_screen.stopped,
                    checked=on_screen.call(self._set_checked), cache=self.app.cache, today=self.app.today,
                    pacer=self._pacer, named=on_screen.call(self._set_workflow_names))

    def _rows_on_screen(self) -> list[str]:
        table = self.query_one("#reports", ReportList)
        top, height = table.scroll_offset.y, table.scrollable_content_region.height or self.app.size.height
        return [meta.id for meta in self.shown[top:top + height - 1]]

    def _set_checked(self, checked: list[tuple[ReportMeta, dict | None]]) -> None:
        """Fresh progress for these reports (state None: unreadable)."""
        from tui.session.state import progress_text

        from .progress import UNREADABLE

        for meta, state in checked:
            text = UNREADABLE if state is None else progress_text(state)
            self._progress[meta.id] = self._texts.setdefault(text, text)
            self._progress_key[meta.id] = meta.updated
            self._provisional.discard(meta.id)
        self.query_one("#reports", ReportList).refresh_rows([meta.id for meta, _state in checked])
        self._update_status()

    @staticmethod
    def _short_name(name: str) -> Text:
        """A workflow's short name (``Workflow.short_name``), within its column."""
        short = Text(name)
        short.truncate(WORKFLOW_WIDTH, overflow="ellipsis")
        return short

    def _set_workflow_names(self, names: dict[str, str]) -> None:
        self._workflow_names.update((workflow_id, self._short_name(name)) for workflow_id, name in names.items())
        self._search_keys = None
        self.query_one("#reports", ReportList).refresh_rows()

    def selected_id(self) -> str | None:
        meta = self.selected()
        return meta.id if meta is not None else None

    def selected(self) -> ReportMeta | None:
        row = self.query_one("#reports", ReportList).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _need_selection(self) -> ReportMeta | None:
        meta = self.selected()
        if meta is None:
            self.app.notify("请先选中一份报告（上下方向键）。", timeout=4)
        return meta

    # ------------------------------------------------------------ actions

    def on_report_list_selected(self, event: ReportList.Selected) -> None:
        event.stop()
        self.action_open()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "home-new":
            self.action_new()
        elif event.button.id == "home-demo":
            self.action_demo()

    def action_open(self) -> None:
        meta = self._need_selection()
        if meta is None:
            return
        if meta.deleted:
            self.action_restore()
            return
        self.open_report(meta.id)

    def open_report(self, report_id: str) -> None:
        self.app.open_report(report_id)

    def action_new(self) -> None:
        from .new_report import NewReportScreen

        def created(report_id: str | None) -> None:
            if report_id:
                self.refresh_reports(select=report_id)
                self.open_report(report_id)

        self.app.push_screen(NewReportScreen(), created)

    def action_demo(self) -> None:
        from store.errors import StoreError
        from tui.session import ServiceError, create_demo_report
        from workflows.answers import AnswersFileError
        from workflows.loader import WorkflowError

        store = self.app.get_store()
        if store is None:
            return
        try:
            meta = create_demo_report(store, today=self.app.today)
        except (StoreError, WorkflowError, AnswersFileError, ServiceError) as exc:
            self.app.show_error("无法创建示例报告", str(exc))
            return
        self.app.notify("已创建示例报告，可随意修改或删除。", timeout=4)
        self.refresh_reports(select=meta.id)
        self.open_report(meta.id)

    def action_copy_year(self) -> None:
        from .dialogs import PromptDialog

        meta = self._need_selection()
        if meta is None or meta.deleted:
            return
        default_year = str(meta.year + 1) if meta.year else ""

        def validate(text: str) -> str | None:
            if not text.isdigit() or not 2000 <= int(text) <= 2100:
                return "请填写 2000 至 2100 之间的年份"
            return None

        def chosen(year: str | None) -> None:
            if year:
                self._create_from_previous(meta, int(year))

        self.app.push_screen(
            PromptDialog(
                f"以“{meta.title}”的答案为基础新建报告。沿用的答案会标记为“沿用往年”，请逐项核对确认。\n新报告的年度：",
                title="沿用往年报告",
                value=default_year,
                validate=validate,
            ),
            chosen,
        )

    def _create_from_previous(self, meta: ReportMeta, year: int) -> None:
        from store.errors import StoreError
        from tui.session import NewReport, ServiceError, create_report, find_workflow
        from workflows.loader import WorkflowError
        from workflows.values import AnswerError

        store = self.app.get_store()
        if store is None:
            return
        try:
            wf = find_workflow(meta.workflow_id, store.root)
            new = create_report(store, NewReport(wf, year=year), previous=meta.id, today=self.app.today)
        except (StoreError, WorkflowError, ServiceError, AnswerError) as exc:
            self.app.show_error("无法新建报告", str(exc))
            return
        self.app.notify(f"已新建“{new.title}”。", timeout=4)
        self.refresh_reports(select=new.id)
        self.open_report(new.id)

    def action_rename(self) -> None:
        from .dialogs import PromptDialog

        meta = self._need_selection()
        if meta is None:
            return

        def validate(text: str) -> str | None:
            if not text:
                return "标题不能为空"
            if len(text) > 200:
                return f"标题过长（{len(text)} 字，最多 200 字）"
            return None

        def renamed(title: str | None) -> None:
            if not title or title == meta.title:
                return
            from store.errors import StoreError

            store = self.app.get_store()
            if store is None:
                return
            try:
                store.rename(meta.id, title)
            except StoreError as exc:
                self.app.show_error("无法重命名", str(exc))
                return
            self.refresh_reports(select=meta.id)

        dialog = PromptDialog("新的标题：", title="重命名报告", value=meta.title, validate=validate)
        self.app.push_screen(dialog, renamed)

    def action_delete(self) -> None:
        from .dialogs import ConfirmDialog

        meta = self._need_selection()
        if meta is None or meta.deleted:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            from store.errors import StoreError

            store = self.app.get_store()
            if store is None:
                return
            try:
                store.delete(meta.id)
            except StoreError as exc:
                self.app.show_error("无法删除", str(exc))
                return
            self._last_deleted = meta.id
            self.app.notify(f"已将“{meta.title}”移入回收站。按 U 可撤销，按 B 查看回收站。", timeout=8)
            self.refresh_reports()

        self.app.push_screen(
            ConfirmDialog(
                f"删除“{meta.title}”？\n报告会移入回收站，之后可以恢复。", title="删除报告", yes="删除", danger=True
            ),
            confirmed,
        )

    def action_restore(self) -> None:
        from store.errors import StoreError

        meta = self.selected()
        report_id = meta.id if meta is not None and meta.deleted else self._last_deleted
        if report_id is None:
            self.app.notify("没有可恢复的报告。按 B 查看回收站。", timeout=4)
            return
        store = self.app.get_store()
        if store is None:
            return
        try:
            restored = store.restore(report_id)
        except StoreError as exc:
            self.app.show_error("无法恢复", str(exc))
            return
        if self._last_deleted == report_id:
            self._last_deleted = None
        self.app.notify(f"已恢复“{restored.title}”。", timeout=4)
        self.show_bin = False
        self.refresh_reports(select=report_id)

    def action_restore_backup(self) -> None:
        """The restore dialog for the highlighted report (a damaged one too)."""
        meta = self._need_selection()
        if meta is None:
            return
        if meta.deleted:
            self.app.notify("这份报告在回收站中：请先按 U 恢复，再从备份恢复。", timeout=6)
            return
        self.app.offer_restore(
            meta.id,
            f"把“{meta.title}”换回它的一个备份。现在的报告文件会先另存为一个新备份"
            "（无法读取的则原样移到一旁），不会丢失。",
        )

    def action_toggle_bin(self) -> None:
        self.show_bin = not self.show_bin
        self.refresh_reports()

    def action_import(self) -> None:
        from .dialogs import PromptDialog

        meta = self._need_selection()
        if meta is None or meta.deleted:
            return

        def validate(text: str) -> str | None:
            path = Path(text).expanduser()
            if not path.is_file():
                return f"找不到文件“{path}”"
            return None

        def chosen(text: str | None) -> None:
            if text:
                self._import(meta, Path(text).expanduser())

        self.app.push_screen(
            PromptDialog(
                f"把答案文件（YAML 或 JSON）导入“{meta.title}”。文件中有的字段会覆盖现有答案，其余不变。\n文件路径：",
                title="导入答案文件",
                placeholder="如 ~/答案.yaml",
                validate=validate,
            ),
            chosen,
        )

    def _import(self, meta: ReportMeta, path: Path) -> None:
        """Through the report's session, as ``shuzhi fill``: all or nothing,
        the items written accepted, the listed unit, year and title updated."""
        from store.errors import AnswersImportError, StoreError
        from tui.session import SessionError, open_session
        from workflows.answers import AnswersFileError
        from workflows.loader import WorkflowError

        from .dialogs import MessageDialog

        store = self.app.get_store()
        if store is None:
            return
        try:
            with open_session(store, meta.id, write=True, today=self.app.today) as session:
                imported = session.import_answers_file(path)
        except (AnswersImportError, AnswersFileError) as exc:
            problems = getattr(exc, "problems", [])
            detail = "\n".join(f"· {p}" for p in problems[:30]) or str(exc)
            self.app.push_screen(
                MessageDialog(f"答案文件有问题，没有导入任何内容：\n{detail}", title="无法导入", error=True)
            )
            return
        except (StoreError, WorkflowError, SessionError) as exc:
            self.app.show_error("无法导入", str(exc))
            return
        self.app.notify(f"已导入 {len(imported)} 个答案到“{meta.title}”。", timeout=5)
        self.refresh_reports(select=meta.id)
