#!/usr/bin/env python3
"""The home screen at scale (issue 17, item 3): home ready at 1 / 1,000 /
10,000 reports, the command palette's CPU per key at 10,000, and peak memory
at 10,000, each next to a baseline measured in the same run.

    .venv/bin/python bench/home_scale.py [--sizes 1,1000,10000] [--repeat N] [--json FILE]
    .venv/bin/python bench/home_scale.py --after-upgrade [--sizes 1000,10000] [--quit-after S]

Each figure is a separate process started on a pseudo-terminal (80×24)
through shuzhi's real entry point (``tui.cli.main``), rendered by the
benchmark harness's driver (every frame composed and encoded, then
dropped) and driven by Textual's autopilot:

* **home ready**: process start until the home screen is mounted and
  painted ("list shown"), and until its background work (the progress
  column) is done and repainted ("progress shown"). A *first start of a
  day* has an empty cache folder (every report's progress worked out); a
  *warm* start reuses the cache the first one left. Baseline: the bare
  Textual app (Header, Input, Footer) of ``bench/harness.py`` to its first
  frame.
* **palette per key**: the process' CPU time (all threads) from a key
  typed in the command palette until the palette's search is done and
  painted, median over the keys of a few queries. Baseline: the same at one
  report.
* **peak memory**: the process' peak RSS (``ru_maxrss``) with the home
  shown, progress filled, palette used. Baseline: the bare app's.

``--after-upgrade`` measures instead the start right after an upgrade:
every report holds a state in the index, but under the previous code's
stamp (the child patches ``Cache.stamp``, as a new version changes it:
the states and the check cache are both stale), so home re-checks every
report in the background. Figures: until the visible rows show fresh
progress; until every report is re-checked, with the process' CPU meanwhile;
the index writes (how many, how long); with the re-check running, the
main thread's CPU and wall time per key (↓/↑ in the list, keys typed in the
palette; keys 50 ms apart, and single keys after a quiet while, when the
re-check has not yet given way), next to the same keys once it is done;
and a start quit after a
few seconds, then how many states that start left current in the index.

The data folders are made fast through the store: one demo report (the
built-in workflow with its sample answers, through ``create_demo_report``)
and copies of its report file (``store.files.build_report``, written with
``workflows.fileio.write_atomic`` without fsync), then the index rebuilt
from the files (``Store.rebuild_index``). Everything lives in a temporary
folder (data, XDG cache). Prints a markdown table. Linux/macOS only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
PY = sys.executable
QUERIES = ("第37党支部", "青山 2025", "支部述职")  # one hit; words; every report


# ------------------------------------------------------------ data


def make_data(root: Path, count: int) -> None:
    """``count`` reports in ``root``: the demo report and copies of it, one
    unit each (青山市第i党支部), saved a minute apart."""
    from store import _fs
    from store.core import Store
    from store.files import build_report
    from tui.session import create_demo_report
    from workflows.fileio import write_atomic

    store = Store(root)
    first = create_demo_report(store)
    source = store.files.read(first.id).data
    fields = {k: v for k, v in source["report"]["1"].items() if k not in ("id", "created", "updated")}
    answers = list(source["answers"].values())
    start = _dt.datetime(2025, 11, 30, 12, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    for i in range(1, count):
        rid = f"r{i:05d}"
        now = (start - _dt.timedelta(minutes=i)).isoformat()
        data = build_report(rid, now, {**fields, "title": f"2025年度青山市第{i}党支部书记抓党建工作述职报告",
                                       "unit": f"青山市第{i}党支部"}, answers)
        write_atomic(store.report_path(rid), _fs.dumps(data), durable=False)
    store.rebuild_index()
    store.close()


# ------------------------------------------------------------ processes


def spawn(cmd: list[str], env: dict[str, str], timeout: float = 900.0) -> tuple[float, float, str, int]:
    """Run ``cmd`` on a pseudo-terminal (``run.spawn``, the benchmark's one
    process runner): (start time, peak RSS in MB, stderr, exit code)."""
    from run import spawn as run_spawn

    run = run_spawn(cmd, env, tty=True, timeout=timeout)
    return run.started, run.maxrss_mb, run.stderr, run.code


def child_env(tmp: Path, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(XDG_CACHE_HOME=str(tmp / cache), XDG_DATA_HOME=str(tmp / "xdg-data"),
               XDG_CONFIG_HOME=str(tmp / "xdg-config"), SHUZHI_DATA_DIR=str(tmp / "unused-data"),
               LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color", COLUMNS="80", LINES="24",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    for name in ("TEXTUAL_DRIVER", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT", "SHUZHI_DEBUG"):
        env.pop(name, None)
    return env


def run_child(tmp: Path, kind: str, data: Path | None, cache: str, palette: bool) -> dict[str, Any]:
    out = tmp / "child.json"
    out.unlink(missing_ok=True)
    cmd = [PY, __file__, "--child", kind, str(out), "1" if palette else "0"]
    if data is not None:
        cmd.append(str(data))
    started, peak_mb, stderr, code = spawn(cmd, child_env(tmp, cache))
    if code != 0 or not out.exists():
        raise RuntimeError(f"{kind} child failed ({code}):\n{stderr[-3000:]}")
    result = json.loads(out.read_text())
    result["painted_ms"] = (result["painted"] - started) * 1000
    result["ready_ms"] = (result["ready"] - started) * 1000
    result["peak_mb"] = peak_mb
    return result


# ------------------------------------------------------------ child


def cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, out: str, palette: bool, data: str | None) -> int:
    from harness import BareApp, install_autopilot, install_driver, settle, wait_for_mounted, wait_for_screen

    expected = "HomeScreen" if kind == "app" else None

    async def drive(pilot: Any) -> None:
        await wait_for_mounted(pilot, expected)
        painted = time.monotonic()
        await wait_for_screen(pilot, expected)
        ready = time.monotonic()
        result: dict[str, Any] = {"painted": painted, "ready": ready, "cpu_ready_s": cpu()}
        screen = pilot.app.screen
        if kind == "app":
            result["reports"] = len(screen.metas)
            result["progress"] = sum(1 for m in screen.metas if screen._progress.get(m.id, "…") != "…")
        if palette:
            keys: list[float] = []
            for query in QUERIES:
                await pilot.press("ctrl+p")
                await settle(pilot)
                for char in query:
                    before = cpu()
                    await pilot.press("space" if char == " " else char)
                    await settle(pilot)
                    await pilot.pause()
                    keys.append((cpu() - before) * 1000)
                result.setdefault("hits", []).append(pilot.app.screen.query_one("CommandList").option_count)
                await pilot.press("escape")
                await settle(pilot)
            result["key_cpu_ms"] = keys
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        pilot.app.exit()

    install_driver()
    install_autopilot(drive)
    if kind == "bare":
        BareApp().run()
        return 0
    from tui.cli import main as shuzhi

    assert data is not None
    return shuzhi(["--data-dir", data])


# ------------------------------------------------------------ after an upgrade

UPGRADE_KEYS = ("down",) * 12 + ("up",) * 12
UPGRADE_QUERY = "第37党支部"


def hold_states(data: Path) -> int:
    """Every report's state in the index under the current code's stamp, as
    the previous version left them: the first report checked, the others
    (copies of its answers) given its state with their own ``updated``."""
    from store.core import Store
    from tui.session.state import states_for

    store = Store(data)
    metas = store.list_reports()
    (first,) = states_for(store, metas[:1]).values()
    store.index.put_states({m.id: {**first, "report_updated": m.updated} for m in metas})
    store.close()
    return len(metas)


def current_states(data: Path) -> int:
    """How many reports' states are current under the upgraded stamp."""
    from store.core import Store
    from tui.session.state import states_for
    from workflows.cache import Cache

    stamp = Cache.stamp
    upgrade()
    try:
        store = Store(data)
        count = len(states_for(store, store.list_reports(), compute=False))
        store.close()
    finally:
        Cache.stamp = stamp  # type: ignore[method-assign]  # the parent holds the next size's states
    return count


