"""Crash test: a child process saving answers is killed with SIGKILL at random
moments; every answer it acknowledged must survive, and every file must parse.

20 kills in the default run, 200 with ``-m slow``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import Store

ROOT = Path(__file__).resolve().parents[1]
KEYS = 40

# The child saves in a loop and prints one acknowledgement line per write
# only after the store call returned (so the change is on disk). It mixes
# single saves, batches, unique keys, title changes (index writes), new
# reports and close/reopen cycles, so kills land in every kind of write.
CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from store import Store
root, rid, start = sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store(root)
h = store.open(rid)
if h.readonly:
    print("READONLY", h.notice, flush=True)
    sys.exit(3)
print("OPEN", flush=True)
i = start
while True:
    r = i % 100
    if r in (3, 13, 23, 33, 43, 53, 63, 73, 83, 93):
        b = i % 7
        h.set_answers({f"batch.b{b}x": i, f"batch.b{b}y": i, f"batch.b{b}z": [i, str(i)]})
        print("B", i, flush=True)
    elif r in (7, 57):
        h.set_answer(f"once.u{i}", {"n": i, "text": f"第{i}次"})
        print("U", i, flush=True)
    elif r == 25:
        h.update_meta(title=f"标题{i}")
        print("T", i, flush=True)
    elif r == 50:
        meta = store.create("w", 1, f"新报告{i}", "单位", 2025, answers={"a.b": i})
        print("C", meta.id, flush=True)
    elif r == 99:
        h.close()
        h = store.open(rid)
        if h.readonly:
            print("READONLY", h.notice, flush=True)
            sys.exit(3)
        print("R", i, flush=True)
    else:
        h.set_answer(f"loop.k{i % %(KEYS)d}", i)
        print("A", i, flush=True)
    i += 1
""".replace("%(KEYS)d", str(KEYS))


class Expected:
    """Everything acknowledged so far, across all killed children."""

    def __init__(self) -> None:
        self.loop: dict[str, int] = {}
        self.batch: dict[int, int] = {}
        self.once: dict[str, int] = {}
        self.title = 0
        self.created: set[str] = set()
        self.top = 0

    def record(self, line: str) -> None:
        kind, _, arg = line.partition(" ")
        if kind == "C":
            self.created.add(arg)
            return
        if kind in ("OPEN", "READONLY") or not arg.isdigit():
            return
        i = int(arg)
        self.top = max(self.top, i)
        if kind == "A":
            self.loop[f"loop.k{i % KEYS}"] = i
        elif kind == "B":
            self.batch[i % 7] = i
        elif kind == "U":
            self.once[f"once.u{i}"] = i
        elif kind == "T":
            self.title = i


def check_every_file_parses(root: Path) -> None:
    for path in root.rglob("*.json"):
        if path.name.startswith("."):
            continue  # a temporary file of the killed child (cleaned up on open)
        raw = path.read_bytes()
        assert raw, path
        json.loads(raw.decode("utf-8"))


def check_store(root: Path, rid: str, exp: Expected, context: str) -> None:
    store = Store(root)
    assert store.notices == [], context  # the index never needed a repair
    check_every_file_parses(root)
    listed = {m.id: m for m in store.list_reports()}
    assert exp.created <= set(listed), context
    with store.open(rid) as h:
        assert not h.readonly, context  # the dead child's lock was taken over
        # Temporary files of the killed child were removed.
        assert not [p for p in root.rglob(".*.tmp")], context
        answers = h.answers
        assert listed[rid].answered == len(answers), context  # the listing was current
        for key, i in exp.loop.items():
            got = answers.get(key)
            assert isinstance(got, int) and got >= i and got % KEYS == i % KEYS, (context, key, i, got)
        for b, i in exp.batch.items():
            x, y, z = (answers.get(f"batch.b{b}{s}") for s in "xyz")
            assert isinstance(x, int) and x >= i, (context, b, i, x)
            assert y == x and z == [x, str(x)], (context, "batch not all-or-nothing", x, y, z)
        for key, i in exp.once.items():
            assert answers.get(key) == {"n": i, "text": f"第{i}次"}, (context, key)
        if exp.title:
            title = h.meta.title
            assert title.startswith("标题") and int(title[2:]) >= exp.title, (context, title)
            assert listed[rid].title == title, context
    for cid in exp.created:
        with store.open(cid, readonly=True) as c:
            assert isinstance(c.answers["a.b"], int), context


def run_kills(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "data"
    store = Store(root)
    rid = store.create("w", 1, "标题0", "单位", 2025).id
    exp = Expected()
    acked_total = 0
    for n in range(kills):
        start = exp.top + 1000
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(ROOT), str(root), rid, str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        # Mostly mid-loop; sometimes during start-up, opening or the first saves.
        time.sleep(rng.choice([rng.uniform(0.0, 0.3), rng.uniform(0.25, 0.7)]))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        context = f"seed={seed} kill={n}"
        assert proc.returncode == -signal.SIGKILL, (context, proc.returncode, err[-2000:])
        lines = out.splitlines()
        assert "READONLY" not in out, (context, out)
        for line in lines:
            exp.record(line)
        acked_total += sum(1 for line in lines if line[:1] in "ABUTCR")
        check_store(root, rid, exp, context)
    # The kills must have hit a working loop, not just start-ups.
    assert acked_total > kills, acked_total


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_while_saving_20_times(tmp_path):
    run_kills(tmp_path, 20, seed=int(os.environ.get("SHUZHI_CRASH_SEED", "20251125")))


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_while_saving_200_times(tmp_path):
    run_kills(tmp_path, 200, seed=int(os.environ.get("SHUZHI_CRASH_SEED", str(time.time_ns()))))
