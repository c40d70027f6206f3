"""Report files: where they are, reading them with the store's errors,
writing new ones (:meth:`ReportFiles.add`, for create and duplicate) and
removing them (purge).

Layout of the data directory (all directories 0700, all files 0600)::

    index.json                 the list of reports (a cache of the report files; store.index)
    index.seen                 when the index last held exactly the report files (store.index)
    reports/<id>.json          one TinyDB file per report: meta + answers
    backups/<id>/<time>.json   rolling backups of each report (store.backups)
    locks/<id>.lock            OS lock of the session editing the report (store.locks)
    locks/<id>.owner.json      who holds it (pid, host, user, start time)
    locks/<id>.dirty           the index lags behind this report's file
    locks/index.lock           short lock around index updates
    damaged/                   files that could not be read, moved aside

Every read of a report or backup file goes through :func:`store.storage.load`
(parse → upgrade → check); this module words its failures for the user.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from workflows.fileio import TMP_SUFFIX, cleanup_stale_tmp, fsync_dir, write_atomic

from . import _fs, backups, schema, storage
from .backups import BackupInfo
from .errors import DamagedFileError, FutureSchemaError, NotFound, StoreError
from .model import ReportMeta

_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FILE_RE = re.compile(r"^([A-Za-z0-9_-]{1,64})\.json$", re.MULTILINE)


def build_report(report_id: str, now: str, fields: Mapping[str, Any], answers: Iterable[Mapping[str, Any]]) -> dict:
    """The content of a new report file: the report document (``fields``
    with a new id and times, out of the recycle bin) and its answer
    documents. The one way a report file is made (create and duplicate)."""
    meta = {"id": report_id, **fields}
    meta.update(id=report_id, created=now, updated=now, deleted=False, deleted_at=None)
    return {
        "schema": schema.schema_doc(schema.REPORT_FORMAT),
        "report": {"1": meta},
        "answers": {str(i): dict(doc) for i, doc in enumerate(answers, start=1)},
    }


def future_error(path: Path, found: int, what: str = "报告文件", then: str = "后再打开") -> FutureSchemaError:
    return FutureSchemaError(
        f"{what}“{path}”由更新版本的述职助手写入（数据格式版本 {found}，本程序支持到 "
        f"{schema.SCHEMA_VERSION}）。请升级述职助手{then}；文件未作任何改动。",
        path=path,
        found=found,
        supported=schema.SCHEMA_VERSION,
    )


def unreadable_reason(exc: Exception) -> str:
    """Why a file could not be read, in Chinese, from what :func:`storage.load` raised."""
    if isinstance(exc, schema.Future):
        return f"由更新版本写入（数据格式版本 {exc.found}）"
    if isinstance(exc, schema.Damage):
        return exc.reason
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)


class ReportFiles:
    """The report files and their backups in one data directory."""

    def __init__(self, root: Path):
        self.root = root
        self.reports_dir = _fs.ensure_private_dir(root / "reports")
        self.backups_dir = _fs.ensure_private_dir(root / "backups")
        self.locks_dir = _fs.ensure_private_dir(root / "locks")
        self.damaged_dir = root / "damaged"
        # The reports folder (10,000 files in a large store) is cleaned when
        # it is listed anyway (:meth:`ids`), not on every start.
        for folder in (root, self.locks_dir):
            cleanup_stale_tmp(folder)

    # -- paths ------------------------------------------------------------------
    def path(self, report_id: str) -> Path:
        return self.reports_dir / f"{report_id}.json"

    @staticmethod
    def check_id(report_id: Any) -> str:
        if not isinstance(report_id, str) or not _ID_RE.match(report_id):
            raise NotFound(f"报告编号“{report_id}”无效。")
        return report_id

    def ids(self) -> set[str]:
        """The ids of every report file."""
        return self.ids_and_quiet()[0]

    def ids_and_quiet(self) -> tuple[set[str], bool]:
        """The ids of every report file, and whether the folder holds
        nothing being written (no temporary file: see store.index on
        index.seen)."""
        try:
            names = os.listdir(self.reports_dir)
        except FileNotFoundError:
            return set(), False
        quiet = True
        if any(n.startswith(".") and n.endswith(TMP_SUFFIX) for n in names):
            quiet = False
            cleanup_stale_tmp(self.reports_dir)  # left by a writer that was killed
        # One regular-expression pass over all the names (a third of a
        # per-name match's time at 10,000 reports).
        return set(_FILE_RE.findall("\n".join(n for n in names if "\n" not in n))), quiet

    def new_id(self, taken: Iterable[str] = ()) -> str:
        used = set(taken) | self.ids()
        while True:
            rid = os.urandom(4).hex()  # secrets.token_hex(4), without importing secrets (≈ 5 ms)
            if rid not in used:
                return rid

    # -- reading ----------------------------------------------------------------
    def load(self, report_id: str) -> storage.Loaded:
        """The report file, read by :func:`storage.load`. Raises schema.Damage,
        schema.Future, OSError (FileNotFoundError when there is none)."""
        return storage.load(self.path(report_id), schema.REPORT_FORMAT, report_id)

    def read(self, report_id: str, *, move_damaged: bool = False, missing_is_damage: bool = False) -> storage.Loaded:
        """The report file, or a store error that says what is wrong and
        what can be done (NotFound, FutureSchemaError, DamagedFileError).

        ``move_damaged``: a damaged file is moved to ``damaged/`` (only by
        the session taking the write lock). ``missing_is_damage``: a missing
        file is reported as damage (the index knows the report) rather than
        as no such report."""
        report_id = self.check_id(report_id)
        path = self.path(report_id)
        try:
            return self.load(report_id)
        except FileNotFoundError:
            if missing_is_damage:
                raise self.damaged(report_id, "文件不存在", move=False) from None
            raise NotFound(f"没有编号为“{report_id}”的报告。") from None
        except schema.Future as exc:
            raise future_error(path, exc.found) from None
        except schema.Damage as exc:
            raise self.damaged(report_id, exc.reason, move=move_damaged) from None
        except OSError as exc:
            raise StoreError(f"无法读取报告文件“{path}”：{exc.strerror or exc}。") from None

    def damaged(self, report_id: str, reason: str, *, move: bool) -> DamagedFileError:
        path = self.path(report_id)
        moved = None
        if move and path.exists():
            moved = _fs.move_aside(path, self.damaged_dir, _fs.stamp())
        good = self.latest_good_backup(report_id)
        backup = good[0] if good else None
        msg = f"报告文件“{path}”无法读取：{reason}。"
        if moved:
            msg += f"原文件已原样移到“{moved}”，不会被覆盖。"
        elif path.exists():
            msg += "文件未作改动。"
        if backup:
            msg += (f"可以恢复最近的备份：{backup.describe()}；恢复命令：shuzhi restore {report_id}"
                    f"（查看全部备份：shuzhi backups {report_id}）。")
        else:
            msg += "没有找到可用的备份。"
        return DamagedFileError(msg, path=path, reason=reason, moved_to=moved, backup=backup, report_id=report_id)

    # -- backups ----------------------------------------------------------------
    def list_backups(self, report_id: str) -> list[BackupInfo]:
        return backups.list_backups(self.backups_dir, report_id)

    def load_backup(self, info: BackupInfo, report_id: str) -> storage.Loaded:
        """A backup, read by :func:`storage.load` (same errors)."""
        return storage.load(info.path, schema.REPORT_FORMAT, report_id)

    def latest_good_backup(self, report_id: str) -> tuple[BackupInfo, dict] | None:
        for info in self.list_backups(report_id):
            try:
                loaded = self.load_backup(info, report_id)
            except (OSError, schema.Damage, schema.Future):
                continue
            return info, loaded.data
        return None

    # -- writing ----------------------------------------------------------------
    def write(self, report_id: str, data: Mapping[str, Any]) -> None:
        """Durably replace (or create) the report file with ``data``."""
        write_atomic(self.path(report_id), _fs.dumps(data))

    def add(self, fields: Mapping[str, Any], answers: Iterable[Mapping[str, Any]], *,
            taken: Iterable[str] = ()) -> ReportMeta:
        """Write a new report file under a new id (not one of the files' nor
        of ``taken``, the index's): the report document ``fields`` and the
        answer documents ``answers``, built by :func:`build_report`."""
        rid = self.new_id(taken)
        data = build_report(rid, _fs.iso(), fields, answers)
        self.write(rid, data)
        return ReportMeta.from_data(data)

    def remove(self, report_id: str) -> None:
        """Delete a report file and its backups for good (purge)."""
        os.unlink(self.path(report_id))
        fsync_dir(self.reports_dir)
        for b in self.list_backups(report_id):
            b.path.unlink(missing_ok=True)
        try:
            backups.backup_dir(self.backups_dir, report_id).rmdir()
        except OSError:
            pass


def carried_over(docs: Iterable[Mapping[str, Any]], skip: set[str], source_year: int | None,
                  now: str) -> dict[str, dict]:
    """An earlier report's answers for a new one, each marked "from <year>"
    (its own mark when it was itself carried over) until confirmed."""
    from workflows.values import is_empty  # see store.model on these imports

    out: dict[str, dict] = {}
    for doc in docs:
        if doc["path"] in skip or is_empty(doc["value"]):
            continue
        mark = doc.get("from_year") if doc.get("from_year") is not None else source_year
        out[doc["path"]] = {"path": doc["path"], "value": copy.deepcopy(doc["value"]), "updated": now,
                            "from_year": mark}
    return out
