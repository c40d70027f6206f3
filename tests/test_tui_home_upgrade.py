"""Home right after an upgrade (issue 17): every report's state in the
index is stale at once (another code stamp). The list shows the held
progress at once, marked provisional, and re-checks in the background:
the rows on screen first, written to the index batch by batch, so quitting
midway keeps what was done."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from screen_text import screen_lines
from test_tui_home_scale import COUNT, many_reports
from test_tui_support import async_test, make_app, wait_for, wait_screen


def hold_stale_states(data: Path) -> tuple[str, str]:
    """Every report's state held in the index under the current code's
    stamp, its count of items done off by one (a stale count may be
    wrong): the held progress as shown provisional, the true one."""
    from store import Store
    from tui.session.state import states_for

    store = Store(data)
    metas = store.list_reports()
    (state,) = states_for(store, metas[:1]).values()  # the others are copies of its answers
    held = state["done"] + 1 if state["done"] < state["total"] else state["done"] - 1
    store.index.put_states({m.id: {**state, "report_updated": m.updated, "done": held} for m in metas})
    store.close()
    return f"{held}/{state['total']}…", f"{state['done']}/{state['total']}项"


def upgrade(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on "the next version" runs: another code stamp."""
    from workflows.cache import Cache

    stamp = Cache.stamp
    monkeypatch.setattr(Cache, "stamp", lambda self: stamp(self) + "-upgraded")


class Gate:
    """Reports are opened (to be checked) freely until ``allowed`` have
    been, then each waits for :meth:`open`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, allowed: int = 0) -> None:
        import tui.session.session as session_module

        self.allowed = allowed
        self.opened = 0
        self.waiting = threading.Event()
        self.free = threading.Event()
        real = session_module.open_session

        def gated(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("readonly") and threading.current_thread() is not threading.main_thread():
                self.opened += 1
                if self.opened > self.allowed:
                    self.waiting.set()
                    self.free.wait(30)
            return real(*args, **kwargs)

        monkeypatch.setattr(session_module, "open_session", gated)

    def open(self) -> None:
        self.free.set()


def record_writes(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The report ids of each write of states to the index, in order."""
    from store.index import ReportIndex

    writes: list[set[str]] = []
    put_states = ReportIndex.put_states

    def recorded(self: Any, states: Any) -> None:
        put_states(self, states)
        writes.append(set(states))

    monkeypatch.setattr(ReportIndex, "put_states", recorded)
    return writes


def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.screens.progress as progress

    monkeypatch.setattr(progress, "BATCH_FIRST", 10)
    monkeypatch.setattr(progress, "BATCH_LEAST", 10)
    monkeypatch.setattr(progress, "BATCH_MOST", 10)


def current_states(data: Path) -> dict[str, dict]:
    """The states the index holds that are current (under the stamp now)."""
    from store import Store
    from tui.session.state import states_for

    store = Store(data)
    try:
        return states_for(store, store.list_reports(), compute=False)
    finally:
        store.close()


def progress_cells(app: Any, home: Any) -> list[str]:
    """The progress column of the rows on screen, as painted."""
    table = home.query_one("#reports")
    top = table.scroll_offset.y
    rows = home.shown[top:top + table.scrollable_content_region.height - 1]
    return [str(table.get_row(meta.id)[3]) for meta in rows]


