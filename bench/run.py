#!/usr/bin/env python3
"""shuzhi benchmarks: every figure next to a baseline measured in the same
run, since these machines are shared and noisy.

    .venv/bin/python bench/run.py [--repeat N] [--quick] [--json FILE]

Prints one table: measured value, baseline, ratio, target, and whether the
target is met. Times are medians over ``--repeat`` runs (default 7; cold
starts are separate processes, the first of each kind discarded as a
warm-up of the OS file cache, the bytecode and shuzhi's own template cache).
The whole run takes one and a half to four minutes on a 2-core machine. Linux/macOS only (it uses a
pseudo-terminal to start the app the way a user does).

Nothing outside a temporary folder is touched (apart from Python writing
bytecode to __pycache__): the data directories, the template cache
(XDG_CACHE_HOME) and exported files all live there.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import fcntl
import json
import os
import platform
import pty
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
HARNESS = str(BENCH / "harness.py")
PY = sys.executable


# ------------------------------------------------------------ processes


@dataclass
class Run:
    wall_ms: float  # spawn to exit
    maxrss_mb: float  # peak resident memory of the process
    code: int
    started: float  # time.monotonic() just before spawn
    stderr: str = ""


def spawn(cmd: list[str], env: dict[str, str], cwd: str | None = None, tty: bool = False,
          timeout: float = 120.0) -> Run:
    """Run ``cmd`` to completion; wall time and the peak RSS of exactly
    that process (os.wait4, not the cumulative RUSAGE_CHILDREN)."""
    err = tempfile.TemporaryFile()
    master = slave = None
    if tty:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        stdin = stdout = slave
    else:
        stdin, stdout = subprocess.DEVNULL, subprocess.DEVNULL
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=err, env=env, cwd=cwd,
                            start_new_session=tty)
    drain = None
    if tty:
        os.close(slave)

        def read_all() -> None:
            try:
                while os.read(master, 65536):
                    pass
            except OSError:
                pass

        drain = threading.Thread(target=read_all, daemon=True)
        drain.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    ended = time.monotonic()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if master is not None:
        os.close(master)
    if drain is not None:
        drain.join(1)
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace")
    err.close()
    # ru_maxrss is kB on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Run((ended - started) * 1000, usage.ru_maxrss / scale, proc.returncode, started, stderr)


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


# ------------------------------------------------------------ table


@dataclass
class Row:
    name: str
    value: float
    baseline: float | None
    unit: str
    target: str
    met: bool | None
    baseline_name: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g} {unit}"


def print_table(rows: list[Row], header: str) -> str:
    cols = ["measure", "value", "baseline (same run)", "ratio", "target", "met"]
    lines = []
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        base = fmt(r.baseline, r.unit) + (f" ({r.baseline_name})" if r.baseline_name else "")
        lines.append([r.name, fmt(r.value, r.unit), base, ratio, r.target, met])
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(cols)]
    out = [header, ""]
    out.append("| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |")
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |")
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        out += ["", *notes]
    text = "\n".join(out)
    print(text, flush=True)
    return text


def log(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------ set-up


def shuzhi_cmd() -> list[str]:
    script = Path(PY).parent / "shuzhi"
    if script.exists():
        return [str(script)]
    return [PY, "-m", "tui.cli"]


def child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp / "xdg-config"),
        SHUZHI_DATA_DIR=str(tmp / "unused-data"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    # PYTHONDONTWRITEBYTECODE would make every child compile each module
    # changed since its .pyc was written, on every start: an installed
    # shuzhi (like the baseline's site-packages) runs from bytecode, so the
    # warm-up runs may write it.
    for name in ("TEXTUAL_DRIVER", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT", "SHUZHI_DEBUG", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def make_store_elsewhere(root: Path, count: int, env: dict) -> tuple[str, Path]:
    """``bench/stores.py: make_store`` in a child process; (the demo report's id, root)."""
    code = (f"import sys, pathlib; sys.path.insert(0, {str(BENCH)!r}); import stores; "
            f"print(stores.make_store(pathlib.Path({str(root)!r}), {count})[0])")
    proc = subprocess.run([PY, "-c", code], env={**env, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True,
                          text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"building a store of {count} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout.strip().splitlines()[-1], root


# ------------------------------------------------------------ measures


def bench_start(tmp: Path, env: dict, data_dir: Path, repeat: int) -> tuple[list[Row], Run]:
    def once(kind: str) -> tuple[float, float, Run]:
        out = tmp / f"ready-{kind}.json"
        out.unlink(missing_ok=True)
        cmd = [PY, HARNESS, "start", kind, str(out)]
        if kind == "app":
            cmd += ["--", "--data-dir", str(data_dir)]
        run = spawn(cmd, env, cwd=str(tmp), tty=True)
        if run.code != 0 or not out.exists():
            raise RuntimeError(f"start {kind} failed ({run.code}):\n{run.stderr[-3000:]}")
        data = json.loads(out.read_text())
        return (data["painted"] - run.started) * 1000, (data["ready"] - run.started) * 1000, run

    once("app"), once("bare")  # warm-up
    painted: dict[str, list[float]] = {"app": [], "bare": []}
    ready: dict[str, list[float]] = {"app": [], "bare": []}
    bare_runs = []
    for _ in range(repeat):  # interleaved, so drifting load hits both alike
        for kind in ("app", "bare"):
            paint_ms, ready_ms, run = once(kind)
            painted[kind].append(paint_ms)
            ready[kind].append(ready_ms)
            if kind == "bare":
                bare_runs.append(run)
    value, base = median(ready["app"]), median(ready["bare"])
    rows = [
        Row("app cold start → first screen ready (incl. its background work)", value, base, "ms", "≤ 1.3×",
            value <= 1.3 * base, "bare Textual app: Header+Input+Footer"),
        Row("  … of which: first screen painted (list shown)", median(painted["app"]), median(painted["bare"]),
            "ms", "—", None, "bare app painted"),
    ]
    return rows, bare_runs[-1]


def bench_start_big(tmp: Path, env: dict, data_dir: Path, count: int, runs: int) -> tuple[float, float, float]:
    """The home screen of a large store on the first start of a day (every
    report's state in the index, nothing checked since): medians of the
    list shown and the progress column filled, and the peak memory."""
    painted, ready, peak = [], [], 0.0
    for i in range(runs + 1):
        out = tmp / "ready-big.json"
        out.unlink(missing_ok=True)
        run = spawn([PY, HARNESS, "start", "app", str(out), "--", "--data-dir", str(data_dir)], env,
                    cwd=str(tmp), tty=True, timeout=300)
        if run.code != 0 or not out.exists():
            raise RuntimeError(f"start app failed ({run.code}):\n{run.stderr[-3000:]}")
        data = json.loads(out.read_text())
        if i:  # the first run is a warm-up
            painted.append((data["painted"] - run.started) * 1000)
            ready.append((data["ready"] - run.started) * 1000)
            peak = max(peak, run.maxrss_mb)
    return median(painted), median(ready), peak


def big_start_rows(tmp: Path, env: dict, stores: dict[int, tuple[str, Path]], one_ready: float) -> list[Row]:
    rows = []
    for count in sorted(stores):
        if count < 1000:
            continue
        painted, ready, peak = bench_start_big(tmp, env, Path(stores[count][1]), count, 2)
        rows.append(Row(f"app cold start, {count} reports: list shown", painted, None, "ms", "—", None))
        if count == 1000:
            rows.append(Row(f"app cold start, {count} reports: progress column filled (first start of a day)",
                            ready, one_ready, "ms", "≤ 1.5×", ready <= 1.5 * one_ready, "1 report, same"))
        else:
            rows.append(Row(f"app cold start, {count} reports: progress column filled (first start of a day)",
                            ready, one_ready, "ms", "≤ 2 s", ready <= 2000, "1 report, same"))
            rows.append(Row(f"app peak memory at the home screen, {count} reports", peak, None, "MB", "≤ 80 MB",
                            peak <= 80))
    return rows


BASE_CLI = 'python -c "import rich.console, tinydb"'


def bench_cli(tmp: Path, env: dict, stores: dict[int, tuple[str, Path]], repeat: int) -> list[Row]:
    """``check``, ``preview`` and ``list`` as whole processes at every store
    size, interleaved with the baseline; ``list``'s peak memory too."""
    base_cmd = [PY, "-c", "import rich.console, tinydb"]
    cmds: dict[tuple[str, int], list[str]] = {}
    for count, (report_id, root) in sorted(stores.items()):
        for name in ("check", "preview", "list"):
            target = [report_id] if name != "list" else []
            cmds[(name, count)] = shuzhi_cmd() + ["--data-dir", str(root), name, *target]
    for cmd in [base_cmd, *cmds.values()]:  # warm-up
        spawn(cmd, env, cwd=str(tmp))
    samples: dict[Any, list[float]] = {"base": [], **{key: [] for key in cmds}}
    memory: dict[Any, list[float]] = {"base": [], **{key: [] for key in cmds}}
    for _ in range(repeat):
        run = spawn(base_cmd, env, cwd=str(tmp))
        samples["base"].append(run.wall_ms)
        memory["base"].append(run.maxrss_mb)
        for key, cmd in cmds.items():
            run = spawn(cmd, env, cwd=str(tmp))
            if run.code not in (0, 1):
                raise RuntimeError(f"shuzhi {key[0]} failed ({run.code}):\n{run.stderr[-3000:]}")
            samples[key].append(run.wall_ms)
            memory[key].append(run.maxrss_mb)
    base = median(samples["base"])
    rows = []
    for (name, count), values in ((k, v) for k, v in samples.items() if k != "base"):
        value = median(values)
        limit = 1.2 if count <= 1000 else 1.3
        what = f"CLI `shuzhi {name}` cold, {count} report{'s' if count > 1 else ''} stored (whole process)"
        rows.append(Row(what, value, base, "ms", f"≤ {limit}×", value <= limit * base, BASE_CLI))
    big = max(stores)
    rows.append(Row(f"CLI `shuzhi list` peak memory, {big} reports stored", max(memory[("list", big)]),
                    max(memory["base"]), "MB", "≤ 80 MB", max(memory[("list", big)]) <= 80, BASE_CLI))
    return rows


def bench_check_after_fill(tmp: Path, env: dict, repeat: int) -> Row:
    """``check`` right after ``fill`` wrote the answers (each time new ones)."""
    from workflows.loader import sample_answers_path

    root = tmp / "data-fill"
    cmd = shuzhi_cmd() + ["--data-dir", str(root)]
    new = subprocess.run(cmd + ["new", "--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "基准局"],
                         env=env, cwd=str(tmp), capture_output=True, text=True, check=True)
    report_id = new.stdout.strip()
    sample = sample_answers_path("dangjian-shuzhi").read_text(encoding="utf-8")
    base_cmd = [PY, "-c", "import rich.console, tinydb"]
    values, bases = [], []
    for i in range(repeat + 1):
        answers = tmp / "fill.yaml"
        answers.write_text(sample.replace("青山市自然资源和规划局", f"青山市第{i}局"), encoding="utf-8")
        filled = spawn(cmd + ["fill", report_id, str(answers)], env, cwd=str(tmp))
        if filled.code != 0:
            raise RuntimeError(f"shuzhi fill failed ({filled.code}):\n{filled.stderr[-3000:]}")
        run = spawn(cmd + ["check", report_id], env, cwd=str(tmp))
        base = spawn(base_cmd, env, cwd=str(tmp))
        if i:  # the first is a warm-up
            values.append(run.wall_ms)
            bases.append(base.wall_ms)
    value, base = median(values), median(bases)
    return Row("CLI `shuzhi check` right after `fill` (whole process)", value, base, "ms", "≤ 1.3×",
               value <= 1.3 * base, BASE_CLI)


def bench_wizard(tmp: Path, env: dict, data_dir: Path, report_id: str, repeat: int) -> Row:
    runs = max(2, repeat // 3)
    steps = 12

    def once(kind: str) -> list[float]:
        out = tmp / f"wizard-{kind}.json"
        out.unlink(missing_ok=True)
        run = spawn([PY, HARNESS, "wizard", kind, str(out), str(data_dir), report_id, str(steps)],
                    env, cwd=str(tmp), tty=True)
        if run.code != 0 or not out.exists():
            raise RuntimeError(f"wizard {kind} failed ({run.code}):\n{run.stderr[-3000:]}")
        return json.loads(out.read_text())["samples"]

    app: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        app += once("app")
        bare += once("bare")
    value, base = median(app), median(bare)
    return Row("wizard: next item (PageDown → screen settled)", value, base, "ms", "≤ 1.5×",
               value <= 1.5 * base, "bare app updating a Static and an Input",
               extra={"samples": len(app)})


def bench_save(tmp: Path, stores: dict[int, tuple[str, Path]]) -> list[Row]:
    """One answer saved through the app's path (validate, durable write,
    meta sync) in stores of 1, 100 and 1,000 reports, against a plain
    TinyDB update. Round-robin over all of them, so that each sees the same
    disk: fsync time on a shared machine swings with whatever else the file
    system is writing back."""
    from tinydb import TinyDB

    from store.core import Store
    from tui.session import open_session

    n = 80
    os.sync()
    time.sleep(1.0)
    sessions = {}
    try:
        for count, (report_id, root) in sorted(stores.items()):
            store = Store(root)
            sessions[count] = (store, open_session(store, report_id, write=True))
        first = sessions[min(sessions)][1]
        target_path = next(f.path for f in first.workflow.fields() if f.type == "longtext")
        originals = {count: session.answers.get(target_path) for count, (_s, session) in sessions.items()}
        db = TinyDB(tmp / "plain-tinydb.json")
        doc_id = db.insert({"answers": first.answers})
        counter = iter(range(10**9))

        def saver(session: Any) -> Callable[[], None]:
            return lambda: session.set_answer(target_path, f"第{next(counter)}次修改：认真落实党建工作责任制。")

        def plain_update() -> None:
            db.update({target_path: f"第{next(counter)}次修改：认真落实党建工作责任制。"}, doc_ids=[doc_id])

        jobs = {count: saver(session) for count, (_s, session) in sessions.items()}
        jobs[0] = plain_update
        samples: dict[int, list[float]] = {count: [] for count in jobs}
        for _ in range(5):
            for job in jobs.values():
                job()
        order = list(jobs)
        shuffler = random.Random(7)
        for _ in range(n):
            shuffler.shuffle(order)  # no job always follows the same other one
            for count in order:
                samples[count] += timed(jobs[count], 1)
        db.close()
        for count, (_s, session) in sessions.items():
            session.set_answer(target_path, originals[count])
    finally:
        for store, session in sessions.values():
            session.close()
            store.close()
    base = median(samples.pop(0))
    results = {count: median(values) for count, values in samples.items()}
    spread = max(results.values()) / min(results.values())
    flat = spread <= 1.5
    rows = []
    for count, value in sorted(results.items()):
        rows.append(Row(f"save one answer, {count} report{'s' if count > 1 else ''} stored", value, base, "ms",
                        "≤ 5 ms, flat", value <= 5.0 and flat, "plain TinyDB update, 1 report"))
    rows[-1].note = (
        f"flat across store sizes: largest/smallest median = {spread:.2f} (flat means ≤ 1.5). "
        "The store writes a new file, fsyncs it, renames it over the old one and fsyncs the folder; "
        "plain TinyDB rewrites its file in place with one fsync"
    )
    return rows


def bench_list(tmp: Path, root: Path, count: int) -> Row:
    from tinydb import TinyDB

    from store.core import Store

    def cold_listing() -> None:
        store = Store(root)
        assert len(store.list_reports()) == count
        store.close()

    timed(cold_listing, 2)
    value = median(timed(cold_listing, 15))
    metas = [dataclasses.asdict(m) for m in Store(root).list_reports()]
    plain = tmp / "plain-list.json"
    db = TinyDB(plain)
    db.insert_multiple(json.loads(json.dumps(metas, default=str)))
    db.close()

    def plain_listing() -> None:
        with TinyDB(plain) as handle:
            assert len(handle.all()) == count

    timed(plain_listing, 2)
    base = median(timed(plain_listing, 15))
    return Row(f"list {count} reports (new Store, cold)", value, base, "ms", "—", None,
               f"TinyDB.all() of {count} report entries")


def bench_assemble(report_id: str, root: Path) -> Row:
    from store.core import Store
    from workflows.answers import effective_answers
    from workflows.assemble import assemble, item_namespace
    from workflows.loader import load_builtin
    from workflows.templating import environment

    store = Store(root)
    meta = store.get_meta(report_id)
    with store.open(report_id, readonly=True) as handle:
        answers = handle.answers
    store.close()
    wf = load_builtin(meta.workflow_id)
    assemble(wf, answers)
    value = median(timed(lambda: assemble(wf, answers), 30))

    # Baseline: the same item templates rendered straight with Jinja2 (same
    # sandboxed environment and filters), without assembly's work.
    env = environment()
    values = effective_answers(wf, answers)
    from workflows.assemble import report_namespace

    # The context assembly gives every template: the whole report (r), the year.
    shared = {"r": report_namespace(wf, values), "year": values.get(wf.year_field) if wf.year_field else None,
              "section_items": 0}
    compiled = [(env.from_string(item.template), {**shared, **item_namespace(item, values)})
                for item in wf.items() if item.template]

    def render_templates() -> None:
        for template, namespace in compiled:
            template.render(namespace)

    render_templates()
    base = median(timed(render_templates, 30))
    return Row("assemble the full report (in process)", value, base, "ms", "—", None,
               "item templates rendered by Jinja2 alone")


def bench_export(tmp: Path, env: dict, data_dir: Path, report_id: str, repeat: int) -> Row:
    out = tmp / "export"
    out.mkdir(exist_ok=True)
    cmd = shuzhi_cmd() + ["--data-dir", str(data_dir), "export", report_id, "-f", "docx", "-o", str(out / "r.docx")]
    base_cmd = [PY, "-c", "import sys, docx; docx.Document().save(sys.argv[1])", str(out / "empty.docx")]
    first = spawn(cmd, env, cwd=str(tmp))
    note = ""
    if first.code != 0:
        cmd.append("--draft")
        note = "exported as a draft (the final export was refused: " + first.stderr.strip()[:120] + ")"
        first = spawn(cmd, env, cwd=str(tmp))
        if first.code != 0:
            raise RuntimeError(f"shuzhi export failed ({first.code}):\n{first.stderr[-3000:]}")
    spawn(base_cmd, env, cwd=str(tmp))
    values, bases = [], []
    for _ in range(repeat):
        values.append(spawn(cmd, env, cwd=str(tmp)).wall_ms)
        bases.append(spawn(base_cmd, env, cwd=str(tmp)).wall_ms)
    value = median(values)
    size = (out / "r.docx").stat().st_size
    base = median(bases)
    row = Row("DOCX export of the full report (`shuzhi export`, whole command)", value, base, "ms",
              "≤ 1.3×", value <= 1.3 * base, "python-docx: import, save an empty document", note=note)
    row.extra["bytes"] = size
    return row


def bench_memory(tmp: Path, env: dict, data_dir: Path, report_id: str, bare_run: Run) -> Row:
    peaks = []
    info: dict = {}
    for i in range(2):
        work = tmp / f"session{i}"
        work.mkdir(exist_ok=True)
        out = work / "session.json"
        run = spawn([PY, HARNESS, "session", str(out), "--", "--data-dir", str(data_dir), "open", report_id],
                    env, cwd=str(work), tty=True, timeout=300)
        if run.code != 0 or not out.exists():
            raise RuntimeError(f"session failed ({run.code}):\n{run.stderr[-3000:]}")
        info = json.loads(out.read_text())
        exported = list(work.glob("*.docx"))
        if not exported:
            raise RuntimeError(f"the session exported nothing: {info}")
        peaks.append(run.maxrss_mb)
    value = max(peaks)
    return Row("app peak memory (open, walk all items, preview, export Word)", value, bare_run.maxrss_mb, "MB",
               "≤ 80 MB", value <= 80, "bare Textual app at its first screen",
               note=f"session walked {info.get('items')} items and exported "
                    f"{'the final report' if info.get('final') else 'a draft'} from the dialog")


# ------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs per cold-start figure (default 7)")
    parser.add_argument("--quick", action="store_true", help="3 runs per figure, 100 reports instead of 1,000")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", nargs="+", metavar="WORD",
                        help="run only the measures whose name contains one of these words (e.g. memory, CLI)")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else max(3, args.repeat)
    sizes = (1, 10, 100) if args.quick else (1, 100, 1000, 10000)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="shuzhi-bench-"))
    env = child_env(tmp)
    os.environ.update({k: env[k] for k in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "SHUZHI_DATA_DIR")})
    rows: list[Row] = []
    failures: list[str] = []

    def measure(name: str, fn: Callable[[], Any]) -> None:
        if args.only and not any(word in name for word in args.only):
            return
        log(name)
        try:
            result = fn()
        except Exception as exc:  # a broken measure is reported, the others still run
            failures.append(f"{name}: {type(exc).__name__}: {str(exc).strip()[-800:]}")
            rows.append(Row(name, float("nan"), None, "ms", "—", False, note=f"FAILED: {str(exc).strip()[:300]}"))
            return
        if isinstance(result, Row):
            rows.append(result)
        else:
            rows.extend(result)

    bare: dict[str, Run] = {}
    try:
        log(f"building stores with {', '.join(map(str, sizes))} reports")
        # Built in child processes: Linux carries a process's peak memory
        # over into the children it forks, so a bench process grown by
        # building 10,000 reports would inflate every memory figure after.
        stores = {n: make_store_elsewhere(tmp / f"data{n}", n, env) for n in sizes}
        report_id, data_dir = stores[1]
        data_dir = Path(data_dir)
        big = max(sizes)

        one: dict[str, float] = {}

        def start() -> list[Row]:
            start_rows, bare["run"] = bench_start(tmp, env, data_dir, repeat)
            one["ready"] = start_rows[0].value
            return start_rows

        def start_big() -> list[Row]:
            if "ready" not in one:
                one["ready"] = bench_start_big(tmp, env, data_dir, 1, 2)[1]
            return big_start_rows(tmp, env, {n: stores[n] for n in sizes}, one["ready"])

        def memory() -> Row:
            if "run" not in bare:
                bare["run"] = bench_start(tmp, env, data_dir, 1)[1]
            return bench_memory(tmp, env, data_dir, report_id, bare["run"])

        measure("app cold start", start)
        measure("app cold start, large store", start_big)
        cli_stores = {n: (rid, Path(root)) for n, (rid, root) in stores.items() if n in (1, 1000, 10000) or args.quick}
        measure("CLI cold start", lambda: bench_cli(tmp, env, cli_stores, repeat))
        measure("CLI check after fill", lambda: bench_check_after_fill(tmp, env, repeat))
        measure("wizard next item", lambda: bench_wizard(tmp, env, data_dir, report_id, repeat))
        measure("DOCX export", lambda: bench_export(tmp, env, data_dir, report_id, repeat))
        measure("peak memory", memory)
        # In this process (it grows: after every figure taken from a child).
        measure("saving answers", lambda: bench_save(tmp, {n: (rid, Path(root)) for n, (rid, root) in stores.items()}))
        measure("listing", lambda: bench_list(tmp, Path(stores[big][1]), big))
        measure("assembling", lambda: bench_assemble(report_id, data_dir))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"kept {tmp}")
    elapsed = time.monotonic() - began
    header = (
        f"shuzhi bench — {_dt.date.today().isoformat()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"medians of {repeat} runs, whole run {elapsed:.0f} s"
    )
    text = print_table(rows, header)
    missed = [r.name for r in rows if r.met is False]
    print()
    print("targets not met: " + ("; ".join(missed) if missed else "none"))
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(
            {"header": header, "rows": [dict(r.__dict__, ratio=r.ratio) for r in rows], "table": text},
            ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
