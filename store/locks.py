"""One writer per report.

A session that opens a report for writing takes an OS file lock
(``locks/<id>.lock`` through :mod:`filelock`: ``flock`` on POSIX) and then
records who it is in ``locks/<id>.owner.json`` (pid, host, user, start time).
The OS releases the file lock when a process dies, however it dies, so:

* lock busy                                  -> a live session holds it;
  the caller gets the owner record to show;
* lock free, no owner record                 -> the report is free;
* lock free, owner record from this machine  -> that process died (SIGKILL,
  power cut, SSH hang-up): its lock is stale and is taken over. "This
  machine" is the kernel's boot id in the record, so a container whose
  hostname changes at every start still recognises its own records;
* lock free, owner record from another machine (another boot id, or an old
  record from another host) -> the data directory may be shared and file
  locks may not cross machines: treated as held until the user runs
  ``shuzhi unlock`` (:func:`break_lock`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from workflows.fileio import PRIVATE, pid_alive, write_atomic

from . import _fs
from .errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    import filelock


def _filelock():
    """filelock, imported on first use: it pulls in asyncio (~45 ms), and
    read-only commands (list, check, preview) never take a lock."""
    import filelock

    return filelock


def boot_id() -> str:
    """This kernel's boot id (Linux): two records with the same one were
    written on this machine since its last start, whatever the hostname."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (Linux), so
    that a reused pid is not mistaken for the owner; None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
        return int(raw[raw.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class LockInfo:
    """Who holds a report's write lock: process, host, user, since when."""

    pid: int
    host: str
    started: str  # ISO time the session took the lock
    user: str = ""
    boot_id: str = ""  # kernel boot id when the lock was taken (Linux)
    process_start: int | None = None  # the owner's start time, ticks since boot

    @classmethod
    def current(cls) -> LockInfo:
        import getpass  # here, not at the top: read-only commands never take a lock

        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name is not an error
            user = ""
        pid = os.getpid()
        return cls(pid=pid, host=_fs.hostname(), started=_fs.iso(), user=user,
                   boot_id=boot_id(), process_start=process_start(pid))

    @classmethod
    def from_dict(cls, d: object) -> LockInfo | None:
        if not isinstance(d, dict):
            return None
        pid, host, started = d.get("pid"), d.get("host"), d.get("started")
        if not isinstance(pid, int) or not isinstance(host, str) or not isinstance(started, str):
            return None
        user, boot = d.get("user"), d.get("boot_id")
        user = user if isinstance(user, str) else ""
        boot = boot if isinstance(boot, str) else ""
        start = d.get("process_start")
        start = start if isinstance(start, int) and not isinstance(start, bool) else None
        return cls(pid=pid, host=host, started=started, user=user, boot_id=boot, process_start=start)

    @property
    def same_host(self) -> bool:
        return self.host == _fs.hostname()

    @property
    def same_machine(self) -> bool:
        """Written on this machine since it last started (same kernel boot
        id), whatever the hostname (a container gets a new one at every start)."""
        return bool(self.boot_id) and self.boot_id == boot_id()

    def provably_dead(self) -> bool:
        """Asked while the caller holds the OS lock (so no process on this
        kernel holds it): is the owner certainly gone? Yes when the record was
        written on this machine (same boot id: the OS lock is the truth
        there, whatever the hostname or pid namespace), or on this host (same
        hostname: as before boot ids were recorded). A record from another
        host with another boot id (a shared folder): no."""
        if self.same_machine:
            return True
        return self.same_host  # the hostname as before boot ids (an earlier start of this host)

    @property
    def alive(self) -> bool:
        """Best guess; for another host we cannot tell, so assume alive."""
        return pid_alive(self.pid) if self.same_host else True

    def describe(self) -> str:
        try:
            when = datetime.fromisoformat(self.started).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = self.started
        who = f"用户 {self.user}，" if self.user else ""
        return f"{who}主机 {self.host}，进程 {self.pid}，自 {when} 起"


UNKNOWN_OWNER = "另一个会话（其信息尚未写入）"

# Seconds to keep trying a busy report lock before opening read-only.
BUSY_RETRY = 0.15


def lock_path(locks_dir: Path, report_id: str) -> Path:
    return locks_dir / f"{report_id}.lock"


def owner_path(locks_dir: Path, report_id: str) -> Path:
    return locks_dir / f"{report_id}.owner.json"


def read_owner(locks_dir: Path, report_id: str) -> LockInfo | None:
    try:
        raw = owner_path(locks_dir, report_id).read_bytes()
        return LockInfo.from_dict(json.loads(raw.decode("utf-8")))
    except (OSError, ValueError):
        return None


def _new_flock(path: Path, timeout: float) -> filelock.BaseFileLock:
    return _filelock().FileLock(
        path,
        timeout=timeout,
        mode=PRIVATE,
        thread_local=False,  # the TUI may save from worker threads
        fallback_to_soft=False,  # soft locks survive a crash; we need OS locks
        preserve_lock_file=True,
    )


class LockOutcome:
    """Result of :meth:`ReportLock.try_acquire`."""

    def __init__(self, acquired: bool, holder: LockInfo | None = None, took_over: LockInfo | None = None):
        self.acquired = acquired
        self.holder = holder  # who holds it, when not acquired
        self.took_over = took_over  # stale owner we replaced, when acquired


class ReportLock:
    """The write lock of one report, held by one session."""

    def __init__(self, locks_dir: Path, report_id: str):
        self.locks_dir = Path(locks_dir)
        self.report_id = report_id
        self._flock = _new_flock(lock_path(self.locks_dir, report_id), timeout=0)
        self.info: LockInfo | None = None

    @property
    def held(self) -> bool:
        return self.info is not None

    def try_acquire(self, *, force: bool = False) -> LockOutcome:
        _fs.ensure_private_dir(self.locks_dir)
        try:
            # A listing in another process may hold the lock for an instant
            # while it checks for a stale owner: retry briefly before
            # concluding that a session holds it.
            self._flock.acquire(timeout=BUSY_RETRY, poll_interval=0.02)
        except _filelock().Timeout:
            return LockOutcome(False, holder=self._wait_owner())
        except OSError as exc:
            raise StoreError(
                f"无法为报告 {self.report_id} 加锁：{exc.strerror or exc}（{self.locks_dir}）。"
                "数据目录所在的文件系统可能不支持文件锁，请用 --data-dir 或 SHUZHI_DATA_DIR "
                "指向本机磁盘上的目录。"
            ) from None
        previous = read_owner(self.locks_dir, self.report_id)
        if previous is not None and not previous.provably_dead() and not force:
            # Locks may not cross machines on a shared directory: be careful.
            self._flock.release()
            return LockOutcome(False, holder=previous)
        info = LockInfo.current()
        try:
            write_atomic(
                owner_path(self.locks_dir, self.report_id),
                json.dumps(asdict(info), ensure_ascii=False).encode("utf-8"),
            )
        except BaseException:
            self._flock.release()
            raise
        self.info = info
        # Any record left behind while the OS lock was free is stale.
        return LockOutcome(True, took_over=previous)

    def _wait_owner(self) -> LockInfo | None:
        # The holder writes its record right after taking the lock; give it a moment.
        import time

        for _ in range(10):
            info = read_owner(self.locks_dir, self.report_id)
            if info is not None:
                return info
            time.sleep(0.01)
        return None

    def release(self) -> None:
        if self.info is None:
            return
        try:
            owner = owner_path(self.locks_dir, self.report_id)
            current = read_owner(self.locks_dir, self.report_id)
            if current == self.info:
                try:
                    os.unlink(owner)
                except FileNotFoundError:
                    pass
        finally:
            self.info = None
            self._flock.release(force=True)


def probe_stale(locks_dir: Path, report_id: str) -> tuple[bool, LockInfo | None]:
    """For listings: is the owner record of ``report_id`` left by a dead session?

    Returns ``(stale, owner)``. Takes the OS lock for an instant to find out,
    and removes the stale record.
    """
    owner = read_owner(locks_dir, report_id)
    lock = _new_flock(lock_path(locks_dir, report_id), timeout=0)
    try:
        lock.acquire(timeout=0)
    except (_filelock().Timeout, OSError):
        return False, owner
    try:
        if owner is not None and not owner.provably_dead():
            return False, owner
        again = read_owner(locks_dir, report_id)
        if again == owner:
            try:
                os.unlink(owner_path(locks_dir, report_id))
            except FileNotFoundError:
                pass
        return True, owner
    finally:
        lock.release(force=True)


def break_lock(locks_dir: Path, report_id: str) -> LockInfo | None:
    """``shuzhi unlock``: remove the owner record of a report whose OS lock
    is free (a live session on this machine holding it is never broken).
    Returns the record removed (None when there was none); raises
    StoreError when a session here holds the lock."""
    lock = _new_flock(lock_path(locks_dir, report_id), timeout=0)
    try:
        lock.acquire(timeout=BUSY_RETRY, poll_interval=0.02)
    except _filelock().Timeout:
        owner = read_owner(locks_dir, report_id)
        who = owner.describe() if owner else UNKNOWN_OWNER
        raise StoreError(
            f"报告 {report_id} 正由本机上的一个会话编辑（{who}），不能解锁；请在那个会话中保存并退出。"
        ) from None
    except OSError as exc:
        raise StoreError(f"无法检查报告 {report_id} 的锁：{exc.strerror or exc}。") from None
    try:
        owner = read_owner(locks_dir, report_id)
        try:
            os.unlink(owner_path(locks_dir, report_id))
        except FileNotFoundError:
            pass
        return owner
    finally:
        lock.release(force=True)


class IndexLock:
    """Short exclusive lock around read-modify-write of the index."""

    def __init__(self, path: Path, timeout: float = 15.0):
        self._flock = _new_flock(path, timeout=timeout)
        self.path = path

    def __enter__(self) -> Self:
        try:
            self._flock.acquire()
        except _filelock().Timeout:
            raise StoreError(
                f"报告索引被另一个会话长时间占用（{self.path}），请稍后重试。"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"无法为报告索引加锁：{exc.strerror or exc}（{self.path}）。"
                "请用 --data-dir 或 SHUZHI_DATA_DIR 指向本机磁盘上的目录。"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._flock.release(force=True)