def upgrade() -> None:
    """This process runs "the next version": another code stamp."""
    from workflows.cache import Cache

    stamp = Cache.stamp
    Cache.stamp = lambda self: stamp(self) + "-upgraded"  # type: ignore[method-assign]


def child_upgrade(out: str, quit_after: float, data: str) -> int:
    """Home right after an upgrade (see the module's docstring)."""
    from harness import install_autopilot, install_driver, wait_for_mounted

    from store.index import ReportIndex

    upgrade()
    writes: list[tuple[float, float, int]] = []  # (when, seconds, states)
    put_states = ReportIndex.put_states

    def counted(self: Any, states: Any) -> None:
        began = time.monotonic()
        put_states(self, states)
        writes.append((began, time.monotonic() - began, len(states)))

    ReportIndex.put_states = counted  # type: ignore[method-assign]

    async def drive(pilot: Any) -> None:
        app = pilot.app
        await wait_for_mounted(pilot, "HomeScreen")
        painted = time.monotonic()
        screen = app.screen
        while not screen.metas:
            await pilot.pause(0.005)
        listed = time.monotonic()
        table = screen.query_one("#reports")
        top, page = table.scroll_offset.y, table._page()
        visible = screen.shown[top:top + page]
        result: dict[str, Any] = {"painted": painted, "listed": listed, "reports": len(screen.metas),
                                  "visible": len(visible),
                                  "cells_at_list": [str(table.get_row(m.id)[3]) for m in visible]}

        def fresh(meta: Any) -> bool:
            return screen._progress_key.get(meta.id) == meta.updated and not screen._progress.get(
                meta.id, "…").endswith("…")

        def others() -> list[Any]:
            return [w for w in app.workers if w.group != "home-progress" and not w.is_finished]

        while not all(fresh(m) for m in visible):
            await pilot.pause(0.005)
        result["visible_fresh"] = time.monotonic()
        result["cells_fresh"] = [str(table.get_row(m.id)[3]) for m in visible]
        if quit_after:
            await asyncio.sleep(max(0.0, painted + quit_after - time.monotonic()))
            result["quit"] = time.monotonic()
            result["fresh_at_quit"] = sum(1 for m in screen.metas if fresh(m))
        else:
            result["busy"] = await keys(pilot, others)
            result["busy_done"] = sum(1 for m in screen.metas if fresh(m))
            await app.workers.wait_for_complete()
            await pilot.pause()
            result["ready"] = time.monotonic()
            result["cpu_ready_s"] = cpu()
            result["idle"] = await keys(pilot, others)
        result["writes"] = writes
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        app.exit()

    install_driver()
    install_autopilot(drive)
    from tui.cli import main as shuzhi

    return shuzhi(["--data-dir", data])


