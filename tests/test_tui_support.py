"""Helpers for the app tests (test_tui*.py): a deterministic app, waiting."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import functools
from pathlib import Path
from typing import Any, Callable

from tui.app import ShuzhiApp, create_app

FIXED_TODAY = _dt.date(2025, 12, 1)


def async_test(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test function (no asyncio plugin is installed)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def make_app(tmp_path: Path, report_id: str | None = None, **options: Any) -> ShuzhiApp:
    """An app on ``tmp_path/data`` with a fixed date, a steady cursor and UTF-8."""
    options.setdefault("today", FIXED_TODAY)
    options.setdefault("cursor_blink", False)
    options.setdefault("environ", {"LANG": "zh_CN.UTF-8"})
    options.setdefault("export_dir", tmp_path / "out")
    (tmp_path / "out").mkdir(exist_ok=True)
    app = create_app(tmp_path / "data", report_id, **options)
    # Every notification's message, in order (read by the tests).
    app.notes_shown = []  # type: ignore[attr-defined]
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        app.notes_shown.append(message)  # type: ignore[attr-defined]
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return app


@contextlib.asynccontextmanager
async def wizard_at(tmp_path: Path, report_id: str, item_id: str | None = None, **options: Any) -> Any:
    """The app at 80×24 with a report open in the wizard (at ``item_id``):
    yields ``(app, pilot, wizard)``."""
    app = make_app(tmp_path, report_id, **options)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        if item_id is not None:
            await wizard.go_to(item_id)
            await pilot.pause()
        # The item's first field takes the focus after a refresh (keys wait meanwhile).
        await wait_for(pilot, lambda: not app.keys_held, what="the item's first field focused")
        yield app, pilot, wizard


def fix_clock(monkeypatch: Any) -> None:
    """The store's time stamps: one minute apart from 2025-12-01 10:00,
    one per call (snapshots: a fixed sequence of operations, fixed times)."""
    import itertools

    import store._fs

    minutes = itertools.count()

    def iso(dt: Any = None) -> str:
        return f"2025-12-01T{10 + (n := next(minutes)) // 60:02d}:{n % 60:02d}:00+08:00"

    monkeypatch.setattr(store._fs, "iso", iso)


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Let the app run until ``predicate()`` is true (workers, timers, threads)."""
    steps = int(timeout / 0.05)
    for _ in range(steps):
        result = predicate()
        if result:
            return result
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


async def wait_screen(pilot: Any, name: str, timeout: float = 10.0) -> Any:
    app = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == name, timeout, f"screen {name}")
    await pilot.pause()
    return app.screen


async def wait_saved(pilot: Any) -> None:
    """Until the wizard has written everything typed so far."""
    screen = pilot.app.screen
    await wait_for(
        pilot,
        lambda: screen.all_saved,
        what="autosave",
    )


def stored_answers(data_dir: Path, report_id: str) -> dict[str, Any]:
    """The answers as they are on disk, read by a separate store."""
    from store.core import Store

    store = Store(data_dir)
    handle = store.open(report_id, readonly=True)
    try:
        return handle.answers
    finally:
        handle.close()


def demo_report(data_dir: Path) -> str:
    """A demo report (complete sample answers); returns its id."""
    from store.core import Store

    from tui.session import create_demo_report

    return create_demo_report(Store(data_dir)).id
