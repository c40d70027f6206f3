"""The shuzhi Textual app.

One factory, :func:`create_app`, builds the app for the ``shuzhi`` command
and for the tests. Screens are imported lazily so that start-up stays close
to a bare Textual app; the store is opened on mount, and nothing heavy
(python-docx, the export code) is imported before the user exports.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from .widgets.keys import KeyQueue

if TYPE_CHECKING:  # pragma: no cover
    from store.core import Store
    from workflows.cache import Cache

    from .session import Session

MIN_WIDTH, MIN_HEIGHT = 80, 24
BLINK_REST = 10.0  # seconds without a key after which the cursor stops blinking


def terminal_encoding_problem(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """A Chinese warning when the terminal's locale is not UTF-8, else None."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if value:
            break
    else:
        name, value = "LANG", ""
    normalized = value.lower().replace("-", "")
    if "utf8" in normalized:
        return None
    shown = f"{name}={value}" if value else "未设置 LANG"
    return (
        f"终端编码可能不是 UTF-8（{shown}），中文可能显示为乱码或无法输入。"
        "请先执行 export LANG=zh_CN.UTF-8（或 C.UTF-8）再启动 shuzhi。"
    )


class ShuzhiApp(KeyQueue, App[None]):
    """Walks the user through a workflow's checklist and exports the report."""

    TITLE = "述职"
    SUB_TITLE = "党建工作述职报告写作助手"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"

    BINDINGS = [
        Binding("f1", "help", "帮助", priority=True),
        Binding("ctrl+q", "quit", "退出", priority=True),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True),
    ]

    def __init__(
        self,
        data_dir: Path | None = None,
        report_id: str | None = None,
        *,
        store: Store | None = None,
        today: _dt.date | None = None,
        cursor_blink: bool = True,
        environ: dict[str, str] | None = None,
        export_dir: Path | str | None = None,
        start_item: str | None = None,
        handle_signals: bool = False,
        cache: Cache | None = None,
    ) -> None:
        super().__init__()
        # Where what is derived from reports is kept between runs (the
        # entry point's, see workflows.cache); None: nothing kept.
        self.cache = cache
        self._key_queue_init()
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.initial_report_id = report_id
        self.initial_item = start_item
        self.handle_signals = handle_signals
        self._signalled = False
        self._exiting_on_signal = False
        self.store: Store | None = store
        self.today = today
        self.cursor_blink = cursor_blink
        self._blink_timer: Any = None
        self._last_input = 0.0
        self._cursor_resting: Any = None  # the field whose cursor stopped blinking for want of keys
        self._environ = environ
        self._too_small = False
        self._folder_warned = False
        # Remembered between exports in one session.
        self.export_dir: Path | None = Path(export_dir) if export_dir is not None else None
        self.last_export_format = "docx"
        # The wizard's guidance folded away: the user's choice, kept in the
        # data folder (settings.json) from one run to the next.
        self.guidance_folded = bool(self._settings().get("guidance_folded", False))

    # ------------------------------------------------------------ settings

    def _settings_path(self) -> Path | None:
        return self.data_dir / "settings.json" if self.data_dir is not None else None

    def _settings(self) -> dict[str, Any]:
        path = self._settings_path()
        if path is None or not path.is_file():
            return {}
        import json

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def set_guidance_folded(self, folded: bool) -> None:
        """Remember the choice (here and in the data folder; a failed write only costs the memory)."""
        self.guidance_folded = folded
        path = self._settings_path()
        if path is None:
            return
        import json

        settings = self._settings()
        settings["guidance_folded"] = folded
        from workflows.fileio import write_atomic

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(settings, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    # ------------------------------------------------------------ start-up

    def get_default_screen(self) -> Screen:
        """The home screen is the first screen (no blank screen under it)."""
        from .screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        from workflows.pdftemp import cleanup_at_start

        cleanup_at_start()  # what a killed PDF export left (its shuzhi is gone)
        problem = terminal_encoding_problem(self._environ)
        if problem:
            self.notify(problem, title="编码提醒", severity="warning", timeout=15)
        self.call_after_refresh(lambda: self._check_size(self.size.width, self.size.height))
        if self.handle_signals:
            self._install_signal_handlers()
        if self.initial_report_id is not None:
            self.open_report(self.initial_report_id, self.initial_item)

    # ------------------------------------------------------------ the way out

    def _install_signal_handlers(self) -> None:
        """SIGHUP (the terminal or the SSH connection went away) and SIGTERM
        write what is queued and close the reports before the app exits."""
        import asyncio

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such signal
                pass

    class SignalQuit(Message):
        """SIGHUP or SIGTERM arrived (queued behind the input received before it)."""

        def __init__(self, signum: int) -> None:
            super().__init__()
            self.signum = signum

    def _on_signal(self, signum: int) -> None:
        """Save, then exit with 128 + the signal number (as a shell reports a
        process ended by a signal). The keys received before the signal are
        handled first (for a moment at most), so that they are saved too.
        Should the app be stuck, or the exit hang on a terminal that is gone,
        the process saves and ends a little later anyway."""
        if self._signalled:
            return
        self._signalled = True
        self.post_message(self.SignalQuit(signum))
        if self.handle_signals:  # the process is ours (not a test's)

            def last_resort() -> None:
                if not self._exiting_on_signal:
                    with contextlib.suppress(Exception):
                        self.close_sessions(force=True)
                time.sleep(1.0)
                os._exit(128 + signum)

            timer = threading.Timer(2.0, last_resort)
            timer.daemon = True
            timer.start()

    def on_shuzhi_app_signal_quit(self, message: ShuzhiApp.SignalQuit) -> None:
        message.stop()
        signum = message.signum
        self.after_keys(lambda: self._save_and_exit(signum))
        self.set_timer(1.0, lambda: self._save_and_exit(signum))  # at the latest

    def _save_and_exit(self, signum: int) -> None:
        if self._exiting_on_signal:
            return
        self._exiting_on_signal = True
        self.close_sessions(force=True)
        self.exit(return_code=128 + signum)

    def panic(self, *renderables: Any) -> None:
        """The terminal failed (e.g. it was closed while reading keys): save first."""
        with contextlib.suppress(Exception):  # saving is best effort here
            self.close_sessions(force=True)
        super().panic(*renderables)

    async def on_event(self, event: events.Event) -> None:
        # Keys and pastes for an editor's input go to it one at a time, each
        # to the widget focused once the one before is handled, priority
        # bindings included (see tui.widgets.keys).
        if isinstance(event, (events.Key, events.Paste)) and self.handed_by_queue(event):
            return  # an editor's event bubbling back: handled there already
        if isinstance(event, (events.Key, events.Paste)):
            self._wake_cursor()
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and self.screen_stack  # none while the app shuts down
            and self.screen.maximized is None
            and await self._queue_input(event)
        ):
            self.app_focus = True
            return
        await super().on_event(event)

    async def _textual_input(self, event: events.Key | events.Paste) -> None:
        """An input event the key queue hands back: Textual's own handling."""
        await super().on_event(event)

    # ------------------------------------------------------------- reports

    def open_report(self, report_id: str, start_item: str | None = None) -> None:
        """Open a report in the wizard (the workflow loads in a thread), at
        ``start_item`` or else where the user left it."""
        store = self.get_store()
        if store is None:
            return
        self._open_worker(store, report_id, start_item)

    @work(thread=True, exclusive=True, group="open-report", exit_on_error=False)
    def _open_worker(self, store: Store, report_id: str, start_item: str | None) -> None:
        from store.errors import DamagedFileError, StoreError
        from workflows.loader import WorkflowError

        from .session import open_session

        try:
            session = open_session(store, report_id, today=self.today, cache=self.cache)
        except DamagedFileError as exc:  # its backups are offered
            self._inspect_and_ask(store, exc.report_id or report_id, str(exc), start_item, damaged=True)
            return
        except (StoreError, WorkflowError) as exc:
            self.call_from_thread(self.show_error, "无法打开报告", str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback
            self.call_from_thread(self.show_error, "无法打开报告", f"意外错误：{type(exc).__name__}: {exc}")
            return
        self.call_from_thread(self._show_wizard, session, start_item)

    # ------------------------------------------------------------- backups

    def offer_restore(self, report_id: str, message: str, start_item: str | None = None) -> None:
        """The restore dialog for a report (from the home screen: ``message``
        says what restoring does); a backup chosen is restored, then the
        report opened."""
        store = self.get_store()
        if store is None:
            return
        self._offer_restore_worker(store, report_id, message, start_item, damaged=False)

    @work(thread=True, group="restore", exit_on_error=False)
    def _offer_restore_worker(self, store: Store, report_id: str, message: str, start_item: str | None,
                              *, damaged: bool) -> None:
        self._inspect_and_ask(store, report_id, message, start_item, damaged=damaged)

    def _inspect_and_ask(self, store: Store, report_id: str, message: str, start_item: str | None,
                         *, damaged: bool) -> None:
        """In a worker thread: inspect the backups (each one is read), then ask."""
        from store.errors import StoreError

        from .session import backup_rows

        try:
            rows = backup_rows(store, report_id)
        except (StoreError, OSError) as exc:
            self.call_from_thread(self.show_error, "无法读取备份", f"{message}\n{exc}")
            return
        self.call_from_thread(self._ask_restore, store, report_id, message, rows, start_item, damaged)

    def _ask_restore(self, store: Store, report_id: str, message: str, rows: list[Any], start_item: str | None,
                     damaged: bool) -> None:
        from .screens.restore import RestoreDialog

        if not rows:
            if damaged:
                self.show_error("无法打开报告", message)
            else:
                self.notify("这份报告还没有备份（每次打开和关闭报告时自动备份）。", timeout=6)
            return

        def chosen(backup: Any) -> None:
            if backup is not None:
                self._restore_worker(store, report_id, backup, start_item)

        title = "报告无法读取" if damaged else "从备份恢复"
        self.push_screen(RestoreDialog(message, rows, title=title), chosen)

    @work(thread=True, group="restore", exit_on_error=False)
    def _restore_worker(self, store: Store, report_id: str, backup: Any, start_item: str | None) -> None:
        from store.errors import StoreError

        from .session import restore_backup

        try:
            restored = restore_backup(store, report_id, backup, cache=self.cache)
        except (StoreError, OSError) as exc:
            self.call_from_thread(self.show_error, "无法从备份恢复", str(exc))
            return
        self.call_from_thread(self._restored, report_id, "".join(restored.lines()), start_item)

    def _restored(self, report_id: str, message: str, start_item: str | None) -> None:
        self.notify(message, title="已恢复", timeout=10)
        from .screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_reports(select=report_id)
        self.open_report(report_id, start_item)

    def _show_wizard(self, session: Session, start_item: str | None) -> None:
        from .screens.wizard import WizardScreen

        if session.readonly:
            self.notify(session.notice or "报告以只读方式打开。", title="只读", severity="warning", timeout=10)
        elif session.notice:
            self.notify(session.notice, timeout=8)
        self.push_screen(WizardScreen(session, start_item))

    def close_sessions(self, force: bool = False) -> bool:
        """Save and close every open report; False if something could not be
        saved (``force``: closed all the same)."""
        if "tui.screens.wizard" not in sys.modules:
            return True
        from .screens.wizard import WizardScreen

        ok = True
        for screen in self.screen_stack:
            if isinstance(screen, WizardScreen):
                ok = screen.close_session(force=force) and ok
        return ok

    async def action_quit(self) -> None:
        """Save everything, release the reports, then exit."""
        if not self.close_sessions():
            from .screens.dialogs import ConfirmDialog

            def answer(leave: bool | None) -> None:
                if leave:
                    self.exit()

            self.push_screen(
                ConfirmDialog(
                    "有修改未能保存（见上方的错误提示）。现在退出会丢失这些修改。仍然退出吗？",
                    title="未保存",
                    yes="仍然退出",
                    no="留下",
                    danger=True,
                ),
                answer,
            )
            return
        self.exit()

    # ------------------------------------------------------ command palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("帮助", "说明与本页按键（F1）", self.action_help)
        yield SystemCommand("切换配色", "更换界面主题", self.action_change_theme)
        yield SystemCommand("退出", "保存并退出 shuzhi（Ctrl+Q）", self.action_quit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from .screens.commands import CommandPalette as ChinesePalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            providers = [*self.COMMANDS, *self.screen.COMMANDS]
            self.push_screen(ChinesePalette(providers, placeholder="输入条目名称或命令…", id="--command-palette"))

    def search_themes(self) -> None:
        """The themes, named in Chinese, in the palette."""
        from .screens.commands import CommandPalette as ChinesePalette
        from .screens.commands import ThemeCommands

        self.push_screen(ChinesePalette([ThemeCommands], placeholder="输入配色名称…"))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on keyboards: Esc, Tab, PgUp, PgDn, Ctrl+Q, F1."""
        from .widgets.footer import binding_key_name

        return binding_key_name(binding)

    def get_store(self) -> Store | None:
        """The store, opened on first use; errors are shown, never raised."""
        if self.store is None:
            from store.core import Store
            from store.errors import StoreError

            try:
                self.store = Store(self.data_dir)
            except StoreError as exc:
                self.show_error("无法打开数据目录", str(exc))
                return None
        if not self._folder_warned:
            self._folder_warned = True
            if self.store.folder_warning:  # others can read the data folder (as `shuzhi` says on stderr)
                self.notify(self.store.folder_warning, title="数据目录", severity="warning", timeout=15)
        return self.store

    # ------------------------------------------------------------- helpers

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry user data (titles, paths): no markup by default."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)  # type: ignore[arg-type]

    def show_error(self, title: str, message: str) -> None:
        """An error the user must see: a notification that stays a while."""
        self.notify(message, title=title, severity="error", timeout=12)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Snapshot tests (and users who dislike blinking) get a steady cursor.
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False
        else:
            self._wake_cursor()

    # A blinking cursor repaints its field twice a second (≈ 6 ms of CPU a
    # second, 50 idle sessions on one server); after BLINK_REST seconds
    # without a key it stays lit, steady, until the next key or focus move
    # (as desktop terminals and editors do).
    def _wake_cursor(self) -> None:
        resting, self._cursor_resting = self._cursor_resting, None
        if resting is not None and resting.is_attached:
            resting.cursor_blink = True
        if not self.cursor_blink:
            return
        self._last_input = time.monotonic()
        if self._blink_timer is None:
            self._blink_timer = self.set_timer(BLINK_REST, self._rest_cursor)

    def _rest_cursor(self) -> None:
        self._blink_timer = None
        left = BLINK_REST - (time.monotonic() - self._last_input)
        if left > 0.05:  # a key came meanwhile: from that key on
            self._blink_timer = self.set_timer(left, self._rest_cursor)
            return
        widget = self.focused
        if widget is not None and getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False  # type: ignore[attr-defined]
            self._cursor_resting = widget

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        """Cover the app with a notice while the terminal is below 80×24."""
        from .screens.dialogs import TooSmallScreen

        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self._too_small = small
        top = self.screen_stack[-1] if self.screen_stack else None
        if small:
            if isinstance(top, TooSmallScreen):
                top.update_size(width, height)
            else:
                self.push_screen(TooSmallScreen())
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(*args, **kwargs)
        if self._too_small:
            # A screen opened while the terminal is too small (a report that
            # finished loading, say) goes under the notice.
            self.call_after_refresh(lambda: self._check_size(self.size.width, self.size.height))
        return result

    # ------------------------------------------------------------ failures

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the app. An unexpected error (a bug) still ends it, as in any
        Textual app, and the screens' unmount saves everything typed; but
        the details go to a log file and the user sees a short Chinese
        message instead of a traceback (set SHUZHI_DEBUG=1 to see it)."""
        crash = None
        if not os.environ.get("SHUZHI_DEBUG") and not kwargs.get("headless"):
            # What Textual prints on the way out (the traceback) is caught here.
            from rich.console import Console

            crash = io.StringIO()
            self.error_console = Console(file=crash, markup=False, highlight=False, width=120)
        result = super().run(*args, **kwargs)
        if crash is not None and crash.getvalue():
            self._report_crash(crash.getvalue())
        return result

    def _report_crash(self, printed: str) -> None:
        with contextlib.suppress(Exception):  # saving is best effort here
            self.close_sessions(force=True)
        if self.return_code != 1:  # not a crash: what Textual printed, as it would
            sys.stderr.write(printed)
            return
        from .session.crash import write_crash_log

        log = write_crash_log(printed, self.data_dir)
        where = f"详细信息已写入“{log}”，" if log else ""
        sys.stderr.write(
            "shuzhi 遇到内部错误，已退出。已保存的答案不受影响。\n"
            f"{where}请把它发给维护人员。\n"
        )

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def create_app(
    data_dir: Path | str | None = None,
    report_id: str | None = None,
    *,
    store: Store | None = None,
    today: _dt.date | None = None,
    cursor_blink: bool = True,
    environ: dict[str, Any] | None = None,
    export_dir: Path | str | None = None,
    start_item: str | None = None,
    handle_signals: bool = False,
    cache: Cache | None = None,
) -> ShuzhiApp:
    """The app for ``shuzhi`` (no arguments: the home screen) and
    ``shuzhi open REPORT`` (``report_id``: straight into its wizard).

    ``store`` replaces the store opened from ``data_dir`` (tests);
    ``today`` fixes the date used for defaults; ``cursor_blink=False``
    gives a steady cursor (snapshot tests); ``export_dir`` is the folder
    the export dialog offers first (default: the current directory);
    ``start_item`` is the item the wizard opens at (default: where the user
    left the report); ``handle_signals`` (the ``shuzhi`` command) saves and
    exits on SIGHUP and SIGTERM; ``cache`` (``workflows.cache.Cache``)
    keeps workflows, checks and the home screen's progress between runs.
    """
    return ShuzhiApp(
        Path(data_dir) if data_dir is not None else None,
        report_id,
        store=store,
        today=today,
        cursor_blink=cursor_blink,
        environ=environ,
        export_dir=export_dir,
        start_item=start_item,
        handle_signals=handle_signals,
        cache=cache,
    )
