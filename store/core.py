"""The report store: one TinyDB file per report plus a small index.

Layout of the data directory (all directories 0700, all files 0600)::

    index.json                 the list of reports (a cache of the report files)
    reports/<id>.json          one TinyDB file per report: meta + answers
    backups/<id>/<time>.json   rolling backups of each report
    locks/<id>.lock            OS lock of the session editing the report
    locks/<id>.owner.json      who holds it (pid, host, user, start time)
    locks/<id>.dirty           the index lags behind this report's file
    locks/index.lock           short lock around index updates
    damaged/                   files that could not be read, moved aside

Saving an answer rewrites only that report's file (a few kB), so it costs the
same with 1 or 1,000 reports stored. The index is rewritten only when a
report is created, renamed, deleted, restored or closed; while a session
edits a report, ``locks/<id>.dirty`` tells listings to read that one report's
file for its current progress, so listings are always current, and a session
killed mid-way is repaired at the next listing or opening.
"""

from __future__ import annotations

import copy
import os
import re
import threading
import time
import weakref
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from tinydb import Query, TinyDB

from . import _fs, backups, schema
from .backups import BackupInfo
from .errors import (
    Ambiguous,
    DamagedFileError,
    DeletedError,
    FutureSchemaError,
    InvalidValueError,
    LockedError,
    NotFound,
    ReadOnlyError,
    StoreError,
)
from .locks import UNKNOWN_OWNER, IndexLock, LockInfo, ReportLock, break_lock, probe_stale
from .paths import data_dir as resolve_data_dir
from .storage import DurableJSONStorage

# A new backup while saving at most this often (seconds).
BACKUP_INTERVAL = 300.0

_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_Q = Query()

MIN_YEAR, MAX_YEAR = 1949, 2200
MAX_TITLE = 200


def _is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _count(answers_table: Mapping[str, dict]) -> tuple[int, int]:
    answered = unconfirmed = 0
    for doc in answers_table.values():
        if doc.get("draft") is None and _is_answered(doc.get("value")):
            answered += 1
            if doc.get("from_year") is not None:
                unconfirmed += 1
    return answered, unconfirmed


@dataclass(frozen=True)
class ReportMeta:
    """One report as the home screen lists it."""

    id: str
    workflow_id: str
    workflow_version: int | str
    title: str
    unit: str
    year: int | None
    created: str
    updated: str
    deleted: bool = False
    deleted_at: str | None = None
    answered: int = 0  # answers with a non-empty value (drafts are not answers)
    unconfirmed: int = 0  # of those, copied from an earlier year and not yet confirmed
    from_report: str | None = None  # the earlier report this one started from
    from_year: int | None = None
    locked_by: LockInfo | None = None  # another live session editing it (listings only)
    problem: str | None = None  # file missing or damaged (listings only)

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], **extra: Any) -> "ReportMeta":
        fields = {k: doc[k] for k in schema.INDEX_FIELDS if k in doc}
        fields.update(extra)
        return cls(**fields)

    def index_doc(self) -> dict:
        return {k: getattr(self, k) for k in schema.INDEX_FIELDS}

    @property
    def progress(self) -> int:
        """Same as ``answered``; divide by the workflow's field count for a ratio."""
        return self.answered

    def label(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.id}  {self.title}（{year}{self.unit}）" if (year or self.unit) else f"{self.id}  {self.title}"


def _meta_from_data(data: Mapping[str, Any]) -> ReportMeta:
    answered, unconfirmed = _count(data["answers"])
    return ReportMeta.from_doc(data["report"]["1"], answered=answered, unconfirmed=unconfirmed)


def _check_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise InvalidValueError("报告标题不能为空。")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise InvalidValueError(f"报告标题过长（{len(title)} 字，最多 {MAX_TITLE} 字）。")
    return title


def _check_unit(unit: Any) -> str:
    if unit is None:
        return ""
    if not isinstance(unit, str):
        raise InvalidValueError("单位名称应为文本。")
    return " ".join(unit.split())


def _check_year(year: Any) -> int | None:
    if year is None:
        return None
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidValueError(f"年度“{year}”无效，应为 {MIN_YEAR}–{MAX_YEAR} 之间的整数。")
    return year


def _check_path(path: Any) -> str:
    if not isinstance(path, str) or not path.strip():
        raise InvalidValueError(f"字段路径无效：{path!r}")
    if len(path) > 300 or any(ord(c) < 32 for c in path):
        raise InvalidValueError(f"字段路径无效：{path[:40]!r}")
    return path


def _check_value(path: str, value: Any) -> Any:
    problem = schema.json_problem(value, "值")
    if problem:
        raise InvalidValueError(f"字段“{path}”的答案无法保存：{problem}。")
    # Store plain JSON types only (tuples become lists) and never share the
    # caller's mutable objects.
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _read_only_message(locked_by: LockInfo | None, by_choice: bool, report_id: str = "") -> str:
    if by_choice:
        return "报告以只读方式打开，不能修改。"
    who = locked_by.describe() if locked_by else UNKNOWN_OWNER
    unlock = f"shuzhi unlock {report_id}" if report_id else "shuzhi unlock 报告编号"
    return (f"此报告正由另一个会话编辑（{who}），当前只能查看，不能修改。请在那个会话中修改，或关闭它后重新打开；"
            f"如确定那个会话已经结束（例如那台电脑或容器已重启），可运行 {unlock} 解除锁定。")


