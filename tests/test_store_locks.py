"""One writer per report: two sessions, stale locks, other hosts, no blocking."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import LockedError, ReadOnlyError, Store
from store import _fs

WF = "dangjian-shuzhi"
ROOT = Path(__file__).resolve().parents[1]

# A second session in another process: opens a report, says whether it got
# it writable, saves what it is told, and waits until killed or told to close.
CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from store import Store
store = Store(sys.argv[2])
h = store.open(sys.argv[3])
print("readonly" if h.readonly else "writable", flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "close":
        h.close()
        print("closed", flush=True)
        break
    path, value = cmd.split("=", 1)
    h.set_answer(path, int(value))
    print("saved", flush=True)
"""


class Child:
    def __init__(self, root: Path, rid: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(ROOT), str(root), rid],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.state = self.proc.stdout.readline().strip()

    def send(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def children():
    started: list[Child] = []
    yield started
    for c in started:
        c.kill()


def new(store: Store, title: str = "报告") -> str:
    return store.create(WF, 1, title, "某某局", 2025).id


def test_second_session_gets_read_only_with_who_holds_it(store):
    rid = new(store)
    other = Store(store.root)  # another session (same process: separate OS lock)
    with store.open(rid) as first:
        first.set_answer("a.x", 1)
        second = other.open(rid)
        assert second.readonly and not first.readonly
        info = second.locked_by
        assert (info.pid, info.host) == (os.getpid(), _fs.hostname()) and info.started
        assert str(os.getpid()) in second.notice and "只能查看" in second.notice
        assert second.answers == {"a.x": 1}
        with pytest.raises(ReadOnlyError, match=str(os.getpid())):
            second.set_answer("a.x", 2)
        with pytest.raises(ReadOnlyError):
            second.set_answers({"a.y": 2})
        with pytest.raises(ReadOnlyError):
            second.update_meta(title="改")
        with pytest.raises(LockedError, match="另一个会话"):
            other.rename(rid, "新标题")
        with pytest.raises(LockedError):
            other.delete(rid)
        with pytest.raises(LockedError):
            other.restore_backup(rid)
        # Listings from the other session show who is editing.
        (meta,) = other.list_reports()
        assert meta.locked_by is not None and meta.locked_by.pid == os.getpid()
        # ...but this session's own listing does not flag its own report.
        assert store.list_reports()[0].locked_by is None
        first.set_answer("a.x", 3)
        second.reload()
        assert second.answers == {"a.x": 3}
        second.close()
    # Once the first session closes, the report is writable again.
    with other.open(rid) as again:
        assert not again.readonly and again.took_over is None
        again.set_answer("a.x", 4)


def test_same_store_routes_rename_through_its_open_handle(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("a.x", 1)
        assert store.rename(rid, "改名").title == "改名"
        assert h.meta.title == "改名"
        h.set_answer("a.x", 2)
    assert store.list_reports()[0].title == "改名"


def test_live_session_in_another_process(store, children):
    rid = new(store)
    child = Child(store.root, rid)
    children.append(child)
    assert child.state == "writable"
    assert child.send("a.x=5") == "saved"
    h = store.open(rid)
    assert h.readonly and h.locked_by.pid == child.proc.pid
    assert h.answers == {"a.x": 5}
    (meta,) = store.list_reports()
    assert meta.locked_by.pid == child.proc.pid and meta.answered == 1  # progress is current
    assert child.send("a.y=6") == "saved"
    assert store.list_reports()[0].answered == 2
    assert child.send("close") == "closed"
    with store.open(rid) as h2:
        assert not h2.readonly and h2.took_over is None
        assert h2.answers == {"a.x": 5, "a.y": 6}


def test_lock_of_a_killed_process_is_taken_over(store, children):
    rid = new(store)
    child = Child(store.root, rid)
    children.append(child)
    assert child.send("a.x=7") == "saved"
    pid = child.proc.pid
    child.kill()
    assert (store.locks_dir / f"{rid}.owner.json").exists()  # left behind
    with store.open(rid) as h:
        assert not h.readonly
        assert h.took_over is not None and h.took_over.pid == pid
        assert "意外结束" in h.notice and str(pid) in h.notice
        assert h.answers == {"a.x": 7}
        h.set_answer("a.y", 1)
    (meta,) = store.list_reports()
    assert meta.answered == 2 and meta.locked_by is None


def test_listing_repairs_after_a_killed_session(store, children):
    rid = new(store)
    child = Child(store.root, rid)
    children.append(child)
    for i in range(3):
        assert child.send(f"a.f{i}={i}") == "saved"
    child.kill()
    fresh = Store(store.root)
    (meta,) = fresh.list_reports()
    assert meta.answered == 3 and meta.locked_by is None
    # The stale record and the index lag were repaired on disk.
    assert not (store.locks_dir / f"{rid}.owner.json").exists()
    assert not (store.locks_dir / f"{rid}.dirty").exists()
    index = json.loads(store.index_path.read_text("utf-8"))
    assert [d["answered"] for d in index["reports"].values()] == [3]


def test_stale_owner_record_of_a_dead_pid_on_this_host(store):
    rid = new(store)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record = {"pid": dead.pid, "host": _fs.hostname(), "started": "2025-01-01T08:00:00+08:00", "user": "someone"}
    (store.locks_dir / f"{rid}.owner.json").write_text(json.dumps(record), "utf-8")
    with store.open(rid) as h:
        assert not h.readonly and h.took_over.pid == dead.pid


def test_lock_recorded_by_another_host_needs_force(store):
    rid = new(store)
    record = {"pid": 4242, "host": "another-machine", "started": "2025-01-01T08:00:00+08:00", "user": "li"}
    owner = store.locks_dir / f"{rid}.owner.json"
    owner.write_text(json.dumps(record), "utf-8")
    h = store.open(rid)
    assert h.readonly and h.locked_by.host == "another-machine"
    assert "another-machine" in h.notice and "4242" in h.notice
    assert json.loads(owner.read_text("utf-8")) == record  # left alone
    with store.open(rid, force=True) as h2:
        assert not h2.readonly and h2.took_over.host == "another-machine"
        h2.set_answer("a.x", 1)


def test_writers_of_different_reports_do_not_block_each_other(store, children):
    a, b = new(store, "甲"), new(store, "乙")
    child = Child(store.root, a)
    children.append(child)
    assert child.state == "writable"
    with store.open(b) as h:
        assert not h.readonly
        for i in range(5):
            h.set_answer("x.y", i)
            assert child.send(f"x.y={i}") == "saved"
        store.rename(b, "乙（改）")
        c = new(store, "丙")  # index updates while the child edits
    assert child.send("close") == "closed"
    titles = {m.title for m in store.list_reports()}
    assert titles == {"甲", "乙（改）", "丙"}
    with store.open(a, readonly=True) as ha, store.open(b, readonly=True) as hb:
        assert ha.answers == hb.answers == {"x.y": 4}
    assert c


def test_concurrent_saves_from_two_processes_on_two_reports(store):
    """Two processes save 100 answers each, to their own report, at the same time."""
    a, b = new(store, "甲"), new(store, "乙")
    code = r"""
import sys
sys.path.insert(0, sys.argv[1])
from store import Store
s = Store(sys.argv[2])
with s.open(sys.argv[3]) as h:
    assert not h.readonly
    for i in range(100):
        h.set_answer(f"k.f{i}", i)
    if sys.argv[4] == "1":
        s.create("w", 1, "新建" + sys.argv[3], "", 2025)
"""
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(store.root), rid, "1"])
        for rid in (a, b)
    ]
    deadline = time.monotonic() + 120
    for p in procs:
        assert p.wait(max(1, deadline - time.monotonic())) == 0
    metas = {m.title: m for m in store.list_reports()}
    assert metas["甲"].answered == metas["乙"].answered == 100
    assert {"新建" + a, "新建" + b} <= set(metas)


def test_open_waits_out_a_listing_that_probes_the_lock_for_an_instant(store):
    import threading

    from store.locks import _new_flock, lock_path

    rid = new(store)
    probe = _new_flock(lock_path(store.locks_dir, rid), timeout=0)
    probe.acquire()  # what a listing does for a moment when it checks a stale owner
    timer = threading.Timer(0.03, lambda: probe.release(force=True))
    timer.start()
    try:
        with store.open(rid) as h:
            assert not h.readonly
    finally:
        timer.join()
