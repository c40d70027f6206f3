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

The wizard's CPU rows (``--only CPU``) are ``time.process_time()`` deltas
taken in the app's own process (all its threads, the autosave worker
included) from a key until the screen is settled: PageDown through every
item of the demo report, PageUp back onto 重点工作 with six entries, a key
typed at the end of a 48,000-character text, and CPU per second of an app
left alone; each row's name says what is on screen when it is taken.

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
    if unit == "ms/s":
        return f"{value:.2f} ms/s"
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


# ------------------------------------------------------------ the wizard's reports

# 重点工作 (key_tasks.tasks, the dangjian workflow's repeatable group): as
# many entries as the item takes (max_items 6), each as a 机关 would write it.
KEY_TASKS = [
    {"name": "作风建设专项整治", "led": True,
     "measures": ["制定专项整治实施方案，成立由本人任组长的工作专班",
                  "通过座谈走访、问卷调查梳理问题清单23条，逐项明确责任人和整改时限",
                  "召开整治推进会3次，对进度滞后的2个科室进行约谈提醒",
                  "开通“局长信箱”和12345热线转办通道，每周通报办理情况"],
     "outcome": "23个问题全部完成整改，不动产登记平均办理时间由5个工作日压缩至3个工作日，群众满意度明显提升"},
    {"name": "“党建+耕地保护”融合行动", "led": False,
     "measures": ["向12个党支部印发融合行动工作指引",
                  "组建党员先锋队8支，深入乡镇开展耕地保护政策宣讲40余场",
                  "在卫片执法、耕地保护督察等急难险重任务中设立党员责任区"],
     "outcome": "全年新增违法占用耕地问题同比下降三成，2个党支部被市直机关工委评为“党建业务融合示范点”"},
    {"name": "青年理论学习小组建设", "led": False,
     "measures": ["按处室组建青年理论学习小组5个，每组明确1名处级干部联系指导",
                  "每季度开展一次“青年说”交流活动，围绕业务难题开展专题研讨",
                  "选派14名青年干部到信访、执法一线跟班学习"],
     "outcome": "青年干部理论素养和履职能力稳步提升，3篇调研报告获市领导批示"},
    {"name": "基层党支部标准化规范化建设", "led": True,
     "measures": ["对照标准化建设清单逐个支部开展自查，形成问题台账31项",
                  "组织支部书记交叉检查2轮，对“三会一课”记录不规范的支部现场指导",
                  "建成党员活动室4个，统一规范支部阵地标识和制度上墙"],
     "outcome": "12个党支部全部达到标准化规范化要求，其中3个被评为市直机关“五星级党支部”"},
    {"name": "巡察反馈问题整改", "led": True,
     "measures": ["召开党组会议专题研究巡察反馈意见，制定整改方案和“三张清单”",
                  "本人牵头认领问题9个，班子成员分工负责，实行周调度、月通报",
                  "举一反三修订完善财务管理、工程建设项目管理等制度11项"],
     "outcome": "市委第三巡察组反馈的27个问题已整改到位25个，其余2个按计划推进，移交的问题线索全部办结"},
    {"name": "意识形态工作责任制落实", "led": False,
     "measures": ["每半年专题研判意识形态领域形势，形成研判报告2份",
                  "加强门户网站、微信公众号等阵地管理，落实“三审三校”制度",
                  "组织开展网络舆情应对培训1次，覆盖全局新闻宣传和窗口服务人员"],
     "outcome": "全年未发生意识形态领域重大舆情和负面炒作，局微信公众号获评全市政务新媒体优秀账号"},
]

# A personal-summary workflow whose 体会与收获 (a longtext) takes the long
# text: the built-in one with its own id and a larger max_length.
LONG_WORKFLOW_ID = "bench-long-summary"
LONG_FIELD = "achievements.gains"
LONG_CHARS = 48_000

_OPENERS = ["一年来，", "在工作中，", "回顾全年，", "实践中，", "具体来说，", "与此同时，",
            "通过这项工作，", "从中我认识到，"]