@async_test
async def test_after_an_upgrade_held_progress_is_provisional_then_fresh_rows_on_screen_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = many_reports(tmp_path / "data")
    held, true = hold_stale_states(tmp_path / "data")
    assert len(current_states(tmp_path / "data")) == COUNT
    upgrade(monkeypatch)
    assert current_states(tmp_path / "data") == {}  # every state stale
    small_batches(monkeypatch)
    writes = record_writes(monkeypatch)
    gate = Gate(monkeypatch)
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            home = await wait_screen(pilot, "HomeScreen")
            await wait_for(pilot, lambda: len(home.metas) == COUNT and gate.waiting.is_set(),
                           what="the list, its re-check under way")
            await pilot.pause()
            text = "\n".join(screen_lines(app))
            top = progress_cells(app, home)
            # The held counts at once, marked: not the plain "n/m项" of a checked report.
            assert top and all(cell == held for cell in top), top
            assert all(f" {held} " in line for line in screen_lines(app)[2:2 + len(top)]), text
            assert "进度后带“…”的是上次核对的结果，可能已变：正在重新核对，还剩 120 份。" in text, text
            assert writes == []

            touched = []
            touch = home._pacer.touch
            home._pacer.touch = lambda: (touched.append(1), touch())
            await pilot.press("end")  # while the first batch (the rows on screen) waits
            await pilot.pause()
            assert touched  # the re-check gives way to the keys
            bottom = progress_cells(app, home)
            assert all(cell == held for cell in bottom), bottom
            page = len(top)
            gate.open()
            await wait_for(pilot, lambda: not home._provisional, timeout=60, what="every report re-checked")
            await pilot.pause()
            text = "\n".join(screen_lines(app))
            assert all(cell == true for cell in progress_cells(app, home)), progress_cells(app, home)
            assert "重新核对" not in text, text
            await pilot.press("home")
            await pilot.pause()
            assert all(cell == true for cell in progress_cells(app, home))
    finally:
        gate.open()

    # Batch by batch: the rows first shown, then those the user moved to,
    # then the rest in list order; each report written once.
    # (The first batch takes the rows on screen when it starts: all of the
    # first page, or its top while the list is still being laid out.)
    assert writes[0] and writes[0] == set(ids[:len(writes[0])]) and len(writes[0]) <= page, [len(w) for w in writes]
    assert writes[1] == set(ids[-page:]), sorted(writes[1])
    assert len(writes) >= 2 + (COUNT - 2 * page) // 10
    assert sum(len(w) for w in writes) == COUNT and set().union(*writes) == set(ids)
    rest = [rid for rid in ids if rid not in writes[0] | writes[1]]  # in list order
    assert [rid for w in writes[2:] for rid in sorted(w)] == rest
    states = current_states(tmp_path / "data")
    assert set(states) == set(ids) and {f"{s['done']}/{s['total']}项" for s in states.values()} == {true}


@async_test
async def test_quitting_midway_keeps_what_was_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.screens.progress as progress

    ids = many_reports(tmp_path / "data")
    held, true = hold_stale_states(tmp_path / "data")
    upgrade(monkeypatch)
    small_batches(monkeypatch)
    writes = record_writes(monkeypatch)
    gate = Gate(monkeypatch, allowed=45)  # the rows on screen and a few batches, then a report waits
    ended = threading.Event()
    recheck = progress.recheck

    def recorded(*args: Any, **kwargs: Any) -> int:
        try:
            return recheck(*args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(progress, "recheck", recorded)
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            home = await wait_screen(pilot, "HomeScreen")
            await wait_for(pilot, lambda: gate.waiting.is_set(), timeout=60, what="a report waiting")
            await pilot.pause()
            assert len(writes) >= 2
            fresh = [cell for cell in progress_cells(app, home) if cell == true]
            assert fresh, progress_cells(app, home)  # the rows on screen were re-checked first
            app.exit()
    finally:
        gate.open()
    assert await asyncio.to_thread(ended.wait, 30), "the re-check did not stop"
    written = set().union(*writes)
    assert len(writes) >= 2 and 0 < len(written) < COUNT
    assert len(written) == gate.opened  # every report checked is kept: the batch under way too
    states = current_states(tmp_path / "data")
    assert set(states) == written and {f"{s['done']}/{s['total']}项" for s in states.values()} == {true}

    # The next start: those written are shown fresh at once, the others
    # provisional until re-checked.
    writes.clear()
    gate.opened, gate.allowed = 0, 0
    gate.free.clear()
    gate.waiting.clear()
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            home = await wait_screen(pilot, "HomeScreen")
            await wait_for(pilot, lambda: len(home.metas) == COUNT and gate.waiting.is_set(), what="the list")
            await pilot.pause()
            assert home._provisional == set(ids) - written
            assert all(cell == true for cell in progress_cells(app, home))  # the first page: written before
            assert f"还剩 {COUNT - len(written)} 份" in "\n".join(screen_lines(app))
            gate.open()
            await wait_for(pilot, lambda: not home._provisional, timeout=60, what="the rest re-checked")
    finally:
        gate.open()
    assert set().union(*writes) == set(ids) - written  # only the others re-checked


def test_the_recheck_waits_while_keys_come(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import tui.screens.progress as progress

    monkeypatch.setattr(progress, "GIVE_WAY", 0.05)
    pacer = progress.Pacer()
    pacer.wait(lambda: False)  # no key yet: no wait
    pacer.touch()
    pacer.wait(lambda: False)
    assert time.monotonic() >= pacer.until
    monkeypatch.setattr(progress, "GIVE_WAY", 600)
    pacer.touch()
    pacer.wait(lambda: True)  # stopped (the app quits): at once
    assert pacer.until - time.monotonic() > 500
