"""F1: how the app works and the keys of the screen the user came from."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from ..widgets.wrapped import WrappedStatic
from .base import BaseDialog

# No ASCII spaces next to Chinese text: a terminal wraps lines at spaces,
# which would leave a short line before every English word.
GUIDE = (
    "本程序按责任清单逐项提问：左侧是清单目录，右侧填写本项内容，下方实时显示本项生成的段落。"
    "每次修改都会自动保存，关掉终端也不会丢失已保存的内容。\n"
    "\n"
    "清单状态：✔已完成　◌未填　✎部分填写　✖有错误　!低于清单要求（提醒）　↺沿用往年待确认　?默认内容待确认"
    "（看过本项后翻到下一项即为确认）；◂ 标出当前条目。\n"
    "\n"
    "选择题：●已选　○未选（未选择时显示“未选择”）；多选题：☑已勾选　☐未勾选。"
    "←→移动，空格选定，也可直接按选项前的数字；是非题按Y选“是”、N选“否”。\n"
    "\n"
    "Tab／Shift+Tab：在输入框之间移动。单行输入框中按回车进入下一个输入框，"
    "本项最后一个输入框中按回车进入下一项。多行文字框中回车是换行，可以直接粘贴多行文字。"
    "列表类字段每行填写一条。中文请用终端的输入法直接输入。\n"
    "\n"
    "可添加多条的内容（如重点工作、整改事项）：在“＋添加一条”上按回车添加；Ctrl+↑／Ctrl+↓（或Alt+↑／Alt+↓）"
    "把光标所在的一条上移、下移；在“删除本条”上按回车删除，随后按Ctrl+Z可以撤销。"
    "从上年度报告转入的问题和承诺不能改写，删除时会记入修改记录。\n"
    "\n"
    "Ctrl+P：打开命令面板，输入条目名称可直接跳转，也可执行预览、导出等命令。"
)


def _key_table(screen: Screen | None) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    if screen is None:
        return table
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only this app's keys (Chinese descriptions), not the widgets' own.
        if not binding.description or binding.description.isascii() or binding.action in seen:
            continue
        seen.add(binding.action)
        table.add_row(screen.app.get_key_display(binding), binding.description)
    return table


class HelpScreen(BaseDialog[None]):
    """Explains the app and lists the keys of ``origin`` (the screen below)."""

    BINDINGS = [
        Binding("escape", "close", "关闭"),
        Binding("f1", "close", "关闭", show=False, priority=True),
        Binding("q", "close", "关闭", show=False),
    ]

    def __init__(self, origin: Screen | None = None) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("帮助（Esc 关闭）", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield WrappedStatic(Text(GUIDE), id="help-guide")
                yield Label("本页按键", classes="help-heading")
                yield Static(_key_table(self.origin), id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
