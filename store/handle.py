"""An opened report (:class:`ReportHandle`): its answers, drafts, roll-up
records and meta, and every change to them, each durable when it returns.

Writes go through TinyDB tables on a :class:`store.storage.DurableJSONStorage`
(one atomic, fsynced file replace per change, or per batch of changes);
reads are of the storage's committed state (see :mod:`store.storage` for
why not through the tables). Saving an answer rewrites only this report's
file (a few kB), so it costs the same with 1 or 1,000 reports stored; the
index is brought up to date when the handle closes (see :mod:`store.index`).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

from . import _fs, backups, schema
from .errors import InvalidValueError, ReadOnlyError, StoreError
from .locks import UNKNOWN_OWNER, LockInfo, ReportLock
from .model import (
    ReportMeta,
    check_answers,
    check_path,
    check_title,
    check_unit,
    check_value,
    check_workflow_version,
    check_year,
)
from .storage import DurableJSONStorage

if TYPE_CHECKING:  # pragma: no cover
    from .core import Store

# A new backup while saving at most this often (seconds).
BACKUP_INTERVAL = 300.0



def _q() -> Any:
    """``tinydb.Query()``, imported with the first write (reading a report needs no TinyDB)."""
    from tinydb import Query

    return Query()


def read_only_message(locked_by: LockInfo | None, by_choice: bool, report_id: str = "") -> str:
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
        store: Store,
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
        # What the listings show of this report (set by the session layer
        # before closing; see store.index): written with the index entry.
        self.index_state: dict | None = None
        self._attach(data, read_only_message(locked_by, by_choice, report_id))

    def _attach(self, data: dict, readonly_message: str) -> None:
        self._storage = DurableJSONStorage(
            self.path, data=data, readonly=self.readonly, readonly_message=readonly_message
        )
        self._tables: dict[str, Any] | None = None  # TinyDB's, made for the first write

    def _table(self, name: str) -> Any:
        if self._tables is None:
            from tinydb import TinyDB

            storage = self._storage
            db = TinyDB(storage=lambda: storage)
            self._tables = {n: db.table(n, cache_size=0)
                            for n in ("report", "answers", schema.ROLLUPS_TABLE, schema.HISTORY_TABLE)}
        return self._tables[name]

    @property
    def _report(self) -> Any:
        return self._table("report")

    @property
    def _answers(self) -> Any:
        return self._table("answers")

    @property
    def _rollups(self) -> Any:
        return self._table(schema.ROLLUPS_TABLE)

    @property
    def _history(self) -> Any:
        return self._table(schema.HISTORY_TABLE)

    # -- reading -------------------------------------------------------------
    def _docs(self) -> Iterable[dict]:
        """The committed answer documents (do not mutate)."""
        return self._storage.data["answers"].values()

    @property
    def meta(self) -> ReportMeta:
        return ReportMeta.from_data(self._storage.data)

    @property
    def answers(self) -> dict[str, Any]:
        """Field path -> value (a copy). Drafts are not answers: see :attr:`drafts`."""
        with self._mutex:
            return {d["path"]: copy.deepcopy(d["value"]) for d in self._docs() if d.get("draft") is None}

    @property
    def drafts(self) -> dict[str, Any]:
        """Field path -> what the user typed that did not validate (a copy).

        A draft is kept so that nothing typed is lost, but it is no answer:
        it has no value and is not in :attr:`answers`."""
        with self._mutex:
            return {d["path"]: copy.deepcopy(d["draft"]) for d in self._docs() if d.get("draft") is not None}

    @property
    def field_meta(self) -> dict[str, dict[str, Any]]:
        """Field path -> {"updated": ISO time, "from_year": year or None}."""
        with self._mutex:
            return {d["path"]: {"updated": d["updated"], "from_year": d.get("from_year")} for d in self._docs()}

    @property
    def rollups(self) -> dict[str, dict[str, Any]]:
        """Field path -> the provenance of the last roll-up that wrote it (a
        copy; see ``store.schema``): total, time, every branch's value."""
        with self._mutex:
            table = self._storage.data.get(schema.ROLLUPS_TABLE) or {}
            return {d["path"]: copy.deepcopy(d) for d in table.values()}

    @property
    def history(self) -> list[dict[str, Any]]:
        """The events kept on record, oldest first (a copy; see ``store.schema``)."""
        with self._mutex:
            table = self._storage.data.get(schema.HISTORY_TABLE) or {}
            return [copy.deepcopy(table[k]) for k in sorted(table, key=int)]

    @property
    def last_item(self) -> str | None:
        """The checklist item the user last had on screen (None if never recorded)."""
        value = self._storage.data["report"]["1"].get("last_item")
        return value if isinstance(value, str) else None

    def get(self, path: str, default: Any = None) -> Any:
        with self._mutex:
            for d in self._docs():
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
            return read_only_message(self.locked_by, False, self.id)
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
            self._attach(self.store.files.read(self.id).data, self._storage.readonly_message)

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
                self.store.index.mark_dirty(self.id)
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

        if not self._answers.update(replace_doc, _q().path == path):
            self._answers.insert(doc)

    def _remove(self, path: str) -> None:
        self._answers.remove(_q().path == path)

    def set_answer(self, path: str, value: Any) -> None:
        """Save one answer. Durable when it returns; drops a "from year" mark.

        ``None`` is stored as an explicit null (the user emptied the field, so
        its default no longer applies); :meth:`clear_answer` removes the answer.
        """
        path = check_path(path)
        value = check_value(path, value)
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
        checked = check_answers(answers)
        kept = {}
        for path, raw in (drafts or {}).items():
            path = check_path(path)
            if raw is None:
                raise InvalidValueError(f"字段“{path}”的草稿不能为空。")
            kept[path] = check_value(path, raw)
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
                self._report.update({"last_item": check_path(last_item)}, doc_ids=[1])

    def set_last_item(self, item_id: str) -> None:
        """Record the item the user last had on screen (not an update of the
        report: its update time stays)."""
        item_id = check_path(item_id)
        with self._mutex:
            if self.last_item == item_id:
                return
            with self._write(touch=False):
                self._report.update({"last_item": item_id}, doc_ids=[1])

    def clear_answer(self, path: str) -> None:
        """Forget the answer to ``path`` entirely (its default applies again)."""
        path = check_path(path)
        with self._mutex:
            if path not in self.field_meta:
                return
            with self._write():
                self._remove(path)

    def confirm(self, path: str) -> None:
        """The user accepts an answer copied from an earlier year: drop its "from year" mark."""
        path = check_path(path)
        with self._mutex:
            current = self.field_meta.get(path)
            if current is None:
                raise InvalidValueError(f"字段“{path}”还没有答案，无需确认。")
            if current["from_year"] is None:
                return
            with self._write() as now:
                self._answers.update({"from_year": None, "updated": now}, _q().path == path)

    def confirm_all(self, paths: Iterable[str] | None = None) -> int:
        """Confirm every copied answer (or those in ``paths``); returns how many."""
        with self._mutex:
            marked = self.unconfirmed()
            todo = [p for p in (marked if paths is None else paths) if p in marked]
            if not todo:
                return 0
            with self._write() as now:
                for p in todo:
                    self._answers.update({"from_year": None, "updated": now}, _q().path == p)
            return len(todo)

    def update_meta(self, **changes: Any) -> ReportMeta:
        """Change ``title``, ``unit``, ``year`` and/or ``workflow_version``."""
        checks = {"title": check_title, "unit": check_unit, "year": check_year,
                  "workflow_version": check_workflow_version}
        unknown = set(changes) - set(checks)
        if unknown:
            raise InvalidValueError(f"不能修改报告的“{'、'.join(sorted(unknown))}”。")
        fields = {key: checks[key](value) for key, value in changes.items()}
        with self._write():
            self._report.update(fields, doc_ids=[1])
        self._sync_index()
        return self.meta

    def _sync_index(self) -> bool:
        """Bring the index up to date; on failure the dirty marker stays and
        listings read this report's file instead (so nothing is wrong)."""
        states = {self.id: self.index_state} if self.index_state is not None else None
        return self.store.index.put_quiet([self.meta], states=states)

    def set_deleted(self, deleted: bool) -> None:
        """Move the report to the recycle bin, or take it out."""
        with self._write() as now:
            self._report.update({"deleted": deleted, "deleted_at": now if deleted else None}, doc_ids=[1])
        self._sync_index()

    def replace_answers(self, answers: Mapping[str, Any], *, keep: Iterable[str] = ()) -> None:
        """Set ``answers`` in one write; other answers are cleared except those in ``keep``."""
        checked = check_answers(answers)
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
        checked = check_answers(answers)
        kept = {}
        for path, record in records.items():
            path = check_path(path)
            doc = {**check_value(path, dict(record)), "path": path}
            problems = schema.check_rollups({"1": doc})
            if problems:
                raise InvalidValueError(f"汇总记录无法保存：{problems[0]}。")
            kept[path] = doc
        with self._mutex:
            self._backup()
            with self._write() as now:
                for path, value in checked.items():
                    self._put(path, value, now)
                for doc in kept.values():
                    doc["at"] = doc.get("at") or now
                if kept:
                    self._rollups.remove(_q().path.one_of(list(kept)))
                    self._rollups.insert_multiple(kept.values())

    def add_history(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Keep ``records`` on record (event, item, path, source, kind), in
        one durable write, stamped with its time."""
        self._writable()
        docs = [{"kind": None, **dict(record), "at": ""} for record in records]
        problems = schema.check_history({str(n): d for n, d in enumerate(docs, 1)})
        if problems:
            raise InvalidValueError(f"修改记录无法保存：{problems[0]}。")
        if not docs:
            return
        with self._mutex:
            with self._write() as now:
                for doc in docs:
                    doc["at"] = now
                self._history.insert_multiple(docs)

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
                        self.store.index.clear_dirty(self.id)
                    elif not self._dirty_marked and self.index_state is not None:
                        self._put_state()
            finally:
                if self._lock is not None:
                    self._lock.release()
                self.store._forget(self)

    def _put_state(self) -> None:
        """Record :attr:`index_state` when the index holds another (the
        report itself unchanged); a failure only means it is recomputed."""
        if self.store.index.states().get(self.id) == self.index_state:
            return
        try:
            self.store.index.put_states({self.id: self.index_state or {}})
        except (StoreError, OSError):
            pass

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "只读" if self.readonly else "可写"
        return f"<ReportHandle {self.id} {mode}>"