async def keys(pilot: Any, others: Any) -> dict[str, list[float]]:
    """Main-thread CPU and wall time (ms) per key, from the key sent (as
    the driver sends it) until the screen has handled it, the palette's
    search is done and the next frame is written: ↓/↑ in the list, then the
    palette query typed. (``Pilot.press`` waits for the whole process to be
    idle, which it is not while the re-check runs.)"""
    from harness import RenderDriver
    from textual import events

    app = pilot.app
    got: dict[str, list[float]] = {f"{kind}_{what}": [] for kind in ("alone", "list", "palette")
                                   for what in ("cpu", "wall")}

    async def one(key: str, kind: str) -> None:
        written = RenderDriver.bytes_written
        wall, thread = time.perf_counter(), time.thread_time()
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
        await pilot._wait_for_screen()
        while busy := others():
            await asyncio.gather(*(w.wait() for w in busy), return_exceptions=True)
            await pilot._wait_for_screen()
        deadline = time.monotonic() + 3
        while RenderDriver.bytes_written == written and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        got[f"{kind}_cpu"].append((time.thread_time() - thread) * 1000)
        got[f"{kind}_wall"].append((time.perf_counter() - wall) * 1000)
        await asyncio.sleep(0.05)  # a typist's pace

    for key in ("down", "up") * 3:  # a key after a quiet while: the re-check is under way, not giving way
        await asyncio.sleep(0.6)
        await one(key, "alone")
    for key in UPGRADE_KEYS:
        await one(key, "list")
    await pilot.press("ctrl+p")
    await asyncio.sleep(0.3)
    for char in UPGRADE_QUERY:
        await one(char, "palette")
    await pilot.press("escape")
    await asyncio.sleep(0.1)
    return got


