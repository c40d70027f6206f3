"""Child-process side of bench/run.py: starts an app (shuzhi or a bare
Textual app) exactly the same way, drives it with Textual's autopilot and
reports timings in a JSON file. Not meant to be run by hand.

    python bench/harness.py start  app|bare  OUT  [-- shuzhi arguments]
    python bench/harness.py wizard app|bare  OUT  DATA_DIR REPORT_ID STEPS
    python bench/harness.py revisit          OUT  DATA_DIR REPORT_ID ITEM ROUNDS
    python bench/harness.py type   app|bare  OUT  DATA_DIR REPORT_ID FIELD KEYS
    python bench/harness.py idle   KIND      OUT  DATA_DIR REPORT_ID SECONDS   (home|wizard|bare[-blur])
    python bench/harness.py session          OUT  [-- shuzhi arguments]

CPU figures are ``time.process_time()`` deltas: the whole process, every
thread (the wizard's autosave runs in a worker thread).

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

    def __init__(self, blink: bool = True) -> None:
        super().__init__()
        self.index = 0
        self.cursor_blinks = blink

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("第 1 项：本年度召开党组会议研究党建工作的情况", id="question")
        answer = Input(placeholder="请输入", id="answer")
        answer.cursor_blink = self.cursor_blinks
        yield answer
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


def cpu_ms() -> float:
    """CPU time of this process so far, all threads (ms)."""
    return time.process_time() * 1000


async def quiet(pilot) -> None:
    """settle(), then until the work the wizard defers is done too: the
    check it runs 0.15 s after a change or a step and the write 0.3 s after
    a change (their timers, then the autosave worker settle() waits for).
    Other screens: settle()."""
    screen = pilot.app.screen
    deadline = time.monotonic() + SETTLE_TIMEOUT

    def pending() -> bool:
        return hasattr(screen, "checked") and (
            not screen.checked or getattr(screen, "_save_timer", None) is not None
        )

    await settle(pilot)
    while pending():
        if time.monotonic() > deadline:
            raise RuntimeError("the wizard never became quiet (a check or a write still pending)")
        await pilot.pause(0.02)
        await settle(pilot)


def run_app(data_dir: str, report_id: str | None, start_item: str | None = None, blink: bool = True) -> None:
    """The real app, as ``shuzhi`` / ``shuzhi open REPORT`` makes it
    (``blink`` False: a steady cursor, for the CPU rows of one step)."""
    from tui.app import create_app

    create_app(data_dir=data_dir, report_id=report_id, start_item=start_item, cursor_blink=blink).run()


# How long a key's effects are given (s): the wizard's check runs 0.15 s
# after a step or a key, the write 0.3 s after a key; both end well inside.
WINDOW = 0.7


async def key_window(pilot, key: str, character: str | None = None) -> float:
    """The CPU (ms) of everything one key causes: posted to the app as the
    terminal driver posts it, then the app left alone for :data:`WINDOW`
    (its painting, the check and the write all fall inside). Not Pilot's
    press and settle: their wait for idle calls on every widget mounted,
    which costs more the more widgets a screen keeps (the wizard keeps each
    item's form), and is the measuring's, not the app's. The cursor does
    not blink during these rows (its cost is the idle rows')."""
    import asyncio

    from textual import events

    app = pilot.app
    event = events.Key(key, character)
    event.set_sender(app)
    before = cpu_ms()
    app._driver.send_message(event)  # what the terminal driver does with a key read
    await asyncio.sleep(WINDOW)
    return cpu_ms() - before


def first_item(data_dir: str, report_id: str) -> str:
    """The id of the report's first item (every walk starts there, not where
    the previous run left the report)."""
    from store.core import Store
    from tui.session import find_workflow

    store = Store(data_dir)
    try:
        meta = store.get_meta(report_id)
        return next(iter(find_workflow(meta.workflow_id, store.root).items())).id
    finally:
        store.close()


def check_ran(pilot) -> bool:
    """After a step or a key: the wizard's deferred check (0.15 s later) has
    already run, inside the measured window (no check pending any more)."""
    return bool(getattr(pilot.app.screen, "checked", False))


async def settle_cost(pilot, times: int = 5) -> float:
    """The CPU one settle() takes on a quiet app (ms, median): the
    measuring's own share of every figure that ends with one."""
    samples = []
    for _ in range(times):
        before = cpu_ms()
        await settle(pilot)
        samples.append(cpu_ms() - before)
    return statistics.median(samples)


def stats(samples: list[float]) -> dict[str, Any]:
    return {"samples": samples, "median": statistics.median(samples) if samples else None}


def mode_wizard(kind: str, out: str, data_dir: str, report_id: str, steps: int) -> int:
    """PageDown (next item) until the screen is settled: CPU time and wall
    time of each step. The app walks every item of the report from the
    first (``steps`` 0) or that many steps, then goes back to the first
    item and walks them all again (``again``: every item seen before); the
    bare app takes ``steps``. After each step the app is left until its
    deferred work is done (the check, the write: :func:`quiet`); the CPU
    from settled to quiet is kept apart (``deferred``). The check fires
    0.15 s after the step, often before the screen is settled: how many
    times it ran inside the window is ``check_inside``."""
    cpu: list[float] = []
    wall: list[float] = []
    deferred: list[float] = []
    again: list[float] = []
    landed: list[str] = []  # the item each step of the first walk landed on
    info: dict[str, Any] = {}

    async def walk(pilot, todo: int, cpu: list[float], wall: list[float] | None = None,
                   deferred: list[float] | None = None, inside: str = "check_inside") -> None:
        for _ in range(todo):
            if wall is not None:  # the wall time until settled (Pilot's press and settle)
                start = time.perf_counter()
                await pilot.press("pagedown")
                await settle(pilot)
                wall.append((time.perf_counter() - start) * 1000)
                await quiet(pilot)
                continue
            cpu.append(await key_window(pilot, "pagedown"))
            info[inside] = info.get(inside, 0) + check_ran(pilot)
            item = getattr(pilot.app.screen, "item", None)
            if item is not None and inside == "check_inside":
                landed.append(f"{item.title}")
            before = cpu_ms()
            await quiet(pilot)
            if deferred is not None:
                deferred.append(cpu_ms() - before)

    async def drive(pilot) -> None:
        app = pilot.app
        if kind == "app":
            await wait_for_screen(pilot, "WizardScreen")
            count = len(app.screen.items)
            info["items"] = count
            info["first_title"] = app.screen.title
            todo = count - 1 if steps <= 0 else min(steps, count - 1)
        else:
            todo = steps
        await quiet(pilot)
        info["settle_ms"] = await settle_cost(pilot)
        await walk(pilot, todo, cpu, None, deferred)
        if kind == "app":
            info["last_title"] = app.screen.title
            for walked in (again, wall):  # every item seen before; then the wall-clock walk
                await app.screen.show_item(0)
                await quiet(pilot)
                if walked is again:
                    await walk(pilot, todo, again, inside="check_inside_again")
                else:
                    await walk(pilot, todo, [], wall)
        else:
            await walk(pilot, todo, [], wall)
        app.exit()

    install_driver()
    install_autopilot(drive)
    if kind == "app":
        run_app(data_dir, report_id, first_item(data_dir, report_id), blink=False)
    else:
        BareApp(blink=False).run()
    write_result(out, {**stats(wall), "cpu": stats(cpu), "deferred": stats(deferred), "again": stats(again),
                      "landed": landed, **info})
    return 0


def group_entries(screen, item_id: str) -> int:
    """How many entries the current item's group editor shows."""
    from tui.widgets.editors.group import GroupEditor, GroupEntry

    assert screen.item.id == item_id, f"on {screen.item.id}, not {item_id}"
    groups = [e for e in screen.form().editors if isinstance(e, GroupEditor)]
    return sum(1 for g in groups for entry in g.query(GroupEntry) if entry.display)


def mode_revisit(out: str, data_dir: str, report_id: str, item_id: str, rounds: int) -> int:
    """Back onto an item already seen: the wizard opens at ``item_id``, then
    each round PageDown away (settled, quiet) and PageUp back, timed until
    settled (CPU and wall); the CPU from settled to quiet kept apart
    (``deferred``), the times the check ran inside the window counted
    (``check_inside``)."""
    cpu: list[float] = []
    wall: list[float] = []
    deferred: list[float] = []
    info: dict[str, Any] = {}

    async def drive(pilot) -> None:
        app = pilot.app
        await wait_for_screen(pilot, "WizardScreen")
        await quiet(pilot)
        info["settle_ms"] = await settle_cost(pilot)
        screen = app.screen
        info["entries"] = group_entries(screen, item_id)
        info["title"] = screen.title
        for _ in range(rounds):
            await pilot.press("pagedown")
            await quiet(pilot)
            info["away"] = screen.item.id
            cpu.append(await key_window(pilot, "pageup"))
            info["check_inside"] = info.get("check_inside", 0) + check_ran(pilot)
            await pilot.press("pagedown")  # away again, and back timed by the wall clock
            await quiet(pilot)
            start = time.perf_counter()
            await pilot.press("pageup")
            await settle(pilot)
            wall.append((time.perf_counter() - start) * 1000)
            before = cpu_ms()
            await quiet(pilot)
            deferred.append(cpu_ms() - before)
            info["entries_after"] = group_entries(screen, item_id)
        app.exit()

    install_driver()
    install_autopilot(drive)
    run_app(data_dir, report_id, item_id, blink=False)
    write_result(out, {**stats(cpu), "wall": stats(wall), "deferred": stats(deferred), **info})
    return 0


TYPED = "好的认真落实抓党建促发展"  # typed one key at a time (CJK: Pilot.press cannot type "，")


def mode_type(kind: str, out: str, data_dir: str, report_id: str, field_path: str, keys: int) -> int:
    """Keystrokes at the end of a long text: the wizard opens at the field's
    item, the field's text area gets the focus and its cursor goes to the
    end; then each key typed is timed until the screen is settled (CPU and
    wall), the CPU from settled to quiet (the check, the write) kept apart
    and the times the check ran inside the window counted. ``bare``: the
    same keys typed into the bare app's (empty) Input."""
    cpu: list[float] = []
    wall: list[float] = []
    deferred: list[float] = []
    info: dict[str, Any] = {}
    item_id = field_path.split(".")[0]

    async def drive(pilot) -> None:
        from tui.widgets.fields import BlockInput

        app = pilot.app
        if kind == "app":
            await wait_for_screen(pilot, "WizardScreen")
            screen = app.screen
            editor = screen.form().editor(field_path)
            if editor is None:
                raise RuntimeError(f"no editor for {field_path} on {screen.item.id}")
            area: Any = editor.query_one(BlockInput)
            area.focus()
            area.move_cursor(area.document.end)
        else:
            await settle(pilot)
            area = app.query_one("#answer", Input)
            area.focus()
        await quiet(pilot)
        info["settle_ms"] = await settle_cost(pilot)
        before_text = area.text if kind == "app" else area.value
        info["chars"] = len(before_text)
        info["lines"] = before_text.count("\n") + 1
        for n in range(keys):
            char = TYPED[n % len(TYPED)]
            cpu.append(await key_window(pilot, char, char))
            info["check_inside"] = info.get("check_inside", 0) + check_ran(pilot)
            before = cpu_ms()
            await quiet(pilot)
            deferred.append(cpu_ms() - before)
        after = area.text if kind == "app" else area.value
        typed = after[len(before_text):]
        info["typed"] = typed
        if not after.startswith(before_text) or len(typed) != keys:
            raise RuntimeError(f"the keys did not land at the end of the text (typed {typed!r})")
        if kind == "app":
            info["saved"] = app.screen.session.answers.get(field_path, "").endswith(typed)
        app.exit()

    install_driver()
    install_autopilot(drive)
    if kind == "app":
        run_app(data_dir, report_id, item_id, blink=False)
    else:
        BareApp(blink=False).run()
    write_result(out, {**stats(cpu), "wall": stats(wall), "deferred": stats(deferred), **info})
    return 0


def focused_name(app) -> str | None:
    """What holds the focus: the field's label when it is a field's input."""
    focused = app.focused
    if focused is None:
        return None
    field = next((a.field for a in focused.ancestors_with_self if hasattr(a, "field")), None)
    return f"“{field.label}”" if field is not None else type(focused).__name__


def mode_idle(kind: str, out: str, data_dir: str, report_id: str, seconds: float) -> int:
    """CPU per second of an app left alone: the home screen (``home``), the
    wizard at the report's first item (``wizard``) or the bare app
    (``bare``), once settled and quiet; over ``seconds`` of wall time,
    nothing pressed. ``…-blur``: after the terminal reported that its
    window lost the focus (what a terminal sends, ``events.AppBlur``: no
    widget has the focus, no cursor blinks)."""
    info: dict[str, Any] = {}
    base, _, blur = kind.partition("-")

    async def drive(pilot) -> None:
        import asyncio

        from textual import events

        app = pilot.app
        await wait_for_screen(pilot, {"home": "HomeScreen", "wizard": "WizardScreen"}.get(base))
        await quiet(pilot)
        if blur:
            app.post_message(events.AppBlur())
            await settle(pilot)
        idle_since = time.monotonic()
        await asyncio.sleep(0.5)  # the last repaints and the first cursor blink

        async def window() -> dict[str, Any]:
            start, start_cpu = time.monotonic(), cpu_ms()
            frames = RenderDriver.bytes_written
            await asyncio.sleep(seconds)
            elapsed = time.monotonic() - start
            used = cpu_ms() - start_cpu
            return {"cpu_ms": used, "wall_s": elapsed, "per_s": used / elapsed,
                    "bytes_written": RenderDriver.bytes_written - frames}

        info["first"] = await window()  # right after the last key: the cursor blinks
        info["focused"] = focused_name(app)
        if base != "bare":  # then after the cursor came to rest (tui.app.BLINK_REST without a key)
            from tui.app import BLINK_REST

            await asyncio.sleep(max(0.0, BLINK_REST + 0.5 - (time.monotonic() - idle_since)))
            info.update(await window(), rest_after_s=BLINK_REST)
        else:
            info.update(info["first"])
        info["screen"] = type(app.screen).__name__
        app.exit()

    install_driver()
    install_autopilot(drive)
    if base == "bare":
        BareApp().run()
    elif base == "home":
        run_app(data_dir, None)
    else:
        run_app(data_dir, report_id, first_item(data_dir, report_id))
    write_result(out, info)
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
    if mode == "revisit":
        out, data_dir, report_id, item_id, rounds = rest
        return mode_revisit(out, data_dir, report_id, item_id, int(rounds))
    if mode == "type":
        kind, out, data_dir, report_id, field_path, keys = rest
        return mode_type(kind, out, data_dir, report_id, field_path, int(keys))
    if mode == "idle":
        kind, out, data_dir, report_id, seconds = rest
        return mode_idle(kind, out, data_dir, report_id, float(seconds))
    if mode == "session":
        return mode_session(rest[0], extra)
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
