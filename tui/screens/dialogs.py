"""Small modal dialogs: confirmation, one-line prompt, message, too-small notice.

Each is a typed ``ModalScreen[T]``: push it with a callback (or
``push_screen_wait`` from a worker) and receive the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ..widgets.wrapped import WrappedStatic
from .base import BaseDialog


class ConfirmDialog(BaseDialog[bool]):
    """A yes/no question; Esc answers no."""

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("y", "confirm", "确定", show=False),
        Binding("n", "cancel", "取消", show=False),
    ]

    def __init__(
        self, question: str, *, title: str = "请确认", yes: str = "确定", no: str = "取消", danger: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.yes = yes
        self.no = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield WrappedStatic(self.question, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error" if self.danger else "primary")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PromptDialog(BaseDialog["str | None"]):
    """Asks for one line of text; ``validate`` returns a Chinese problem or None."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(
        self,
        question: str,
        *,
        title: str = "请输入",
        value: str = "",
        placeholder: str = "",
        ok: str = "确定",
        validate: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.ok = ok
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield WrappedStatic(self.question, classes="dialog-body")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield WrappedStatic("", id="prompt-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok, id="ok", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _submit(self) -> None:
        text = self.query_one(Input).value.strip()
        problem = self.validate(text) if self.validate else (None if text else "不能为空")
        if problem:
            self.query_one("#prompt-error", Static).update(problem)
            return
        self.dismiss(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessageDialog(BaseDialog[None]):
    """A message that needs acknowledging (errors with details, results)."""

    BINDINGS = [Binding("escape", "close", "关闭"), Binding("enter", "close", "关闭", show=False)]

    def __init__(self, message: str, *, title: str = "提示", error: bool = False) -> None:
        super().__init__()
        self.message = message
        self.title_text = title
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog" + (" dialog-error" if self.error else "")):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield WrappedStatic(self.message, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("知道了", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class TooSmallScreen(BaseDialog[None]):
    """Covers everything while the terminal is smaller than 80×24."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", priority=True)]

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small-text")

    def on_mount(self) -> None:
        self.update_size(self.app.size.width, self.app.size.height)

    def on_screen_resume(self) -> None:
        # Uncovered after the terminal grew back (a notice left under another screen).
        width, height = self.app.size
        if width >= 80 and height >= 24 and self.app.screen is self:
            self.call_later(self.dismiss, None)

    def update_size(self, width: int, height: int) -> None:
        self.query_one("#too-small-text", Static).update(
            f"终端窗口太小（当前 {width}×{height}）。\n"
            "shuzhi 至少需要 80 列 × 24 行，请放大窗口；\n"
            "放大后自动回到原来的位置，已填写的内容不受影响。\n"
            "按 Ctrl+Q 退出。"
        )