_CLAUSES = [
    "我坚持把学习贯穿工作全过程，每周抽出{n}个小时系统学习政策法规和业务知识",
    "牵头梳理窗口常见业务{n}类，逐项明确办理时限和材料清单",
    "主动到{n}个乡镇街道走访调研，听取基层干部和群众对不动产登记工作的意见建议",
    "配合信息中心完成业务系统升级，累计核对历史数据{n}万余条",
    "针对群众反映集中的“办证难”问题，会同规划、税务等部门逐个项目研究处置办法",
    "全年参与办理各类登记业务{n}件，未发生差错和有效投诉",
    "在科室党支部的组织下参加主题党日活动{n}次，带头讲授业务微课",
    "把每一件群众诉求都当作改进工作的契机，做到件件有回音、事事有着落",
    "认真落实首问负责、一次性告知和限时办结制度，推动服务窗口作风持续好转",
    "向身边的老同志请教业务难题{n}次，逐步掌握了复杂登记案件的处理方法",
    "坚持问题导向，把工作中遇到的疑难情况整理成案例{n}个，供科室同事交流学习",
    "严格遵守中央八项规定及其实施细则精神，自觉接受组织和群众监督",
]
_CLOSERS = ["，进一步增强了做好本职工作的责任感和使命感。", "，取得了较好的效果。", "，得到了服务对象的认可。",
            "，切实把好事办实、把实事办好。", "，为下一步工作打下了基础。", "。"]