class ReportHandle:
    """An opened report. Writable when this session holds its lock.

    Every write method returns only once the change is on disk.
    """

    def __init__(
        self,
        store: "Store",
        report_id: str,
        data: dict,
        *,
        lock: ReportLock | None,
        readonly: bool,
        locked_by: LockInfo | None = None,
        took_over: LockInfo | None = None,
        by_choice: bool = False,
        migrated_from: int | None = None,
    ):
        self.store = store
        self.id = report_id
        self.path = store.report_path(report_id)
        self._lock = lock
        self.readonly = readonly
        self.locked_by = locked_by
        self.took_over = took_over
        self.migrated_from = migrated_from
        self._by_choice = by_choice
        self._mutex = threading.RLock()
        self._closed = False
        self._dirty_marked = False
        self._changed_since_backup = False
        self._last_backup = time.monotonic()
        self._storage = DurableJSONStorage(
            self.path,
            data=data,
            readonly=readonly,
            readonly_message=_read_only_message(locked_by, by_choice, report_id),
        )
        self._db = TinyDB(storage=lambda: self._storage)
        self._report = self._db.table("report", cache_size=0)
        self._answers = self._db.table("answers", cache_size=0)

    # -- reading -------------------------------------------------------------
    @property
    def meta(self) -> ReportMeta:
        return _meta_from_data(self._storage.data)

    @property
    def answers(self) -> dict[str, Any]:
        """Field path -> value (a copy). Drafts are not answers: see :attr:`drafts`."""
        with self._mutex:
            return {
                d["path"]: copy.deepcopy(d["value"])
                for d in self._storage.data["answers"].values()
                if d.get("draft") is None
            }

    @property
    def drafts(self) -> dict[str, Any]:
        """Field path -> what the user typed that did not validate (a copy).

        A draft is kept so that nothing typed is lost, but it is no answer:
        it has no value and is not in :attr:`answers`."""
        with self._mutex:
            return {
                d["path"]: copy.deepcopy(d["draft"])
                for d in self._storage.data["answers"].values()
                if d.get("draft") is not None
            }

    @property
    def field_meta(self) -> dict[str, dict[str, Any]]:
        """Field path -> {"updated": ISO time, "from_year": year or None}."""
        with self._mutex:
            return {
                d["path"]: {"updated": d["updated"], "from_year": d.get("from_year")}
                for d in self._storage.data["answers"].values()
            }

    @property
    def rollups(self) -> dict[str, dict[str, Any]]:
        """Field path -> the provenance of the last roll-up that wrote it (a
        copy; see ``store.schema``): total, time, every branch's value."""
        with self._mutex:
            table = self._storage.data.get(schema.ROLLUPS_TABLE) or {}
            return {d["path"]: copy.deepcopy(d) for d in table.values()}

    @property
    def last_item(self) -> str | None:
        """The checklist item the user last had on screen (None if never recorded)."""
        value = self._storage.data["report"]["1"].get("last_item")
        return value if isinstance(value, str) else None

    def get(self, path: str, default: Any = None) -> Any:
        with self._mutex:
            for d in self._storage.data["answers"].values():
                if d["path"] == path and d.get("draft") is None:
                    return copy.deepcopy(d["value"])
            return default

    def unconfirmed(self) -> dict[str, int]:
        """Field path -> the year its answer was copied from, for answers not yet confirmed."""
        return {p: m["from_year"] for p, m in self.field_meta.items() if m["from_year"] is not None}

    def orphans(self, known: Iterable[str] | Any) -> dict[str, Any]:
        """Answers whose field is not in ``known`` (a workflow, or its field
        paths): e.g. fields removed in a newer workflow version. They are kept
        in the file, never dropped."""
        fields = getattr(known, "fields", None)
        known = {f.path for f in fields()} if callable(fields) else set(known)
        return {p: v for p, v in self.answers.items() if p not in known}

    @property
    def notice(self) -> str | None:
        """A Chinese sentence for the user about how the report was opened, if noteworthy."""
        if self.readonly and not self._by_choice:
            return _read_only_message(self.locked_by, False, self.id)
        parts = []
        if self.took_over is not None:
            parts.append(f"上次编辑此报告的会话（{self.took_over.describe()}）已意外结束，已接管编辑。")
        if self.migrated_from is not None:
            parts.append(f"报告文件已从数据格式版本 {self.migrated_from} 升级（升级前的文件已备份，"
                         f"需要时可用 shuzhi backups {self.id} 查看、shuzhi restore {self.id} 编号 恢复）。")
        return "".join(parts) or None

    def reload(self) -> None:
        """Re-read the file (for read-only handles following another session)."""
        with self._mutex:
            if not self.readonly:
                return
            data = self.store._read_checked(self.id)
            self._storage = DurableJSONStorage(
                self.path, data=data, readonly=True, readonly_message=self._storage.readonly_message
            )
            self._db = TinyDB(storage=lambda: self._storage)
            self._report = self._db.table("report", cache_size=0)
            self._answers = self._db.table("answers", cache_size=0)

    # -- writing ----------------------------------------------------------------
    def _writable(self) -> None:
        if self._closed:
            raise StoreError("报告已关闭，不能再修改。")
        if self.readonly:
            raise ReadOnlyError(self._storage.readonly_message)

    @contextmanager
    def _write(self, touch: bool = True) -> Iterator[str]:
        """One durable write of everything done inside; yields the time stamp.

        ``touch`` (the default) records the time as the report's update
        time; a change of reading state only (the item last shown) does not
        count as an update of the report."""
        with self._mutex:
            self._writable()
            if not self._dirty_marked:
                # Before the first change: the index will lag until close.
                self.store._mark_dirty(self.id)
                self._dirty_marked = True
            now = _fs.iso()
            with self._storage.batch():
                yield now
                if touch:
                    self._report.update({"updated": now}, doc_ids=[1])
            self._after_commit()

    def _after_commit(self) -> None:
        self._changed_since_backup = True
        if time.monotonic() - self._last_backup >= BACKUP_INTERVAL:
            self._backup()

    def _backup(self) -> None:
        backups.make_backup(self.store.backups_dir, self.id, self._storage.raw)
        self._last_backup = time.monotonic()
        self._changed_since_backup = False

    def _put(self, path: str, value: Any, now: str, from_year: int | None = None, draft: Any = None) -> None:
        """Set one answer document as a whole (a value replaces a draft and
        the other way round)."""
        doc = {"path": path, "value": value, "updated": now, "from_year": from_year}
        if draft is not None:
            doc["value"] = None
            doc["draft"] = draft

        def replace_doc(current: Any) -> None:
            current.clear()
            current.update(doc)

        if not self._answers.update(replace_doc, _Q.path == path):
            self._answers.insert(doc)

    def _remove(self, path: str) -> None:
        self._answers.remove(_Q.path == path)

    def set_answer(self, path: str, value: Any) -> None:
        """Save one answer. Durable when it returns; drops a "from year" mark.

        ``None`` is stored as an explicit null (the user emptied the field, so
        its default no longer applies); :meth:`clear_answer` removes the answer.
        """
        path = _check_path(path)
        value = _check_value(path, value)
        with self._write() as now:
            self._put(path, value, now)

    def set_answers(
        self,
        answers: Mapping[str, Any],
        drafts: Mapping[str, Any] | None = None,
        *,
        last_item: str | None = None,
    ) -> None:
        """Save several answers in one write: all or nothing.

        ``drafts`` are saved as drafts (what the user typed that does not
        validate: kept, but no answer; None or "" drops nothing and is
        refused). ``last_item`` records the item last shown in the same write.
        """
        if not isinstance(answers, Mapping) or not isinstance(drafts or {}, Mapping):
            raise InvalidValueError("答案应为“字段路径: 值”的映射。")
        checked = {}
        for path, value in answers.items():
            path = _check_path(path)
            checked[path] = _check_value(path, value)
        kept = {}
        for path, raw in (drafts or {}).items():
            path = _check_path(path)
            if raw is None:
                raise InvalidValueError(f"字段“{path}”的草稿不能为空。")
            kept[path] = _check_value(path, raw)
        both = set(checked) & set(kept)
        if both:
            raise InvalidValueError(f"字段“{min(both)}”不能同时是答案和草稿。")
        if not checked and not kept:
            if last_item is not None:
                self.set_last_item(last_item)
            return
        with self._write() as now:
            for path, value in checked.items():
                self._put(path, value, now)
            for path, raw in kept.items():
                self._put(path, None, now, draft=raw)
            if last_item is not None:
                self._report.update({"last_item": _check_path(last_item)}, doc_ids=[1])

    def set_last_item(self, item_id: str) -> None:
        """Record the item the user last had on screen (not an update of the
        report: its update time stays)."""
        item_id = _check_path(item_id)
        with self._mutex:
            if self.last_item == item_id:
                return
            with self._write(touch=False):
                self._report.update({"last_item": item_id}, doc_ids=[1])

    def clear_answer(self, path: str) -> None:
        """Forget the answer to ``path`` entirely (its default applies again)."""
        path = _check_path(path)
        with self._mutex:
            if path not in self.field_meta:
                return
            with self._write():
                self._remove(path)

    def confirm(self, path: str) -> None:
        """The user accepts an answer copied from an earlier year: drop its "from year" mark."""
        path = _check_path(path)
        with self._mutex:
            current = self.field_meta.get(path)
            if current is None:
                raise InvalidValueError(f"字段“{path}”还没有答案，无需确认。")
            if current["from_year"] is None:
                return
            with self._write() as now:
                self._answers.update({"from_year": None, "updated": now}, _Q.path == path)

    def confirm_all(self, paths: Iterable[str] | None = None) -> int:
        """Confirm every copied answer (or those in ``paths``); returns how many."""
        with self._mutex:
            marked = self.unconfirmed()
            todo = [p for p in (marked if paths is None else paths) if p in marked]
            if not todo:
                return 0
            with self._write() as now:
                for p in todo:
                    self._answers.update({"from_year": None, "updated": now}, _Q.path == p)
            return len(todo)

    def update_meta(self, **changes: Any) -> ReportMeta:
        """Change ``title``, ``unit``, ``year`` and/or ``workflow_version``."""
        allowed = {"title", "unit", "year", "workflow_version"}
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidValueError(f"不能修改报告的“{'、'.join(sorted(unknown))}”。")
        fields: dict[str, Any] = {}
        if "title" in changes:
            fields["title"] = _check_title(changes["title"])
        if "unit" in changes:
            fields["unit"] = _check_unit(changes["unit"])
        if "year" in changes:
            fields["year"] = _check_year(changes["year"])
        if "workflow_version" in changes:
            v = changes["workflow_version"]
            if not isinstance(v, (int, str)) or isinstance(v, bool):
                raise InvalidValueError(f"工作流版本“{v}”无效。")
            fields["workflow_version"] = v
        with self._write():
            self._report.update(fields, doc_ids=[1])
        self._sync_index()
        return self.meta

    def _sync_index(self) -> bool:
        """Bring the index up to date; on failure the dirty marker stays and
        listings read this report's file instead (so nothing is wrong)."""
        try:
            self.store._index_put([self.meta])
        except (StoreError, OSError) as exc:
            self.store.notices.append(f"报告索引暂未更新（{exc}），不影响已保存的内容。")
            return False
        return True

    def _set_deleted(self, deleted: bool) -> None:
        with self._write() as now:
            self._report.update({"deleted": deleted, "deleted_at": now if deleted else None}, doc_ids=[1])
        self._sync_index()

    def replace_answers(self, answers: Mapping[str, Any], *, keep: Iterable[str] = ()) -> None:
        """Set ``answers`` in one write; other answers are cleared except those in ``keep``."""
        checked = {}
        for path, value in answers.items():
            path = _check_path(path)
            checked[path] = _check_value(path, value)
        keep = set(keep)
        with self._write() as now:
            for old in list(self.field_meta):  # drafts too
                if old not in checked and old not in keep:
                    self._remove(old)
            for path, value in checked.items():
                self._put(path, value, now)

    # -- answers files ----------------------------------------------------------
    def export_answers(self, workflow: Any, fmt: str = "yaml") -> str:
        """The answers as an answers file; drafts as comments (YAML) only."""
        from .answers_io import export_answers

        return export_answers(workflow, self.answers, fmt, self.drafts)

    def import_answers(self, text: str, fmt: str, workflow: Any, *, replace_all: bool = False) -> dict[str, Any]:
        """Validate an answers file against ``workflow`` and save it in one write.

        Nothing is saved if anything is wrong: raises AnswersImportError whose
        ``problems`` lists every problem with its field path. Returns the
        imported answers. With ``replace_all``, answers not in the file are
        cleared (except answers to fields the workflow no longer has).
        """
        from .answers_io import parse_answers

        self._writable()
        imported = parse_answers(workflow, text, fmt)
        if replace_all:
            from .answers_io import field_paths

            with self._mutex:
                self._backup()  # the state before the import can be restored
                known = field_paths(workflow)
                keep = set(self.orphans(known)) if known is not None else set()
                self.replace_answers(imported, keep=keep)
        else:
            self.save_import(imported)
        return imported

    def save_import(self, answers: Mapping[str, Any]) -> None:
        """Save validated imported answers in one write, after a backup of
        the state before (so that an import can be undone from the backups)."""
        self._writable()
        with self._mutex:
            self._backup()
            self.set_answers(answers)

    def save_rollup(self, answers: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]]) -> None:
        """Save the totals of a roll-up and their provenance in one write
        (all or nothing), after a backup of the state before (so that a
        roll-up can be undone from the backups). ``records`` (field path ->
        provenance) replace the records of those fields (an empty ``at`` is
        the time of this write); ``answers`` are
        saved as answers (a value replaces a draft; "from year" marks go)."""
        self._writable()
        checked = {}
        for path, value in answers.items():
            path = _check_path(path)
            checked[path] = _check_value(path, value)
        kept = {}
        for path, record in records.items():
            path = _check_path(path)
            doc = {**_check_value(path, dict(record)), "path": path}
            problems = schema.check_rollups({"1": doc})
            if problems:
                raise InvalidValueError(f"汇总记录无法保存：{problems[0]}。")
            kept[path] = doc
        with self._mutex:
            self._backup()
            table = self._db.table(schema.ROLLUPS_TABLE, cache_size=0)
            with self._write() as now:
                for path, value in checked.items():
                    self._put(path, value, now)
                for doc in kept.values():
                    doc["at"] = doc.get("at") or now
                if kept:
                    table.remove(_Q.path.one_of(list(kept)))
                    table.insert_multiple(kept.values())

    # -- life cycle ---------------------------------------------------------------
    def close(self) -> None:
        """Back up, update the index and release the lock. Safe to call twice."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            try:
                if not self.readonly:
                    if self._changed_since_backup:
                        try:
                            self._backup()
                        except OSError as exc:
                            self.store.notices.append(
                                f"关闭报告时未能写入备份（{exc.strerror or exc}），报告本身已保存。"
                            )
                    if self._dirty_marked and self._sync_index():
                        self.store._clear_dirty(self.id)
            finally:
                if self._lock is not None:
                    self._lock.release()
                self.store._forget(self)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "ReportHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "只读" if self.readonly else "可写"
        return f"<ReportHandle {self.id} {mode}>"


@dataclass
class _IndexCache:
    key: tuple | None = None
    entries: dict[str, dict] = field(default_factory=dict)
    _metas: dict[str, ReportMeta] | None = None

    def metas(self) -> dict[str, ReportMeta]:
        if self._metas is None:
            self._metas = {rid: ReportMeta.from_doc(doc) for rid, doc in self.entries.items()}
        return self._metas


class Store:
    """All reports in one data directory."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None):
        self.root = resolve_data_dir(data_dir)
        self.reports_dir = _fs.ensure_private_dir(self.root / "reports")
        self.backups_dir = _fs.ensure_private_dir(self.root / "backups")
        self.locks_dir = _fs.ensure_private_dir(self.root / "locks")
        self.damaged_dir = self.root / "damaged"
        self.index_path = self.root / "index.json"
        self._index_lock_path = self.locks_dir / "index.lock"
        # Chinese messages about repairs the store made on its own (show them).
        self.notices: list[str] = []
        self._cache = _IndexCache()
        self._handles: dict[str, weakref.ref[ReportHandle]] = {}
        self._mutex = threading.RLock()
        for folder in (self.root, self.reports_dir, self.locks_dir):
            _fs.cleanup_tmp_files(folder)
        self._read_index()

    # -- paths ------------------------------------------------------------------
    def report_path(self, report_id: str) -> Path:
        return self.reports_dir / f"{report_id}.json"

    def _check_id(self, report_id: Any) -> str:
        if not isinstance(report_id, str) or not _ID_RE.match(report_id):
            raise NotFound(f"报告编号“{report_id}”无效。")
        return report_id

    # -- index ------------------------------------------------------------------
    def _index_key(self) -> tuple | None:
        try:
            st = os.stat(self.index_path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)

    def _parse_index(self, raw: bytes) -> tuple[dict, int]:
        data, version = schema.parse(raw, schema.INDEX_FORMAT)
        data = schema.upgrade(data, schema.INDEX_FORMAT, version)
        problems = schema.check_index(data)
        if problems:
            raise schema.Damage("；".join(problems[:5]))
        return data, version

    def _read_index(self, *, under_lock: bool = False) -> dict[str, dict]:
        """Report id -> index entry. Repairs a damaged index by rebuilding it.

        ``under_lock``: the caller already holds the index lock."""
        with self._mutex:
            key = self._index_key()
            if key is not None and key == self._cache.key:
                return self._cache.entries
            if key is None:
                self._cache = _IndexCache(None, {})
                return self._cache.entries
            try:
                raw = self.index_path.read_bytes()
                data, version = self._parse_index(raw)
            except FileNotFoundError:
                self._cache = _IndexCache(None, {})
                return self._cache.entries
            except schema.Future as exc:
                raise FutureSchemaError(
                    f"报告索引“{self.index_path}”由更新版本的述职助手写入（数据格式版本 {exc.found}，"
                    f"本程序支持到 {schema.SCHEMA_VERSION}）。请升级述职助手；文件未作任何改动。",
                    path=self.index_path,
                    found=exc.found,
                    supported=schema.SCHEMA_VERSION,
                ) from None
            except schema.Damage as exc:
                return self._repair_index(exc.reason, under_lock=under_lock)
            if version < schema.SCHEMA_VERSION:
                with nullcontext() if under_lock else IndexLock(self._index_lock_path):
                    _fs.atomic_write(self.index_path, _fs.dumps(data))
                key = self._index_key()
            entries = {doc["id"]: doc for doc in data["reports"].values()}
            self._cache = _IndexCache(key, entries)
            return entries

    def _repair_index(self, reason: str, *, under_lock: bool = False) -> dict[str, dict]:
        with nullcontext() if under_lock else IndexLock(self._index_lock_path):
            # Another session may have repaired it meanwhile.
            try:
                data, _ = self._parse_index(self.index_path.read_bytes())
                entries = {doc["id"]: doc for doc in data["reports"].values()}
                self._cache = _IndexCache(self._index_key(), entries)
                return entries
            except (OSError, schema.Damage, schema.Future):
                pass
            moved = None
            if self.index_path.exists():
                moved = _fs.move_aside(self.index_path, self.damaged_dir, _fs.stamp())
            entries = self._scan_reports()
            self._write_index(entries)
        where = f"，已移到“{moved}”" if moved else ""
        self.notices.append(
            f"报告索引“{self.index_path}”已损坏（{reason}）{where}；已根据各报告文件重建索引，报告内容不受影响。"
        )
        return entries

    def _scan_reports(self) -> dict[str, dict]:
        entries = {}
        for rid in self._report_files():
            try:
                data, _ = self._load_report_data(rid)
            except (StoreError, OSError):
                continue  # reported when listed or opened
            entries[rid] = _meta_from_data(data).index_doc()
        return entries

    def _write_index(self, entries: Mapping[str, dict]) -> None:
        data = {
            "schema": schema.schema_doc(schema.INDEX_FORMAT),
            "reports": {str(i): doc for i, doc in enumerate(entries.values(), start=1)},
        }
        _fs.atomic_write(self.index_path, _fs.dumps(data))
        self._cache = _IndexCache(self._index_key(), dict(entries))

    def _index_put(self, metas: Iterable[ReportMeta] = (), removes: Iterable[str] = ()) -> None:
        """Insert/replace and remove index entries in one durable write."""
        metas = list(metas)
        removes = list(removes)
        if not metas and not removes:
            return
        with self._mutex, IndexLock(self._index_lock_path):
            # Re-read under the lock if another session wrote it since (the
            # stat key changes with every atomic replace).
            current = self._read_index(under_lock=True)
            data = {
                "schema": schema.schema_doc(schema.INDEX_FORMAT),
                "reports": {str(i): dict(doc) for i, doc in enumerate(current.values(), start=1)},
            }
            storage = DurableJSONStorage(self.index_path, data=data)
            table = TinyDB(storage=lambda: storage).table("reports", cache_size=0)
            with storage.batch():
                for meta in metas:
                    table.upsert(meta.index_doc(), _Q.id == meta.id)
                for rid in removes:
                    table.remove(_Q.id == rid)
            entries = {doc["id"]: doc for doc in storage.data["reports"].values()}
            self._cache = _IndexCache(self._index_key(), entries)

    def _index_put_quiet(self, metas: Iterable[ReportMeta]) -> None:
        """Index update after the report file is safely written: a failure here
        loses nothing (listings pick up report files missing from the index)."""
        try:
            self._index_put(metas)
        except (StoreError, OSError) as exc:
            self.notices.append(f"报告索引暂未更新（{exc}），不影响已保存的内容。")

    def rebuild_index(self) -> int:
        """Rebuild the index from the report files; returns the number of reports."""
        with self._mutex, IndexLock(self._index_lock_path):
            entries = self._scan_reports()
            self._write_index(entries)
        return len(entries)

    def _mark_dirty(self, report_id: str) -> None:
        path = self.locks_dir / f"{report_id}.dirty"
        if not path.exists():
            _fs.atomic_write(path, b"")

    def _clear_dirty(self, report_id: str) -> None:
        try:
            os.unlink(self.locks_dir / f"{report_id}.dirty")
        except FileNotFoundError:
            pass

    def _report_files(self) -> set[str]:
        try:
            names = os.listdir(self.reports_dir)
        except FileNotFoundError:
            return set()
        return {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".") and _ID_RE.match(n[:-5])}

    # -- reading report files ---------------------------------------------------------
    def _load_report_data(self, report_id: str) -> tuple[dict, int]:
        """Parse, migrate (in memory) and check a report file.

        Returns ``(data, version_found)``. Raises schema.Damage, schema.Future,
        FileNotFoundError.
        """
        raw = self.report_path(report_id).read_bytes()
        data, version = schema.parse(raw, schema.REPORT_FORMAT)
        data = schema.upgrade(data, schema.REPORT_FORMAT, version)
        problems = schema.check_report(data, report_id)
        if problems:
            shown = "；".join(problems[:5])
            more = f"等 {len(problems)} 处问题" if len(problems) > 5 else ""
            raise schema.Damage(f"内容不符合报告格式：{shown}{more}")
        return data, version

    def _future_error(self, path: Path, found: int) -> FutureSchemaError:
        return FutureSchemaError(
            f"报告文件“{path}”由更新版本的述职助手写入（数据格式版本 {found}，本程序支持到 "
            f"{schema.SCHEMA_VERSION}）。请升级述职助手后再打开；文件未作任何改动。",
            path=path,
            found=found,
            supported=schema.SCHEMA_VERSION,
        )

    def _latest_good_backup(self, report_id: str) -> tuple[BackupInfo, dict] | None:
        for info in backups.list_backups(self.backups_dir, report_id):
            try:
                data, _ = self._parse_backup(info, report_id)
            except (OSError, schema.Damage, schema.Future):
                continue
            return info, data
        return None

    def _parse_backup(self, info: BackupInfo, report_id: str) -> tuple[dict, int]:
        data, version = schema.parse(info.path.read_bytes(), schema.REPORT_FORMAT)
        data = schema.upgrade(data, schema.REPORT_FORMAT, version)
        problems = schema.check_report(data, report_id)
        if problems:
            raise schema.Damage("；".join(problems[:5]))
        return data, version

    def _damaged(self, report_id: str, reason: str, *, move: bool) -> DamagedFileError:
        path = self.report_path(report_id)
        moved = None
        if move and path.exists():
            moved = _fs.move_aside(path, self.damaged_dir, _fs.stamp())
        good = self._latest_good_backup(report_id)
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

    # -- listing and finding -------------------------------------------------------------
    def list_reports(self, include_deleted: bool = False) -> list[ReportMeta]:
        """All reports, most recently updated first. Reads the index, plus the
        files of the few reports being edited right now."""
        with self._mutex:
            self._read_index()
            cache = self._cache
        metas = dict(cache.metas())
        files = self._report_files()
        try:
            lock_names = os.listdir(self.locks_dir)
        except FileNotFoundError:
            lock_names = []
        owners = {n[: -len(".owner.json")] for n in lock_names if n.endswith(".owner.json")}
        dirty = {n[: -len(".dirty")] for n in lock_names if n.endswith(".dirty")}

        extra: dict[str, dict[str, Any]] = {}
        repairs: list[ReportMeta] = []
        clean: list[str] = []
        for rid in sorted((files - metas.keys()) | ((owners | dirty) & files)):
            try:
                data, _ = self._load_report_data(rid)
            except (OSError, schema.Damage, schema.Future) as exc:
                reason = getattr(exc, "reason", None) or (
                    f"由更新版本写入（数据格式版本 {exc.found}）" if isinstance(exc, schema.Future) else str(exc)
                )
                if rid not in metas:
                    metas[rid] = ReportMeta(
                        id=rid, workflow_id="?", workflow_version=0, title=f"（无法读取的报告 {rid}）",
                        unit="", year=None, created="", updated="",
                    )
                extra.setdefault(rid, {})["problem"] = f"文件无法读取：{reason}"
                continue
            meta = _meta_from_data(data)
            metas[rid] = meta
            live_owner = None
            if rid in owners and rid not in self._handles:
                stale, owner = probe_stale(self.locks_dir, rid)
                if not stale:
                    live_owner = owner or LockInfo(pid=0, host="?", started="")
                    extra.setdefault(rid, {})["locked_by"] = live_owner
            if live_owner is None:
                if rid not in self._handles:  # our own open sessions update it on close
                    repairs.append(meta)
                    if rid in dirty:
                        clean.append(rid)
        for rid in metas.keys() - files:
            hint = f"（可从备份恢复：shuzhi restore {rid}）" if backups.list_backups(self.backups_dir, rid) else "（没有备份）"
            extra.setdefault(rid, {})["problem"] = f"报告文件缺失{hint}"
        if repairs:
            try:
                self._index_put(repairs)
                for rid in clean:
                    self._clear_dirty(rid)
            except (StoreError, OSError):
                pass  # the listing is still right; the repair is retried next time

        for rid, changes in extra.items():
            metas[rid] = replace(metas[rid], **changes)
        result = [m for m in metas.values() if include_deleted or not m.deleted]
        result.sort(key=lambda m: (m.updated, m.created, m.id), reverse=True)
        return result

    def get_meta(self, report_id: str) -> ReportMeta:
        for meta in self.list_reports(include_deleted=True):
            if meta.id == report_id:
                return meta
        raise NotFound(f"没有编号为“{report_id}”的报告。")

    def find(self, query: str, *, include_deleted: bool = False) -> ReportMeta:
        """Resolve a report id, an unambiguous id prefix or an unambiguous title prefix."""
        q = (query or "").strip()
        if not q:
            raise NotFound("请给出报告编号或标题。")
        everything = self.list_reports(include_deleted=True)
        pool = everything if include_deleted else [m for m in everything if not m.deleted]

        def pick(matches: list[ReportMeta], what: str) -> ReportMeta | None:
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                listing = "\n".join(f"  {m.label()}" for m in matches[:20])
                more = f"\n  ……共 {len(matches)} 个" if len(matches) > 20 else ""
                raise Ambiguous(f"“{q}”匹配多个报告的{what}，请写得更完整：\n{listing}{more}", matches)
            return None

        ql = q.lower()
        found = (
            pick([m for m in pool if m.id == q], "编号")
            or pick([m for m in pool if m.id.lower().startswith(ql)], "编号")
            or pick([m for m in pool if m.title == q], "标题")
            or pick([m for m in pool if m.title.startswith(q)], "标题")
        )
        if found:
            return found
        if not include_deleted:
            binned = [m for m in everything if m.deleted and (m.id.lower().startswith(ql) or m.title.startswith(q))]
            if binned:
                names = "、".join(f"“{m.title}”（{m.id}）" for m in binned[:5])
                raise NotFound(f"“{q}”只匹配回收站中的报告：{names}。请先恢复。")
        raise NotFound(f"没有找到编号或标题以“{q}”开头的报告。")

    # -- creating -------------------------------------------------------------------------
    def _new_id(self) -> str:
        import secrets  # here, not at the top: only creating a report needs it (~6 ms to import)

        taken = set(self._read_index()) | self._report_files()
        while True:
            rid = secrets.token_hex(4)
            if rid not in taken:
                return rid

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
        if not isinstance(workflow_version, (int, str)) or isinstance(workflow_version, bool):
            raise InvalidValueError(f"工作流版本“{workflow_version}”无效。")
        title = _check_title(title)
        unit = _check_unit(unit)
        year = _check_year(year)
        now = _fs.iso()
        docs: dict[str, dict] = {}
        source_id = source_year = None
        if from_report is not None:
            src = self._read_for_copy(from_report)
            src_meta = src["report"]["1"]
            source_id = src_meta["id"]
            source_year = src_meta.get("year")
            if source_year is None and src_meta.get("created", "")[:4].isdigit():
                source_year = int(src_meta["created"][:4])
            skip = set(exclude_paths)
            for doc in src["answers"].values():
                if doc["path"] in skip or not _is_answered(doc["value"]):
                    continue
                mark = doc.get("from_year") if doc.get("from_year") is not None else source_year
                docs[doc["path"]] = {
                    "path": doc["path"], "value": copy.deepcopy(doc["value"]), "updated": now, "from_year": mark,
                }
        for path, value in (answers or {}).items():
            path = _check_path(path)
            value = _check_value(path, value)
            docs[path] = {"path": path, "value": value, "updated": now, "from_year": None}
        rid = self._new_id()
        meta = {
            "id": rid, "workflow_id": workflow_id.strip(), "workflow_version": workflow_version,
            "title": title, "unit": unit, "year": year, "created": now, "updated": now,
            "deleted": False, "deleted_at": None, "from_report": source_id, "from_year": source_year,
        }
        data = {
            "schema": schema.schema_doc(schema.REPORT_FORMAT),
            "report": {"1": meta},
            "answers": {str(i): d for i, d in enumerate(docs.values(), start=1)},
        }
        _fs.atomic_write(self.report_path(rid), _fs.dumps(data))
        result = _meta_from_data(data)
        self._index_put_quiet([result])
        return result

    def _read_checked(self, report_id: str) -> dict:
        """A report's committed content, with store errors (never moves anything)."""
        return self._read_for_copy(report_id)

    def _read_for_copy(self, report_id: str) -> dict:
        report_id = self._check_id(report_id)
        try:
            data, _ = self._load_report_data(report_id)
        except FileNotFoundError:
            raise NotFound(f"没有编号为“{report_id}”的报告。") from None
        except schema.Future as exc:
            raise self._future_error(self.report_path(report_id), exc.found) from None
        except schema.Damage as exc:
            raise self._damaged(report_id, exc.reason, move=False) from None
        except OSError as exc:
            raise StoreError(f"无法读取报告文件“{self.report_path(report_id)}”：{exc.strerror or exc}。") from None
        return data

    def duplicate(self, report_id: str, title: str | None = None) -> ReportMeta:
        """A copy of a report (answers and their marks as they are), under a new id."""
        src = self._read_for_copy(report_id)
        sm = src["report"]["1"]
        new_title = _check_title(title if title is not None else f"{sm['title']}（副本）"[:MAX_TITLE])
        now = _fs.iso()
        rid = self._new_id()
        meta = {**sm, "id": rid, "title": new_title, "created": now, "updated": now, "deleted": False, "deleted_at": None}
        data = {
            "schema": schema.schema_doc(schema.REPORT_FORMAT),
            "report": {"1": meta},
            "answers": {k: dict(v) for k, v in copy.deepcopy(src["answers"]).items()},
        }
        _fs.atomic_write(self.report_path(rid), _fs.dumps(data))
        result = _meta_from_data(data)
        self._index_put_quiet([result])
        return result

    # -- opening ------------------------------------------------------------------------------
    def open(self, report_id: str, *, readonly: bool = False, force: bool = False) -> ReportHandle:
        """Open a report. Takes its write lock unless ``readonly``; if another
        live session holds it, returns a read-only handle (``.readonly`` True,
        ``.locked_by`` says who, ``.notice`` says it in Chinese). A lock left by
        a dead process on this host is taken over (``.took_over``). ``force``
        also takes over a lock recorded by another host."""
        return self._open(report_id, readonly=readonly, force=force)

    def _open(self, report_id: str, *, readonly: bool, force: bool = False, allow_deleted: bool = False) -> ReportHandle:
        report_id = self._check_id(report_id)
        path = self.report_path(report_id)
        if not path.exists() and report_id not in self._read_index():
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
            try:
                raw = path.read_bytes()
                data, version = schema.parse(raw, schema.REPORT_FORMAT)
                data = schema.upgrade(data, schema.REPORT_FORMAT, version)
                problems = schema.check_report(data, report_id)
                if problems:
                    shown = "；".join(problems[:5])
                    raise schema.Damage(f"内容不符合报告格式：{shown}")
            except FileNotFoundError:
                raise self._damaged(report_id, "文件不存在", move=False) from None
            except schema.Future as exc:
                raise self._future_error(path, exc.found) from None
            except schema.Damage as exc:
                raise self._damaged(report_id, exc.reason, move=lock is not None) from None
            except OSError as exc:
                raise StoreError(f"无法读取报告文件“{path}”：{exc.strerror or exc}。") from None
            if data["report"]["1"].get("deleted") and not (allow_deleted or by_choice):
                raise DeletedError(f"报告“{data['report']['1']['title']}”（{report_id}）在回收站中，请先恢复。")
            migrated_from = None
            if lock is not None:
                _fs.cleanup_tmp_files(backups.backup_dir(self.backups_dir, report_id))
                latest = backups.latest_raw(self.backups_dir, report_id)
                if latest != raw:
                    backups.make_backup(self.backups_dir, report_id, raw)
                if version < schema.SCHEMA_VERSION:
                    _fs.atomic_write(path, _fs.dumps(data))
                    migrated_from = version
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
                self._mark_dirty(report_id)
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
            h._set_deleted(True)
            return h.meta

    def restore(self, report_id: str) -> ReportMeta:
        """Take a report out of the recycle bin."""
        with self._writer(report_id, allow_deleted=True) as h:
            if h.meta.deleted:
                h._set_deleted(False)
            return h.meta

    def purge(self, report_id: str) -> None:
        """Permanently remove a report that is in the recycle bin, with its backups."""
        with self._writer(report_id, allow_deleted=True) as h:
            if not h.meta.deleted:
                raise StoreError("只能永久删除回收站中的报告，请先删除。")
            os.unlink(h.path)
            _fs.fsync_dir(self.reports_dir)
            folder = backups.backup_dir(self.backups_dir, report_id)
            for b in backups.list_backups(self.backups_dir, report_id):
                b.path.unlink(missing_ok=True)
            try:
                folder.rmdir()
            except OSError:
                pass
            h._dirty_marked = False
            self._index_put(removes=[report_id])
            self._clear_dirty(report_id)

    # -- backups ----------------------------------------------------------------------------------
    def list_backups(self, report_id: str) -> list[BackupInfo]:
        """Backups of a report, newest first."""
        return backups.list_backups(self.backups_dir, self._check_id(report_id))

    def restore_backup(self, report_id: str, backup: BackupInfo | str | os.PathLike[str] | None = None) -> ReportMeta:
        """Put a backup (default: the most recent good one) back as the report file.

        The current file, if readable, is backed up first; if damaged it is
        moved aside. Needs the report's write lock.
        """
        report_id = self._check_id(report_id)
        if self._own_handle(report_id) is not None:
            raise LockedError("请先关闭正在编辑的这份报告，再从备份恢复。")
        lock = ReportLock(self.locks_dir, report_id)
        outcome = lock.try_acquire()
        if not outcome.acquired:
            who = outcome.holder.describe() if outcome.holder else UNKNOWN_OWNER
            raise LockedError(f"报告正由另一个会话编辑（{who}），不能从备份恢复。", outcome.holder)
        try:
            if backup is None:
                good = self._latest_good_backup(report_id)
                if good is None:
                    raise StoreError(f"报告 {report_id} 没有可用的备份。")
                info, data = good
            else:
                path = backup.path if isinstance(backup, BackupInfo) else Path(backup)
                info = next((b for b in self.list_backups(report_id) if b.path == path), None)
                if info is None:
                    raise StoreError(f"“{path}”不是报告 {report_id} 的备份。")
                try:
                    data, _ = self._parse_backup(info, report_id)
                except schema.Future as exc:
                    raise self._future_error(info.path, exc.found) from None
                except (schema.Damage, OSError) as exc:
                    reason = getattr(exc, "reason", None) or str(exc)
                    raise StoreError(f"备份“{info.path}”无法读取：{reason}。") from None
            path = self.report_path(report_id)
            if path.exists():
                try:
                    self._load_report_data(report_id)
                    backups.make_backup(self.backups_dir, report_id, path.read_bytes())
                except schema.Damage:
                    _fs.move_aside(path, self.damaged_dir, _fs.stamp())
                except schema.Future as exc:
                    raise self._future_error(path, exc.found) from None
            self._mark_dirty(report_id)
            _fs.atomic_write(path, _fs.dumps(data))
            meta = _meta_from_data(data)
            try:
                self._index_put([meta])
                self._clear_dirty(report_id)
            except (StoreError, OSError) as exc:
                self.notices.append(f"报告索引暂未更新（{exc}），不影响已恢复的内容。")
            return meta
        finally:
            lock.release()

    def inspect_backups(self, report_id: str) -> list[tuple[BackupInfo, int | None, str | None]]:
        """Backups of a report, newest first, each with its count of answered
        fields (None when it cannot be read) and the reason it cannot."""
        out: list[tuple[BackupInfo, int | None, str | None]] = []
        for info in self.list_backups(report_id):
            try:
                data, _ = self._parse_backup(info, report_id)
            except schema.Future as exc:
                out.append((info, None, f"由更新版本的 shuzhi 写入（数据格式 {exc.found}）"))
                continue
            except (OSError, schema.Damage) as exc:
                out.append((info, None, getattr(exc, "reason", None) or str(exc)))
                continue
            out.append((info, _count(data["answers"])[0], None))
        return out

    def unlock(self, report_id: str) -> LockInfo | None:
        """Remove a report's lock record that no live session here holds
        (``shuzhi unlock``). Returns the record removed, None if none."""
        report_id = self._check_id(report_id)
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

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.root}>"
