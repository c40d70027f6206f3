"""A report's backups as the interfaces show them, and restoring one: the
one place for ``shuzhi backups`` / ``shuzhi restore`` and the app's restore
dialog (:class:`tui.screens.restore.RestoreDialog`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from store.backups import BackupInfo
    from store.model import ReportMeta


def backup_time(info: BackupInfo) -> str:
    """When a backup was made, as the lists show it."""
    return info.created.strftime("%Y-%m-%d %H:%M:%S")


def size_text(n: int) -> str:
    """A file size: ``812 B``, ``3.4 KB``."""
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


@dataclass(frozen=True)
class BackupRow:
    """One backup of a report: its number in the list (1 is the newest),
    the count of answered fields (None when it cannot be read) and why not."""

    number: int
    info: BackupInfo
    answered: int | None
    problem: str | None

    @property
    def time(self) -> str:
        return backup_time(self.info)

    @property
    def size(self) -> str:
        return size_text(self.info.size)

    @property
    def usable(self) -> bool:
        return self.answered is not None

    def answered_text(self) -> str:
        return "损坏" if self.answered is None else str(self.answered)


def backup_rows(store: Any, report_id: str) -> list[BackupRow]:
    """The backups of a report, newest first, each inspected (``Store.inspect_backups``)."""
    return [BackupRow(n, info, answered, problem)
            for n, (info, answered, problem) in enumerate(store.inspect_backups(report_id), 1)]


def newest_usable(rows: list[BackupRow]) -> BackupRow | None:
    return next((row for row in rows if row.usable), None)


@dataclass(frozen=True)
class Restored:
    """What :func:`restore_backup` did: the report as restored, from which
    backup, and where the damaged file went (None: the file was readable,
    and is kept as a new backup, or there was none)."""

    meta: ReportMeta
    backup: BackupInfo
    moved_to: Path | None
    existed: bool

    def lines(self) -> list[str]:
        """The Chinese sentences saying so."""
        lines = [f"已从 {backup_time(self.backup)} 的备份恢复报告“{self.meta.title}”（{self.meta.id}），"
                 f"已答 {self.meta.answered} 个字段。"]
        if self.moved_to is not None:
            lines.append(f"损坏的报告文件已原样移到“{self.moved_to}”。")
        elif self.existed:
            lines.append(f"恢复前的报告文件已另存为一个新备份（查看：shuzhi backups {self.meta.id}）。")
        return lines


def restore_backup(store: Any, report_id: str, backup: BackupInfo | None = None, *, cache: Any = None) -> Restored:
    """Put ``backup`` (default: the newest intact one) back as the report
    file (``Store.restore_backup``: a damaged file is moved aside, a
    readable one backed up first). Raises ``store.errors.StoreError``."""
    from store.errors import StoreError

    if backup is None:
        row = newest_usable(backup_rows(store, report_id))
        if row is None:
            raise StoreError(f"报告 {report_id} 没有可用的备份（查看：shuzhi backups {report_id}）。")
        backup = row.info
    damaged_dir: Path = store.damaged_dir
    before = set(damaged_dir.glob("*")) if damaged_dir.is_dir() else set()
    existed = store.report_path(report_id).exists()
    meta = store.restore_backup(report_id, backup)
    from .state import states_for

    try:  # what listings show (tui.session.state), recomputed and kept for the restored file
        states_for(store, [meta], cache=cache)
    except Exception:  # noqa: BLE001 - the state is then recomputed when next listed
        pass
    after = set(damaged_dir.glob("*")) if damaged_dir.is_dir() else set()
    moved = sorted(after - before)
    return Restored(meta, backup, moved[0] if moved else None, existed)