def long_text(chars: int, seed: int = 17) -> str:
    """``chars`` characters of Chinese prose in paragraphs of 200–600
    characters (one per line), made from phrases of a 个人工作总结."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < chars:
        size, paragraph = rng.randint(200, 600), ""
        while len(paragraph) < size:
            clause = rng.choice(_CLAUSES).format(n=rng.randint(2, 60))
            paragraph += rng.choice(_OPENERS) + clause + rng.choice(_CLOSERS)
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    text = "\n".join(paragraphs)[:chars - 1]
    return text + "。"


def make_wizard_reports(tmp: Path, env: dict) -> dict[str, Any]:
    """The reports of the wizard's group and long-text rows, made as a user
    would, with ``shuzhi new`` and ``shuzhi fill`` (answers files): the
    built-in 党建述职 filled with its sample answers and six 重点工作
    entries, and a 个人年度工作总结 (the built-in workflow installed under its
    own id, its 体会与收获 allowed 60,000 characters) filled with its
    sample answers and a 48,000-character 体会与收获. Returns the data
    dir (``root``), the report ids (``group``, ``long``) and ``reset_long``,
    which fills the long text in again (typing in the wizard saves)."""
    from workflows.loader import BUILTIN_DIR, sample_answers_path

    root = tmp / "data-wizard"
    cmd = shuzhi_cmd() + ["--data-dir", str(root)]

    def shuzhi(*args: str) -> str:
        proc = subprocess.run(cmd + list(args), env=env, cwd=str(tmp), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"shuzhi {' '.join(args[:2])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        return proc.stdout.strip()

    def answers(name: str, data: dict) -> str:
        path = tmp / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    group = shuzhi("new", "--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "青山市自然资源和规划局")
    shuzhi("fill", group, str(sample_answers_path("dangjian-shuzhi")))
    shuzhi("fill", group, answers("key-tasks.json", {"key_tasks": {"tasks": KEY_TASKS}}))

    source = (BUILTIN_DIR / "personal-summary.yaml").read_text(encoding="utf-8")
    changed = source.replace("\nid: personal-summary\n", f"\nid: {LONG_WORKFLOW_ID}\n", 1).replace(
        "{id: gains, type: longtext, label: 体会与收获, max_length: 400}",
        "{id: gains, type: longtext, label: 体会与收获, max_length: 60000}", 1)
    if changed.count(LONG_WORKFLOW_ID) != 1 or "max_length: 60000" not in changed:
        raise RuntimeError("personal-summary.yaml changed: the long-text workflow could not be made from it")
    workflow = tmp / f"{LONG_WORKFLOW_ID}.yaml"
    workflow.write_text(changed, encoding="utf-8")
    long = shuzhi("new", "--workflow", str(workflow), "--year", "2025", "--unit", "青山市自然资源和规划局")
    shuzhi("fill", long, str(sample_answers_path("personal-summary")))
    item, field_id = LONG_FIELD.split(".")
    long_answers = answers("long.json", {item: {field_id: long_text(LONG_CHARS)}})
    shuzhi("fill", long, long_answers)
    return {"root": root, "group": group, "long": long, "reset_long": lambda: shuzhi("fill", long, long_answers)}


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
        Row("app cold start → home screen ready (list of 1 report with its progress column, painted)", value, base,
            "ms", "≤ 1.3×", value <= 1.3 * base, "bare Textual app: Header+Input+Footer painted"),
        Row("  … of which: home screen painted (list of 1 report shown)", median(painted["app"]),
            median(painted["bare"]), "ms", "—", None, "bare app painted"),
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
        rows.append(Row(f"app cold start, {count} reports: home screen painted (the list's first rows shown)",
                        painted, None, "ms", "—", None))
        if count == 1000:
            rows.append(Row(f"app cold start, {count} reports: progress column filled and painted (first start "
                            "of a day)", ready, one_ready, "ms", "≤ 1.5×", ready <= 1.5 * one_ready, "1 report, same"))
        else:
            rows.append(Row(f"app cold start, {count} reports: progress column filled and painted (first start "
                            "of a day)", ready, one_ready, "ms", "≤ 2 s", ready <= 2000, "1 report, same"))
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


def run_harness(tmp: Path, env: dict, *args: str, timeout: float = 300.0) -> dict:
    """``bench/harness.py ARGS`` on a pseudo-terminal ("OUT" in ``args``
    stands for its result file); its JSON result."""
    out = tmp / "harness.json"
    out.unlink(missing_ok=True)
    cmd = [PY, HARNESS, *(str(out) if a == "OUT" else str(a) for a in args)]
    run = spawn(cmd, env, cwd=str(tmp), tty=True, timeout=timeout)
    if run.code != 0 or not out.exists():
        raise RuntimeError(f"harness {' '.join(map(str, args[:2]))} failed ({run.code}):\n{run.stderr[-3000:]}")
    return json.loads(out.read_text())


BARE_UPDATE = "bare app: PageDown → a Static and an Input updated, painted"


def bare_steps(tmp: Path, env: dict, runs: int, steps: int = 12) -> dict[str, Any]:
    """The bare app's PageDown, ``runs`` processes of ``steps`` each: CPU and
    wall samples, and the CPU of one settle() of the quiet app."""
    cpu: list[float] = []
    wall: list[float] = []
    settles: list[float] = []
    for _ in range(runs):
        data = run_harness(tmp, env, "wizard", "bare", "OUT", "-", "-", str(steps))
        cpu += data["cpu"]["samples"]
        wall += data["samples"]
        settles.append(data["settle_ms"])
    return {"cpu": median(cpu), "wall": median(wall), "settle": median(settles)}


def bench_wizard(tmp: Path, env: dict, data_dir: Path, report_id: str, runs: int,
                 bare: Callable[[], dict[str, Any]], steps: int = 0) -> list[Row]:
    """PageDown through every item of the demo report (``steps`` 0; else
    that many), from the first: CPU and wall time of each step until the
    screen is settled."""
    cpu: list[float] = []
    wall: list[float] = []
    deferred: list[float] = []
    settles: list[float] = []
    again: list[float] = []
    inside = 0
    by_item: dict[str, list[float]] = {}
    items = 0
    for _ in range(runs):
        data = run_harness(tmp, env, "wizard", "app", "OUT", str(data_dir), report_id, str(steps))
        cpu += data["cpu"]["samples"]
        again += data["again"]["samples"]
        inside += data.get("check_inside", 0)
        for title, sample in zip(data.get("landed", []), data["cpu"]["samples"]):
            by_item.setdefault(title, []).append(sample)
        wall += data["samples"]
        deferred += data["deferred"]["samples"]
        settles.append(data["settle_ms"])
        items = data["items"]
    base = bare()
    value, wall_value, again_value = median(cpu), median(wall), median(again)
    walked = f"all {items - 1} steps" if len(cpu) == runs * (items - 1) else f"its first {len(cpu) // runs} steps"
    return [
        Row("wizard: next item, CPU (PageDown → the next item's question, fields and paragraph painted; "
            f"demo report, {walked})", value, base["cpu"], "ms", "≤ 2×", value <= 2 * base["cpu"], BARE_UPDATE,
            note=f"median of {len(cpu)} steps (max {max(cpu):.0f} ms); process CPU, all threads, of everything "
                 "the key causes: the key posted as the terminal driver posts it, then 0.7 s left alone (its "
                 f"paint, the check 0.15 s later (inside in {inside} of {len(cpu)} steps) and the write all "
                 "count; the same for the bare app; a steady cursor on both sides, the blinking is the idle "
                 "rows'). The forms next to an item are mounted while the user is on it (0.25 s after a step, "
                 "outside the window: the step lands on a form mounted already, as it does for a user). "
                 "app). Dearest steps (the item landed on): " + "; ".join(
                     f"{title} {median(v):.0f} ms" for title, v in
                     sorted(by_item.items(), key=lambda kv: -median(kv[1]))[:4])),
        Row("  … the same steps again, CPU (back at the first item: every item seen before)", again_value,
            base["cpu"], "ms", "≤ 2×", again_value <= 2 * base["cpu"], BARE_UPDATE,
            note=f"median of {len(again)} steps (max {max(again):.0f} ms)"),
        Row("  … a third walk, wall (Pilot's PageDown → settled: its wait calls on every widget mounted)",
            wall_value, base["wall"], "ms", "≤ 1.5×", wall_value <= 1.5 * base["wall"], "bare app, same"),
    ]


def bench_revisit(tmp: Path, env: dict, wizard: dict[str, Any], rounds: int,
                  bare: Callable[[], dict[str, Any]]) -> Row:
    """Back onto 重点工作 (its group full) after having left it."""
    data = run_harness(tmp, env, "revisit", "OUT", str(wizard["root"]), wizard["group"], "key_tasks", str(rounds))
    if data["entries"] != len(KEY_TASKS) or data["entries_after"] != len(KEY_TASKS):
        raise RuntimeError(f"重点工作 showed {data['entries']} / {data['entries_after']} entries, not {len(KEY_TASKS)}")
    base = bare()
    value = data["median"]
    n = data["entries"]
    return Row(f"wizard: back onto 重点工作, {n} entries (PageUp from the next item → its question, {n} entries "
               f"and paragraph painted), CPU", value, base["cpu"], "ms", "≤ 30 ms", value <= 30, BARE_UPDATE,
               note=f"median of {len(data['samples'])} returns (max {max(data['samples']):.0f} ms; wall until "
                    f"settled {data['wall']['median']:.0f} ms); each after PageDown to {data['away']} and a quiet "
                    f"screen. {n} entries is the most the item takes (max_items). Everything the key causes in "
                    f"0.7 s counts (the check 0.15 s later ran inside in {data.get('check_inside', 0)} of "
                    f"{len(data['samples'])})")


def bench_keystroke(tmp: Path, env: dict, wizard: dict[str, Any], keys: int) -> Row:
    """One key typed at the end of a 48,000-character text."""
    wizard["reset_long"]()
    data = run_harness(tmp, env, "type", "app", "OUT", str(wizard["root"]), wizard["long"], LONG_FIELD, str(keys))
    base = run_harness(tmp, env, "type", "bare", "OUT", "-", "-", "-", str(keys))
    value = data["median"]
    return Row(f"wizard: keystroke at the end of a {data['chars']:,}-character text (体会与收获, {data['lines']} "
               "paragraphs; the character and the paragraph panel painted), CPU", value, base["median"], "ms",
               "≤ 20 ms", value <= 20, "bare app: a key typed into its empty Input, painted",
               note=f"median of {len(data['samples'])} keys (CJK characters; max {max(data['samples']):.0f} ms). "
                    "Everything a key causes in 0.7 s counts: its paint, the check 0.15 s later (inside in "
                    f"{data.get('check_inside', 0)} of {len(data['samples'])}) and the write 0.3 s later; the text "
                    "is one the workflow allows (a copy of personal-summary with 60,000 characters for 体会与收获)")


def bench_idle(tmp: Path, env: dict, data_dir: Path, report_id: str, seconds: float) -> list[Row]:
    """CPU per second of an app left alone, once settled."""
    def per_s(kind: str) -> dict[str, Any]:
        return run_harness(tmp, env, "idle", kind, "OUT", str(data_dir), report_id, str(seconds))

    bare, bare_blur = per_s("bare"), per_s("bare-blur")
    home, wizard, wizard_blur = per_s("home"), per_s("wizard"), per_s("wizard-blur")
    rows = []
    for what, data, base, base_name in (
        ("home screen (list of 1 report shown, nothing pressed)", home, bare,
         "bare app, its cursor blinking in the Input"),
        (f"wizard at the first item (its form shown, the cursor in {wizard['focused']}, at rest after "
         f"{wizard.get('rest_after_s', 0):.0f} s without a key)", wizard, bare,
         "bare app, its cursor blinking in the Input"),
        ("wizard, the terminal window not focused (FocusOut: no focus, no blinking)", wizard_blur, bare_blur,
         "bare app, same"),
    ):
        rows.append(Row(f"idle CPU per second: {what}", data["per_s"], base["per_s"], "ms/s", "≤ 2 ms/s",
                        data["per_s"] <= 2, base_name,
                        note=f"{data['cpu_ms']:.1f} ms of CPU in {data['wall_s']:.1f} s, "
                             f"{data['bytes_written']} bytes of screen updates written"
                             + (f"; before the cursor came to rest (blinking, the first {data['first']['wall_s']:.0f}"
                                f" s): {data['first']['per_s']:.2f} ms/s" if data is wizard else "")))
    return rows


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
        # A free-text answer outside the basics (which also retitle the report): a longtext if the
        # workflow has one at the top level (the demo's are all inside groups now), else a text
        # that takes the sentence saved.
        candidates = [f for f in first.workflow.fields() if not f.path.startswith("basics.")
                      and (f.type == "longtext" or (f.type == "text" and (f.max_length or 200) >= 40))]
        target_path = min(candidates, key=lambda f: f.type != "longtext").path
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
        f"the answer saved: {target_path}; flat across store sizes: largest/smallest median = {spread:.2f} "
        "(flat means ≤ 1.5). "
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
        wizard: dict[str, Any] = {}
        bare_update: dict[str, Any] = {}

        def wizard_reports() -> dict[str, Any]:
            if not wizard:
                wizard.update(make_wizard_reports(tmp, env))
            return wizard

        def bare_baseline() -> dict[str, Any]:
            if not bare_update:
                bare_update.update(bare_steps(tmp, env, 1 if args.quick else 2))
            return bare_update

        measure("wizard next item CPU", lambda: bench_wizard(tmp, env, data_dir, report_id,
                                                             1 if args.quick else 2, bare_baseline,
                                                             10 if args.quick else 0))
        measure("wizard group revisit CPU", lambda: bench_revisit(tmp, env, wizard_reports(),
                                                                  2 if args.quick else 8, bare_baseline))
        measure("wizard long-text keystroke CPU", lambda: bench_keystroke(tmp, env, wizard_reports(),
                                                                          4 if args.quick else 15))
        measure("idle CPU", lambda: bench_idle(tmp, env, data_dir, report_id, 1.5 if args.quick else 8))
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
