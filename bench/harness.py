"""Child-process side of bench/run.py: starts an app (shuzhi or a bare
Textual app) exactly the same way, drives it with Textual's autopilot and
reports timings in a JSON file. Not meant to be run by hand.

    python bench/harness.py start  app|bare  OUT  [-- shuzhi arguments]
    python bench/harness.py wizard app|bare  OUT  DATA_DIR REPORT_ID STEPS
    python bench/harness.py session          OUT  [-- shuzhi arguments]

Both apps run with :class:`RenderDriver`: Textual's headless driver that
says it is not headless, so every frame is composed and encoded to
terminal escape codes as on a real terminal, then dropped. The process'
stdin/stdout is a pseudo-terminal (set up by run.py), so ``shuzhi`` starts
through its real command-line entry point.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Footer, Header, Input, Static

SETTLE_TIMEOUT = 60.0


class RenderDriver(HeadlessDriver):
    """Renders every frame like a terminal driver, writes it nowhere."""

    bytes_written = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        RenderDriver.bytes_written += len(data)


def install_driver() -> None:
    App.get_driver_class = lambda self: RenderDriver  # type: ignore[method-assign]


def install_autopilot(pilot_fn) -> None:
    """Every App.run() in this process runs with ``pilot_fn`` as autopilot."""
    original = App.run

    def run(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("auto_pilot", pilot_fn)
        return original(self, *args, **kwargs)

    App.run = run  # type: ignore[method-assign]


async def settle(pilot) -> None:
    """Until every message, worker and repaint the last action caused is done."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for_screen(pilot, name: str | None, workers: bool = True) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        if workers:
            await settle(pilot)
        else:
            await pilot.pause()
        if name is None or type(pilot.app.screen).__name__ == name:
            return
        if time.monotonic() > deadline:
            notes = "; ".join(n.message for n in pilot.app._notifications)
            raise RuntimeError(
                f"screen {name} never appeared (at {type(pilot.app.screen).__name__}; notifications: {notes})"
            )
        await pilot.pause(0.01)


async def wait_for_mounted(pilot, name: str | None) -> None:
    """Until the screen is current and mounted (its on_mount ran), then
    paint one frame now. Unlike settle() this does not wait for the
    messages that background work keeps posting."""
    import asyncio

    app = pilot.app
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        screen = app.screen
        if (name is None or type(screen).__name__ == name) and screen.is_mounted:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"screen {name} never mounted")
        await asyncio.sleep(0.002)
    screen._on_timer_update()  # compose, lay out and write a frame (what Pilot.pause ends with)


def write_result(path: str, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


# ------------------------------------------------------------ bare app


class BareApp(App[None]):
    """The baseline: a Header, an Input and a Footer; PageDown updates a
    Static and the Input (what the wizard does, minus the work)."""

    BINDINGS = [Binding("pagedown", "next_item", "下一项", priority=True), Binding("ctrl+q", "quit", "退出")]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("第 1 项：本年度召开党组会议研究党建工作的情况", id="question")
        yield Input(placeholder="请输入", id="answer")
        yield Footer()

    def action_next_item(self) -> None:
        self.index += 1
        self.query_one("#question", Static).update(
            f"第 {self.index + 1} 项：本年度召开党组会议研究党建工作的情况，请填写次数与主要议题"
        )
        self.query_one("#answer", Input).value = f"答案{self.index}"


# ------------------------------------------------------------ modes


def mode_start(kind: str, out: str, argv: list[str]) -> int:
    """Process start until the first screen is ready (composed, its data
    loaded, painted); then exit."""
    expected = "HomeScreen" if kind == "app" else None

    async def ready(pilot) -> None:
        # Painted: the screen is current, its mount handlers ran and the
        # frame is rendered; complete: its background workers (the home
        # screen's progress column) are done too and repainted.
        await wait_for_mounted(pilot, expected)
        painted = time.monotonic()
        await wait_for_screen(pilot, expected)
        complete = time.monotonic()
        write_result(out, {"painted": painted, "ready": complete, "screen": type(pilot.app.screen).__name__})
        pilot.app.exit()

    install_driver()
    install_autopilot(ready)
    if kind == "bare":
        BareApp().run()
        return 0
    from tui.cli import main

    return main(argv)


def mode_wizard(kind: str, out: str, data_dir: str, report_id: str, steps: int) -> int:
    """Median time of PageDown (next item) until the screen is settled."""
    samples: list[float] = []
    info: dict[str, Any] = {}

    async def drive(pilot) -> None:
        app = pilot.app
        if kind == "app":
            await wait_for_screen(pilot, "WizardScreen")
            count = len(app.screen.items)
            info["items"] = count
        else:
            await settle(pilot)
            count = steps + 1
        for _ in range(min(steps, count - 1)):
            start = time.perf_counter()
            await pilot.press("pagedown")
            await settle(pilot)
            samples.append((time.perf_counter() - start) * 1000)
        if kind == "app":
            info["last_title"] = app.screen.title
        app.exit()

    install_driver()
    install_autopilot(drive)
    if kind == "app":
        from tui.app import create_app

        create_app(data_dir=data_dir, report_id=report_id).run()
    else:
        BareApp().run()
    write_result(out, {"samples": samples, "median": statistics.median(samples) if samples else None, **info})
    return 0


def mode_session(out: str, argv: list[str]) -> int:
    """A whole editing session, for peak memory: open a report in the
    wizard, walk every item, preview, export a Word file from the dialog."""
    info: dict[str, Any] = {}

    async def drive(pilot) -> None:
        app = pilot.app
        await wait_for_screen(pilot, "WizardScreen")
        count = len(app.screen.items)
        for _ in range(count - 1):
            await pilot.press("pagedown")
            await settle(pilot)
        info["items"] = count
        await pilot.press("f2")
        await wait_for_screen(pilot, "PreviewScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "WizardScreen")
        await pilot.press("f3")
        await wait_for_screen(pilot, "ExportDialog")
        dialog = app.screen
        button_id = "#export-draft" if dialog.blockers else "#export-final"
        dialog.query_one(button_id).press()
        await wait_for_screen(pilot, "MessageDialog")
        info["message"] = str(app.screen.query_one("Static").render())[:200] if app.screen.query("Static") else ""
        info["final"] = button_id == "#export-final"
        app.exit()

    install_driver()
    install_autopilot(drive)
    from tui.cli import main

    code = main(argv)
    write_result(out, {"code": code, **info})
    return code


def main(argv: list[str]) -> int:
    mode = argv[0]
    rest, extra = argv[1:], []
    if "--" in rest:
        cut = rest.index("--")
        rest, extra = rest[:cut], rest[cut + 1:]
    if mode == "start":
        return mode_start(rest[0], rest[1], extra)
    if mode == "wizard":
        kind, out, data_dir, report_id, steps = rest
        return mode_wizard(kind, out, data_dir, report_id, int(steps))
    if mode == "session":
        return mode_session(rest[0], extra)
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