def run_upgrade(tmp: Path, data: Path, count: int, quit_after: float) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for label, quit_at in (("full", 0.0), ("quit", quit_after)):
        hold_states(data)
        out = tmp / "child.json"
        out.unlink(missing_ok=True)
        cmd = [PY, __file__, "--child", "upgrade", str(out), str(quit_at), str(data)]
        from run import spawn as run_spawn

        run = run_spawn(cmd, child_env(tmp, f"cache-up-{count}-{label}"), tty=True, timeout=900.0)
        started, peak_mb = run.started, run.maxrss_mb
        if run.code != 0 or not out.exists():
            raise RuntimeError(f"upgrade child failed ({run.code}):\n{run.stderr[-3000:]}")
        result = json.loads(out.read_text())
        result["exited_ms"] = run.wall_ms
        for key in ("painted", "listed", "visible_fresh", "ready", "quit"):
            if key in result:
                result[f"{key}_ms"] = (result[key] - started) * 1000
        result["peak_mb"] = peak_mb
        if quit_at:
            result["current_after_quit"] = current_states(data)
        figures[label] = result
    return figures


def print_upgrade(figures: dict[int, Any], quit_after: float) -> None:
    rows = ["| measure (after an upgrade: every held state stale) | value |", "|---|---|"]
    for count, fig in figures.items():
        full, quit = fig["full"], fig["quit"]
        writes = full["writes"]
        provisional = sum(1 for c in full["cells_at_list"] if len(c) > 1 and c.endswith("…"))
        rows += [
            f"| {count} reports: list shown | {full['listed_ms']:.0f} ms; visible rows' progress then: "
            f"{provisional}/{full['visible']} provisional (e.g. {full['cells_at_list'][0]!r}) |",
            f"| {count} reports: visible rows fresh | {full['visible_fresh_ms']:.0f} ms "
            f"(e.g. {full['cells_fresh'][0]!r}) |",
            f"| {count} reports: every report re-checked | {full['ready_ms'] / 1000:.1f} s; process CPU "
            f"{full['cpu_ready_s']:.1f} s; peak {full['peak_mb']:.0f} MB |",
            f"| {count} reports: index writes | {len(writes)} (first after "
            f"{(writes[0][0] - full['painted']) * 1000:.0f} ms of list; median "
            f"{median([w[1] * 1000 for w in writes]):.0f} ms each, {sum(w[1] for w in writes):.1f} s in all; "
            f"states per write median {median([w[2] for w in writes]):.0f}) |" if writes else
            f"| {count} reports: index writes | none |",
        ]
        for kind, what in (("alone", "↓/↑ in the list, 0.6 s apart"), ("list", "↓/↑ in the list, 50 ms apart"),
                           ("palette", f"palette, typing {UPGRADE_QUERY} 50 ms apart")):
            busy, idle = full["busy"], full["idle"]
            rows.append(
                f"| {count} reports: {what}, per key, main thread | during the re-check: CPU "
                f"{median(busy[kind + '_cpu']):.1f} ms, wall {median(busy[kind + '_wall']):.0f} ms "
                f"(max {max(busy[kind + '_wall']):.0f}); after it: CPU {median(idle[kind + '_cpu']):.1f} ms, "
                f"wall {median(idle[kind + '_wall']):.0f} ms |")
        rows.append(f"| {count} reports: quit after {quit_after:.0f} s | {quit['fresh_at_quit']} fresh on "
                    f"screen, {len(quit['writes'])} writes, process ended {quit['exited_ms']:.0f} ms after start; "
                    f"next start holds {quit['current_after_quit']} current states |")
    print("\n".join(rows))


