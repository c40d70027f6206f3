"""The report store (:class:`Store`): all reports in one data directory.

It puts the parts together: the report files (:mod:`store.files`, with the
on-disk layout), the index of reports (:mod:`store.index`), the handle of an
opened report (:mod:`store.handle`), locks (:mod:`store.locks`) and backups
(:mod:`store.backups`). Every file is read through :func:`store.storage.load`
and written through the project's one atomic writer (:mod:`workflows.fileio`).
"""

from __future__ import annotations

import copy
import os
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from workflows.fileio import cleanup_stale_tmp

from . import _fs, backups, schema
from .backups import BackupInfo
from .errors import DeletedError, InvalidValueError, LockedError, NotFound, StoreError
from .files import ReportFiles, carried_over, future_error, unreadable_reason
from .handle import ReportHandle
from .index import ReportIndex
from .locks import UNKNOWN_OWNER, LockInfo, ReportLock, break_lock
from .model import (
    ReportMeta,
    check_answers,
    check_title,
    check_unit,
    check_workflow_version,
    check_year,
    count,
)
from .paths import data_dir as resolve_data_dir

__all__ = ["ReportHandle", "ReportMeta", "Store"]


class Store:
    """All reports in one data directory."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None):
        self.root = resolve_data_dir(data_dir)
        # Chinese messages about repairs the store made on its own (show them).
        self.notices: list[str] = []
        # The warning when others can read the data folder (None: private);
        # the CLI prints it (tui.cli.base.open_store), the app shows it once.
        self.folder_warning: str | None = _fs.exposure(self.root)
        self.files = ReportFiles(self.root)
        self.reports_dir = self.files.reports_dir
        self.backups_dir = self.files.backups_dir
        self.locks_dir = self.files.locks_dir
        self.damaged_dir = self.files.damaged_dir
        self.index = ReportIndex(self.files, self.notices)
        self.index_path = self.index.path
        self._handles: dict[str, weakref.ref[ReportHandle]] = {}
        self._mutex = threading.RLock()

    def report_path(self, report_id: str) -> Path:
        return self.files.path(report_id)

    # -- listing and finding -------------------------------------------------------
    def _open_here(self) -> set[str]:
        with self._mutex:
            return set(self._handles)

    def list_reports(self, include_deleted: bool = False, *, limit: int | None = None) -> list[ReportMeta]:
        """All reports (or the first ``limit``), most recently updated first.
        Reads the index, plus the files of the few reports being edited right
        now; ``self.index.last_total`` is how many there are in all."""
        return self.index.list_reports(include_deleted, open_here=self._open_here(), limit=limit)

    def get_meta(self, report_id: str) -> ReportMeta:
        meta = self._from_file(report_id)
        if meta is not None:
            return meta
        for meta in self.list_reports(include_deleted=True):
            if meta.id == report_id:
                return meta
        raise NotFound(f"没有编号为“{report_id}”的报告。")

    def _from_file(self, report_id: str) -> ReportMeta | None:
        """The meta of a report by its exact id, from its own file (the
        truth the index caches); None when there is no readable file."""
        try:
            self.files.check_id(report_id)
            return ReportMeta.from_data(self.files.load(report_id).data)
        except (NotFound, OSError, schema.Damage, schema.Future):
            return None  # the full listing names what is wrong

    def find(self, query: str, *, include_deleted: bool = False) -> ReportMeta:
        """Resolve a report id, an unambiguous id prefix or an unambiguous title prefix.

        An exact id is read from the report's file and a prefix from the
        index lines that match it; only when that finds nothing is the
        whole listing consulted (a report the index lags behind)."""
        q = (query or "").strip()
        meta = self._from_file(q) if q else None
        if meta is not None and (include_deleted or not meta.deleted):
            return meta
        pool = self.index.lookup(q) if q else None
        if pool:
            try:
                return self.index.find(pool, q, include_deleted=include_deleted)
            except NotFound:
                pass
        return self.index.find(self.list_reports(include_deleted=True), query, include_deleted=include_deleted)

    def rebuild_index(self) -> int:
        """Rebuild the index from the report files; returns the number of reports."""
        return self.index.rebuild()

    # -- creating -------------------------------------------------------------------------
    def create(
        self,
        workflow_id: str,
        workflow_version: int | str,
        title: str,
        unit: str = "",
        year: int | None = None,
        answers: Mapping[str, Any] | None = None,
        from_report: str | None = None,
        *,
        exclude_paths: Iterable[str] = (),
    ) -> ReportMeta:
        """A new report. With ``from_report``, it starts from that (earlier)
        report's answers, each marked "from <year>" until confirmed or changed;
        ``exclude_paths`` are not copied; ``answers`` are set as given (no mark)."""
        if not isinstance(workflow_id, str) or not workflow_id.strip():
            raise InvalidValueError("工作流编号不能为空。")
        fields: dict[str, Any] = {
            "workflow_id": workflow_id.strip(),
            "workflow_version": check_workflow_version(workflow_version),
            "title": check_title(title),
            "unit": check_unit(unit),
            "year": check_year(year),
            "from_report": None,
            "from_year": None,
        }
        given = check_answers(answers or {})
        now = _fs.iso()
        docs: dict[str, dict] = {}
        if from_report is not None:
            src = self.files.read(from_report).data
            src_meta = src["report"]["1"]
            source_year = src_meta.get("year")
            if source_year is None and src_meta.get("created", "")[:4].isdigit():
                source_year = int(src_meta["created"][:4])
            fields.update(from_report=src_meta["id"], from_year=source_year)
            docs = carried_over(src["answers"].values(), set(exclude_paths), source_year, now)
        for path, value in given.items():
            docs[path] = {"path": path, "value": value, "updated": now, "from_year": None}
        return self._add(fields, docs.values())

    def duplicate(self, report_id: str, title: str | None = None) -> ReportMeta:
        """A copy of a report (answers and their marks as they are), under a new id."""
        src = self.files.read(report_id).data
        fields = dict(src["report"]["1"])
        from workflows.model import TITLE_MAX  # see store.model on this import

        fields["title"] = check_title(f"{fields['title']}（副本）"[:TITLE_MAX] if title is None else title)
        return self._add(fields, copy.deepcopy(list(src["answers"].values())))

    def _add(self, fields: Mapping[str, Any], answers: Iterable[Mapping[str, Any]]) -> ReportMeta:
        meta = self.files.add(fields, answers, taken=self.index.entries())
        self.index.put_quiet([meta])
        return meta

    # -- opening ------------------------------------------------------------------------------
    def open(self, report_id: str, *, readonly: bool = False, force: bool = False) -> ReportHandle:
        """Open a report. Takes its write lock unless ``readonly``; if another
        live session holds it, returns a read-only handle (``.readonly`` True,
        ``.locked_by`` says who, ``.notice`` says it in Chinese). A lock left by
        a dead process on this host is taken over (``.took_over``). ``force``
        also takes over a lock recorded by another host."""
        return self._open(report_id, readonly=readonly, force=force)

    def _open(
        self, report_id: str, *, readonly: bool, force: bool = False, allow_deleted: bool = False
    ) -> ReportHandle:
        report_id = self.files.check_id(report_id)
        path = self.report_path(report_id)
        if not path.exists() and report_id not in self.index.entries():
            raise NotFound(f"没有编号为“{report_id}”的报告。")
        lock = None
        locked_by = took_over = None
        by_choice = readonly
        if not readonly:
            lock = ReportLock(self.locks_dir, report_id)
            outcome = lock.try_acquire(force=force)
            if outcome.acquired:
                took_over = outcome.took_over
            else:
                lock = None
                readonly = True
                locked_by = outcome.holder or LockInfo(pid=0, host="?", started="")
        try:
            # Only the session taking the write lock moves a damaged file aside.
            loaded = self.files.read(report_id, move_damaged=lock is not None, missing_is_damage=True)
            data = loaded.data
            if data["report"]["1"].get("deleted") and not (allow_deleted or by_choice):
                raise DeletedError(f"报告“{data['report']['1']['title']}”（{report_id}）在回收站中，请先恢复。")
            migrated_from = None
            if lock is not None:
                cleanup_stale_tmp(backups.backup_dir(self.backups_dir, report_id))
                if backups.latest_raw(self.backups_dir, report_id) != loaded.raw:
                    backups.make_backup(self.backups_dir, report_id, loaded.raw)
                if loaded.version < schema.SCHEMA_VERSION:
                    self.files.write(report_id, data)
                    migrated_from = loaded.version
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        handle = ReportHandle(
            self, report_id, data, lock=lock, readonly=readonly, locked_by=locked_by,
            took_over=took_over, by_choice=by_choice, migrated_from=migrated_from,
        )
        if lock is not None:
            with self._mutex:
                self._handles[report_id] = weakref.ref(handle)
            if took_over is not None:
                # The dead session may not have updated the index.
                self.index.mark_dirty(report_id)
                handle._dirty_marked = True
        return handle

    def _forget(self, handle: ReportHandle) -> None:
        with self._mutex:
            ref = self._handles.get(handle.id)
            if ref is not None and ref() is handle:
                del self._handles[handle.id]

    def _own_handle(self, report_id: str) -> ReportHandle | None:
        with self._mutex:
            ref = self._handles.get(report_id)
            handle = ref() if ref else None
            return handle if handle is not None and not handle.closed else None

    @contextmanager
    def _writer(self, report_id: str, *, allow_deleted: bool = False) -> Iterator[ReportHandle]:
        """A writable handle: this store's open one, or a short-lived one."""
        own = self._own_handle(report_id)
        if own is not None:
            yield own
            return
        handle = self._open(report_id, readonly=False, allow_deleted=allow_deleted)
        try:
            if handle.readonly:
                raise LockedError(
                    f"报告正由另一个会话编辑（{handle.locked_by.describe() if handle.locked_by else UNKNOWN_OWNER}），"
                    "请在那个会话中操作，或关闭它后重试。",
                    handle.locked_by,
                )
            yield handle
        finally:
            handle.close()

    # -- operations ------------------------------------------------------------------------------
    def rename(self, report_id: str, title: str) -> ReportMeta:
        with self._writer(report_id) as h:
            return h.update_meta(title=title)

    def delete(self, report_id: str) -> ReportMeta:
        """Move a report to the recycle bin (recoverable with :meth:`restore`)."""
        with self._writer(report_id) as h:
            h.set_deleted(True)
            return h.meta

    def restore(self, report_id: str) -> ReportMeta:
        """Take a report out of the recycle bin."""
        with self._writer(report_id, allow_deleted=True) as h:
            if h.meta.deleted:
                h.set_deleted(False)
            return h.meta

    def purge(self, report_id: str) -> None:
        """Permanently remove a report that is in the recycle bin, with its backups."""
        with self._writer(report_id, allow_deleted=True) as h:
            if not h.meta.deleted:
                raise StoreError("只能永久删除回收站中的报告，请先删除。")
            self.files.remove(report_id)
            h._dirty_marked = False
            self.index.put(removes=[report_id])
            self.index.clear_dirty(report_id)

    # -- backups ----------------------------------------------------------------------------------
    def list_backups(self, report_id: str) -> list[BackupInfo]:
        """Backups of a report, newest first."""
        return self.files.list_backups(self.files.check_id(report_id))

    def _chosen_backup(self, report_id: str, backup: BackupInfo | str | os.PathLike[str] | None) -> dict:
        """The content of ``backup`` (default: the most recent good one)."""
        if backup is None:
            good = self.files.latest_good_backup(report_id)
            if good is None:
                raise StoreError(f"报告 {report_id} 没有可用的备份。")
            return good[1]
        path = backup.path if isinstance(backup, BackupInfo) else Path(backup)
        info = next((b for b in self.list_backups(report_id) if b.path == path), None)
        if info is None:
            raise StoreError(f"“{path}”不是报告 {report_id} 的备份。")
        try:
            return self.files.load_backup(info, report_id).data
        except schema.Future as exc:
            raise future_error(info.path, exc.found) from None
        except (schema.Damage, OSError) as exc:
            raise StoreError(f"备份“{info.path}”无法读取：{unreadable_reason(exc)}。") from None

    def restore_backup(self, report_id: str, backup: BackupInfo | str | os.PathLike[str] | None = None) -> ReportMeta:
        """Put a backup (default: the most recent good one) back as the report file.

        The current file, if readable, is backed up first; if damaged it is
        moved aside. Needs the report's write lock.
        """
        report_id = self.files.check_id(report_id)
        if self._own_handle(report_id) is not None:
            raise LockedError("请先关闭正在编辑的这份报告，再从备份恢复。")
        lock = ReportLock(self.locks_dir, report_id)
        outcome = lock.try_acquire()
        if not outcome.acquired:
            who = outcome.holder.describe() if outcome.holder else UNKNOWN_OWNER
            raise LockedError(f"报告正由另一个会话编辑（{who}），不能从备份恢复。", outcome.holder)
        try:
            data = self._chosen_backup(report_id, backup)
            path = self.report_path(report_id)
            if path.exists():
                try:
                    current = self.files.load(report_id)
                    backups.make_backup(self.backups_dir, report_id, current.raw)
                except schema.Damage:
                    _fs.move_aside(path, self.damaged_dir, _fs.stamp())
                except schema.Future as exc:
                    raise future_error(path, exc.found) from None
            self.index.mark_dirty(report_id)
            self.files.write(report_id, data)
            meta = ReportMeta.from_data(data)
            if self.index.put_quiet([meta], "已恢复的内容"):
                self.index.clear_dirty(report_id)
            return meta
        finally:
            lock.release()

    def inspect_backups(self, report_id: str) -> list[tuple[BackupInfo, int | None, str | None]]:
        """Backups of a report, newest first, each with its count of answered
        fields (None when it cannot be read) and the reason it cannot."""
        out: list[tuple[BackupInfo, int | None, str | None]] = []
        for info in self.list_backups(report_id):
            try:
                data = self.files.load_backup(info, report_id).data
            except schema.Future as exc:
                out.append((info, None, f"由更新版本的 shuzhi 写入（数据格式 {exc.found}）"))
                continue
            except (OSError, schema.Damage) as exc:
                out.append((info, None, unreadable_reason(exc)))
                continue
            out.append((info, count(data["answers"])[0], None))
        return out

    def unlock(self, report_id: str) -> LockInfo | None:
        """Remove a report's lock record that no live session here holds
        (``shuzhi unlock``). Returns the record removed, None if none."""
        report_id = self.files.check_id(report_id)
        if self._own_handle(report_id) is not None:
            raise LockedError("这份报告正由本会话编辑，不需要解锁。")
        return break_lock(self.locks_dir, report_id)

    # -- answers files ------------------------------------------------------------------------------
    def export_answers(self, report_id: str, workflow: Any, fmt: str = "yaml") -> str:
        """The report's answers as an answers file (YAML or JSON) text."""
        own = self._own_handle(report_id)
        if own is not None:
            return own.export_answers(workflow, fmt)
        with self._open(report_id, readonly=True) as h:
            return h.export_answers(workflow, fmt)

    def import_answers(
        self, report_id: str, text: str, fmt: str, workflow: Any, *, replace_all: bool = False
    ) -> dict[str, Any]:
        """Validate an answers file against ``workflow`` and save it into the
        report in one durable write; nothing is saved if it is invalid."""
        with self._writer(report_id) as h:
            return h.import_answers(text, fmt, workflow, replace_all=replace_all)

    # -- life cycle -----------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every report this store has open for writing."""
        with self._mutex:
            handles = [r() for r in self._handles.values()]
        for h in handles:
            if h is not None:
                h.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.root}>"
