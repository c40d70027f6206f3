"""Rolling backups of report files.

``backups/<report id>/<YYYYmmddTHHMMSS_ffffff>.json`` are byte copies of the
report file as it was at that moment. A copy is made when a session opens a
report for writing (the state before this session's changes), every few
minutes while it saves, when it closes, and before any risky step (import,
restore, migration). Kept: the newest ``KEEP_LAST`` copies, plus the newest
copy of each day for ``KEEP_DAYS`` days.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from workflows.fileio import write_atomic

from . import _fs

KEEP_LAST = 10
KEEP_DAYS = 90


@dataclass(frozen=True)
class BackupInfo:
    """One backup file of a report: whose, where, when it was made."""

    report_id: str
    path: Path
    created: datetime  # local time, naive (from the file name)
    size: int

    def describe(self) -> str:
        return f"{self.created.strftime('%Y-%m-%d %H:%M:%S')} 的备份（{self.path}）"


def backup_dir(root: Path, report_id: str) -> Path:
    return root / report_id


def list_backups(root: Path, report_id: str) -> list[BackupInfo]:
    """Backups of one report, newest first."""
    folder = backup_dir(root, report_id)
    result = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".json"):
            continue
        created = _fs.parse_stamp(entry.name)
        if created is None:
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        result.append(BackupInfo(report_id, Path(entry.path), created, size))
    result.sort(key=lambda b: b.path.name, reverse=True)
    return result


def make_backup(root: Path, report_id: str, raw: bytes) -> BackupInfo:
    folder = _fs.ensure_private_dir(backup_dir(root, report_id))
    when = _fs.now()
    path = _fs.unique_path(folder, _fs.stamp(when), ".json")
    write_atomic(path, raw)
    prune(root, report_id)
    return BackupInfo(report_id, path, when.replace(tzinfo=None), len(raw))


def prune(root: Path, report_id: str, keep_last: int = KEEP_LAST, keep_days: int = KEEP_DAYS) -> list[Path]:
    backups = list_backups(root, report_id)
    keep: set[Path] = {b.path for b in backups[:keep_last]}
    cutoff = (datetime.now() - timedelta(days=keep_days)).date()
    days_seen: set = set()
    for b in backups:  # newest first: the first of each day is that day's newest
        day = b.created.date()
        if day not in days_seen:
            days_seen.add(day)
            if day >= cutoff:
                keep.add(b.path)
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                os.unlink(b.path)
                removed.append(b.path)
            except OSError:
                pass
    return removed


def latest_raw(root: Path, report_id: str) -> bytes | None:
    backups = list_backups(root, report_id)
    if not backups:
        return None
    try:
        return backups[0].path.read_bytes()
    except OSError:
        return None