# ------------------------------------------------------------ parent


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,1000,10000", help="numbers of reports (default 1,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="warm starts and bare runs per size (median)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--after-upgrade", action="store_true", help="the start after an upgrade (see above)")
    parser.add_argument("--quit-after", type=float, default=5.0, help="--after-upgrade: quit this start (s)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child and args.child[0] == "upgrade":
        _kind, out, quit_after, data_dir = args.child
        return child_upgrade(out, float(quit_after), data_dir)
    if args.child:
        kind, out, palette, *data = args.child
        return child(kind, out, palette == "1", data[0] if data else None)

    sizes = [int(s) for s in args.sizes.split(",")]
    if args.after_upgrade:
        upgraded: dict[int, Any] = {}
        with tempfile.TemporaryDirectory(prefix="shuzhi-home-") as name:
            for count in sizes:
                data = Path(name) / f"data-{count}"
                make_data(data, count)
                upgraded[count] = run_upgrade(Path(name), data, count, args.quit_after)
        print_upgrade(upgraded, args.quit_after)
        if args.json:
            Path(args.json).write_text(json.dumps(upgraded, ensure_ascii=False, indent=1, default=str))
        return 0
    largest = max(sizes)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="shuzhi-home-") as name:
        tmp = Path(name)
        run_child(tmp, "bare", None, "cache-bare", False)  # warm-up (OS file cache, bytecode)
        bare = [run_child(tmp, "bare", None, "cache-bare", palette=True) for _ in range(args.repeat)]
        figures["bare"] = {"ready_ms": median([b["ready_ms"] for b in bare]),
                           "peak_mb": max(b["peak_mb"] for b in bare),
                           "key_cpu_ms": median([k for b in bare for k in b["key_cpu_ms"]])}
        for count in sizes:
            data = tmp / f"data-{count}"
            began = time.monotonic()
            make_data(data, count)
            made_s = time.monotonic() - began
            cache = f"cache-{count}"
            first = run_child(tmp, "app", data, cache, palette=False)  # empty cache: first start of a day
            warm = [run_child(tmp, "app", data, cache, palette=count in (1, largest))
                    for _ in range(args.repeat if count < 10_000 else 1)]
            figures[count] = {
                "made_s": made_s,
                "first": {k: first[k] for k in ("painted_ms", "ready_ms", "cpu_ready_s", "peak_mb", "progress")},
                "warm_painted_ms": median([w["painted_ms"] for w in warm]),
                "warm_ready_ms": median([w["ready_ms"] for w in warm]),
                "peak_mb": max([first["peak_mb"], *(w["peak_mb"] for w in warm)]),
                "warm_peak_mb": max(w["peak_mb"] for w in warm),
                "key_cpu_ms": [k for w in warm for k in w.get("key_cpu_ms", [])],
                "hits": warm[-1].get("hits"),
                "reports": first["reports"],
            }
    print_table(figures, sizes)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return 0


def print_table(figures: dict[Any, Any], sizes: list[int]) -> None:
    bare = figures["bare"]
    rows = [("| measure | value | baseline | ratio | target |"), "|---|---|---|---|---|"]

    def row(name: str, value: float, base: float | None, unit: str, target: str) -> None:
        ratio = f"{value / base:.2f}×" if base else "—"
        base_text = f"{base:.1f} {unit}" if base is not None else "—"
        rows.append(f"| {name} | {value:.1f} {unit} | {base_text} | {ratio} | {target} |")

    one = figures.get(1)
    for count in sizes:
        fig = figures[count]
        first = fig["first"]
        row(f"home, {count} reports, first start of a day: list shown", first["painted_ms"], bare["ready_ms"],
            "ms", "—")
        one_first = one["first"]["ready_ms"] if one else None
        target = "≤ 1.5× one report" if count == 1000 else "≤ 2000 ms" if count == 10_000 else "—"
        row(f"home, {count} reports, first start of a day: progress shown "
            f"({first['progress']}/{fig['reports']} rows; CPU {first['cpu_ready_s']:.1f} s)",
            first["ready_ms"], one_first if count != 1 else bare["ready_ms"], "ms", target)
        row(f"home, {count} reports, warm start: progress shown", fig["warm_ready_ms"],
            one["warm_ready_ms"] if one and count != 1 else bare["ready_ms"], "ms", "—")
    for count in sizes:
        keys = figures[count]["key_cpu_ms"]
        if keys and count != 1:
            base = median(one["key_cpu_ms"]) if one and one["key_cpu_ms"] else bare["key_cpu_ms"]
            row(f"palette, {count} reports: CPU per key (median of {len(keys)}; max {max(keys):.0f} ms)",
                median(keys), base, "ms", "≤ 50 ms")
    largest = max(sizes)
    row(f"peak memory, {largest} reports, first start of a day (home, every report's progress worked out)",
        figures[largest]["first"]["peak_mb"], bare["peak_mb"], "MB", "≤ 80 MB")
    row(f"peak memory, {largest} reports, warm start (home, progress, palette)", figures[largest]["warm_peak_mb"],
        bare["peak_mb"], "MB", "≤ 80 MB")
    print("\n".join(rows))
    print(f"\nBaselines: bare Textual app (Header, Input, Footer) ready {bare['ready_ms']:.0f} ms, "
          f"{bare['peak_mb']:.1f} MB, its palette {bare['key_cpu_ms']:.1f} ms CPU per key; palette rows' baseline: "
          "the same queries at one report. Data made in "
          + ", ".join(f"{figures[c]['made_s']:.1f} s ({c})" for c in sizes) + ".")


if __name__ == "__main__":
    raise SystemExit(main())
