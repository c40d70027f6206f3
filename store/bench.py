"""Store benchmark: cost of saving one answer and of listing, by number of reports.

    python -m store.bench [--reports 1 100 1000] [--saves 200] [--dir DIR]

For each size it fills a fresh data directory with that many realistic
reports (85 answers each, as in the built-in workflow), then times
``set_answer`` on one report, a cold listing (new ``Store``), a warm listing,
opening a report and creating one. It also times the disk's own floor: an
fsynced atomic replace of a file of the same size, which no durable save
can beat. Figures are milliseconds (median and 95th percentile).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from . import _fs
from .core import Store


def _answers(n: int = 85) -> dict:
    out: dict = {}
    for i in range(n):
        kind = i % 5
        key = f"item{i // 4}.field{i}"
        if kind == 0:
            out[key] = i
        elif kind == 1:
            out[key] = "20余"
        elif kind == 2:
            out[key] = f"第{i}项答案：认真落实党建工作责任制"
        elif kind == 3:
            out[key] = ["党的二十大精神", "党的二十届三中全会精神", f"专题{i}"]
        else:
            out[key] = [{"name": f"专项整治{i}", "led": True, "measures": ["下发通知", "督查"]}]
    return out


def populate(root: Path, count: int) -> Store:
    """``count`` reports: one made through the API, the rest cloned from its file."""
    store = Store(root)
    first = store.create("dangjian-shuzhi", 1, "基准报告0", "青山市某某局", 2025, answers=_answers())
    template = json.loads(store.report_path(first.id).read_text("utf-8"))
    for i in range(1, count):
        rid = f"{i:08x}"
        template["report"]["1"].update(id=rid, title=f"基准报告{i}")
        _fs.atomic_write(store.report_path(rid), _fs.dumps(template))
    store.rebuild_index()
    return Store(root)


def _time(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _fmt(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"{statistics.median(samples):7.2f} / {p95:7.2f}"


def run(sizes: list[int], saves: int, base: Path) -> list[dict]:
    rows = []
    for count in sizes:
        root = base / f"n{count}"
        shutil.rmtree(root, ignore_errors=True)
        store = populate(root, count)
        rid = store.list_reports()[-1].id
        size = store.report_path(rid).stat().st_size
        floor_target = root / "floor.bin"
        blob = os.urandom(size)
        floor = _time(lambda: _fs.atomic_write(floor_target, blob), saves)
        with store.open(rid) as h:
            counter = iter(range(10**9))
            save = _time(lambda: h.set_answer("item3.field13", next(counter)), saves)
        cold = _time(lambda: Store(root).list_reports(), 10)
        warm = _time(store.list_reports, 20)

        def open_close() -> None:
            store.open(rid).close()

        opening = _time(open_close, 10)
        create = _time(lambda: store.create("dangjian-shuzhi", 1, "新报告", "单位", 2025), 5)
        rows.append(
            dict(reports=count, file_kb=size / 1024, save=save, floor=floor, cold=cold, warm=warm,
                 open=opening, create=create)
        )
        shutil.rmtree(root, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="where to build the test data (default: a temp dir)")
    args = parser.parse_args(argv)
    base = args.dir or Path(tempfile.mkdtemp(prefix="shuzhi-bench-"))
    rows = run(args.reports, args.saves, base)
    print("ms, median / p95")
    print(f"{'reports':>8} {'file kB':>8} {'save answer':>17} {'disk floor':>17} {'list (cold)':>17}"
          f" {'list (warm)':>17} {'open+close':>17} {'create':>17}")
    for r in rows:
        print(f"{r['reports']:>8} {r['file_kb']:>8.1f} {_fmt(r['save']):>17} {_fmt(r['floor']):>17}"
              f" {_fmt(r['cold']):>17} {_fmt(r['warm']):>17} {_fmt(r['open']):>17} {_fmt(r['create']):>17}")
    if args.dir is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
