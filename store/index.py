"""The index of reports (``index.json``): listing, finding, and keeping it
current.

The index is a cache of the report files: one entry per report with its
meta and counts, so that a listing of 1,000 reports reads one file. It is
rewritten only when a report is created, renamed, deleted, restored or
closed; while a session edits a report, ``locks/<id>.dirty`` tells listings
to read that one report's file for its current progress, so listings are
always current, and a session killed mid-way is repaired at the next listing
or opening. A damaged index is moved aside and rebuilt from the report files.

Layout: :func:`store._fs.dumps` writes one entry per line, and the index
keeps its entries sorted newest first (:func:`_arranged`). So a lookup of
one report (an id or title prefix, :meth:`ReportIndex.lookup`) and the first
page of a listing (:meth:`ReportIndex.list_reports` with ``limit``) parse
only the lines they need, not the whole file (at 10,000 reports the file is
3.7 MB: parsing and checking it all took 175 ms). A file not in this layout
(written by hand, or by an older version) is read whole, as before.

Listings without listing the folder: a listing also has to notice report
files the index does not know (a create killed between the report file and
the index, a file copied in by hand) and entries whose file is gone, which
took a listing of the reports folder and every id of the index (at 10,000
reports ≈ 25 ms of a 35 ms listing). ``index.seen`` records one such
verification: the index file's identity (inode, times, size) and the
reports folder's (inode, modification and change times) at which the ids
of the one were exactly the report files of the other, with the number of
entries and of deleted ones. While both identities are unchanged, a
listing trusts it and lists neither; any file created, removed or renamed
in the folder (every save of a report is a rename there) changes the
folder's times (the change time cannot be set back by hand), and every
write of the index its identity, so the next listing verifies again and
records anew. A verification is recorded only when the folder's stat was
the same before and after it was listed, its last change is more than
:data:`SEEN_QUIET_NS` older than the listing (a file system's clock ticks
coarsely: a change in the same tick as the one before would not move the
time) and no temporary file is in it. A write of the index that neither
adds nor removes an id (report states) carries a record that held before
it over to the new file, while the folder is still as recorded. The record
is a cache, not fsynced: missing, damaged or stale, it only costs one
listing of the folder.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import time
from collections.abc import Collection, Iterable, Mapping, MutableMapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from workflows.fileio import write_atomic

from . import _fs, schema, storage
from .errors import Ambiguous, NotFound, StoreError
from .files import ReportFiles, future_error, unreadable_reason
from .locks import IndexLock, LockInfo, probe_stale
from .model import ReportMeta


@dataclass
class _IndexCache:
    """The entries of the index file as last read or written, keyed by the
    file's identity (inode, times, size: every atomic replace changes it),
    so that a listing re-reads the file only when some session wrote it."""

    key: tuple | None = None
    entries: dict[str, dict] = field(default_factory=dict)
    _metas: dict[str, ReportMeta] | None = None

    def metas(self) -> dict[str, ReportMeta]:
        if self._metas is None:
            self._metas = {rid: ReportMeta.from_doc(doc) for rid, doc in self.entries.items()}
        return self._metas


ORDER = "newest-first"

PAGE_BYTES_PER_ENTRY = 1024  # read for each entry of a page (an entry is ≈ 400 bytes)
PAGE_READ_MIN = 8192

SEEN_NAME = "index.seen"
SEEN_VERSION = 1
# How long the reports folder must have been unchanged when it is listed for
# the listing to be recorded (mtime granularity: 1-2 s on some file systems).
SEEN_QUIET_NS = 2_000_000_000


def _order(doc: Mapping[str, Any]) -> tuple:
    """Listings' order (reversed): last updated, then created, then id."""
    return (str(doc.get("updated", "")), str(doc.get("created", "")), str(doc.get("id", "")))


def _index_data(entries: Iterable[Mapping[str, Any]]) -> dict:
    ordered = sorted(entries, key=_order, reverse=True)
    envelope = schema.schema_doc(schema.INDEX_FORMAT)
    # Says the entries are sorted (older versions wrote them unsorted, without it).
    envelope["1"]["order"] = ORDER
    return {
        "schema": envelope,
        "reports": {str(i): dict(doc) for i, doc in enumerate(ordered, start=1)},
    }


def _arranged(data: dict) -> dict:
    """The index's content with its entries renumbered newest first."""
    return {**data, **_index_data(data.get("reports", {}).values())}


_ID_AT = re.compile(rb'\{"id": "([A-Za-z0-9_-]+)", ')
_TAIL = b"\n }\n}\n"


@functools.cache
def _head(version: int) -> bytes:
    """How an index file in the store's layout starts, up to its first entry
    (``version``: the current schema version, which the bytes hold)."""
    raw = _fs.dumps(_index_data([{"id": "x"}]))
    return raw[: raw.index(b'"reports": {\n') + len(b'"reports": {\n')]


class ReportIndex:
    """The index of the reports in ``files``; repairs it when it is read.

    ``notices`` collects Chinese messages about repairs made on its own."""

    def __init__(self, files: ReportFiles, notices: list[str]):
        self.files = files
        self.path = files.root / "index.json"
        self._lock_path = files.locks_dir / "index.lock"
        self.notices = notices
        self._cache = _IndexCache()
        self._mutex = threading.RLock()
        # Reports the last listing read from their files (being edited, or
        # the index lags): their states in the index may be stale.
        self.read_from_files: set[str] = set()
        # The number of reports the last paged listing stood for (all pages).
        self.last_total = 0
        self._raw_cache: tuple[tuple | None, bytes | None] = (None, None)
        # The entries the last page or lookup parsed, with the file's key.
        self._seen: tuple[tuple | None, dict[str, dict]] = (None, {})
        if not self._current_head():
            # Not in the store's layout, an older format, damaged or missing:
            # read it whole now (migrate, refuse a newer one, repair).
            self.entries()

    # -- reading ----------------------------------------------------------------
    def _key(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)

    def _lock(self, held: bool) -> IndexLock | nullcontext[None]:
        return nullcontext() if held else IndexLock(self._lock_path)

    def entries(self, *, under_lock: bool = False) -> dict[str, dict]:
        """Report id -> index entry. Repairs a damaged index by rebuilding it.

        ``under_lock``: the caller already holds the index lock."""
        with self._mutex:
            key = self._key()
            if key is not None and key == self._cache.key:
                return self._cache.entries
            try:
                loaded = storage.load(self.path, schema.INDEX_FORMAT)
            except FileNotFoundError:
                self._cache = _IndexCache(None, {})
                return self._cache.entries
            except schema.Future as exc:
                raise future_error(self.path, exc.found, "报告索引", "") from None
            except schema.Damage as exc:
                return self._repair(exc.reason, under_lock=under_lock)
            if loaded.version < schema.SCHEMA_VERSION:
                with self._lock(under_lock):
                    write_atomic(self.path, _fs.dumps(loaded.data))
                key = self._key()
            entries = {doc["id"]: doc for doc in loaded.data["reports"].values()}
            self._cache = _IndexCache(key, entries)
            return entries

    def _current_head(self) -> bool:
        """The index file starts as the store writes it, in the current
        schema version (its first bytes only: opening a store of 10,000
        reports to check one of them reads nothing else of the index)."""
        head = _head(schema.SCHEMA_VERSION)
        try:
            with open(self.path, "rb") as f:
                return f.read(len(head)) == head
        except OSError:
            return False

    def _layout(self) -> bytes | None:
        """The index file's bytes when it is in the store's layout (current
        schema, one entry per line, newest first; see the module docstring),
        else None. Checks the envelope's head and tail, parses no entry."""
        with self._mutex:
            key = self._key()
            if key is None:
                return None
            if self._raw_cache[0] == key:
                return self._raw_cache[1]
            try:
                raw = self.path.read_bytes()
            except OSError:
                return None
            # The head names the current version and the order (only this
            # store's writer puts it there); the tail shows the file is whole.
            ok = raw.startswith(_head(schema.SCHEMA_VERSION)) and raw.endswith(_TAIL)
            self._raw_cache = (key, raw if ok else None)
            return self._raw_cache[1]

    @staticmethod
    def _line_doc(raw: bytes, pos: int) -> dict | None:
        """The index entry on the line holding byte ``pos`` (checked), None if unusable."""
        start = raw.rfind(b"\n", 0, pos) + 1
        end = raw.find(b"\n", pos)
        line = raw[start:end].rstrip(b",")
        try:
            parsed = json.loads(b"{" + line + b"}")
        except ValueError:
            return None
        if not isinstance(parsed, dict) or len(parsed) != 1:
            return None
        doc = next(iter(parsed.values()))
        if not isinstance(doc, dict) or schema.check_index({"reports": {"1": doc}}):
            return None
        return doc

    def lookup(self, query: str) -> list[ReportMeta] | None:
        """The entries whose id starts with ``query`` (in any case) or whose
        title starts with it, read from their lines only; a report being
        edited or ahead of the index is read from its file. None when the
        file is not in the store's layout (use the full listing)."""
        raw = self._layout()
        if raw is None:
            return None
        q = query.strip()
        title = _fs.dumps(q)[1:-2]  # the JSON string's inside, as the file has it
        patterns = [
            re.compile(re.escape(b'{"id": "') + re.escape(q.encode("utf-8", "surrogatepass")), re.IGNORECASE),
            re.compile(re.escape(b', "title": "' + title)),
        ]
        found: dict[str, ReportMeta] = {}
        for pattern in patterns:
            for match in pattern.finditer(raw):
                doc = self._line_doc(raw, match.start())
                if doc is None:
                    return None
                found[doc["id"]] = ReportMeta.from_doc(doc)
        for rid in list(found):
            if self._being_changed(rid):
                try:
                    found[rid] = ReportMeta.from_data(self.files.load(rid).data)
                except (OSError, schema.Damage, schema.Future):
                    pass  # the full listing names the problem
        return list(found.values())

    def _being_changed(self, report_id: str) -> bool:
        locks = self.files.locks_dir
        return (locks / f"{report_id}.dirty").exists() or (locks / f"{report_id}.owner.json").exists()

    def _start(self, size: int) -> tuple[tuple, bytes] | None:
        """The index file's identity and its first ``size`` bytes, cut after
        the last whole line, when it is in the store's layout (head and tail
        checked); the whole file when it is no longer. None otherwise."""
        head = _head(schema.SCHEMA_VERSION)
        try:
            with open(self.path, "rb") as f:
                st = os.fstat(f.fileno())
                start = f.read(size)
                if len(start) < st.st_size:
                    f.seek(-len(_TAIL), os.SEEK_END)
                    tail = f.read()
                    start = start[: start.rfind(b"\n") + 1]
                else:
                    tail = start
        except OSError:
            return None
        if not (start.startswith(head) and tail.endswith(_TAIL)):
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size), start

    def _page(self, limit: int, include_deleted: bool) -> tuple[dict[str, ReportMeta], bytes | None, tuple] | None:
        """The first entries of the index (newest first) until ``limit`` are
        listed, the file's bytes when they were all read (see :meth:`_ids_of`)
        and the identity of the file they come from; None when the file is
        not in the store's layout. Reads only the start of the file when the
        page is there (≈ 400 bytes an entry; the whole file is 3.7 MB at
        10,000 reports)."""
        start = self._start(PAGE_BYTES_PER_ENTRY * limit + PAGE_READ_MIN)
        while True:
            if start is None:
                raw = self._layout()
                if raw is None:
                    return None
                key, whole = self._raw_cache[0], True
                if key is None:
                    return None
            else:
                key, raw = start
                whole = key[3] == len(raw)
            page: dict[str, ReportMeta] = {}
            seen: dict[str, dict] = {}
            shown = 0
            for match in _ID_AT.finditer(raw):
                if shown >= limit:
                    break
                doc = self._line_doc(raw, match.start())
                if doc is None:
                    return None
                seen[doc["id"]] = doc
                meta = page[doc["id"]] = ReportMeta.from_doc(doc)
                shown += include_deleted or not meta.deleted
            if shown >= limit or whole:
                self._seen = (key, seen)
                return page, raw if whole else None, key
            start = None  # the page goes on past the bytes read: read it all

    @staticmethod
    def _ids_of(raw: bytes) -> tuple[set[str], int]:
        """Every id an index file in the store's layout holds, and the number of deleted entries."""
        return {m.decode("ascii") for m in _ID_AT.findall(raw)}, raw.count(b', "deleted": true, ')

    # -- the record of the last verified listing (index.seen) ----------------------
    def _folder_key(self) -> tuple | None:
        try:
            st = os.stat(self.files.reports_dir)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)

    def _verified(self, index_key: tuple | None) -> tuple[int, int] | None:
        """(entries, deleted entries) when ``index.seen`` holds for the index
        at ``index_key`` and the reports folder as it is now: its ids are
        exactly the report files. None when it does not (or is unreadable)."""
        if index_key is None:
            return None
        try:
            record = json.loads((self.files.root / SEEN_NAME).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("v") != SEEN_VERSION:
            return None
        entries, deleted = record.get("entries"), record.get("deleted")
        if not (type(entries) is int and type(deleted) is int and 0 <= deleted <= entries):
            return None
        if record.get("index") != list(index_key) or record.get("folder") != list(self._folder_key() or ()):
            return None
        return entries, deleted

    def _record_verified(self, index_key: tuple | None, folder: tuple | None, started_ns: int,
                         entries: int, deleted: int) -> None:
        """Record that the index at ``index_key`` holds exactly the report
        files of the folder at ``folder`` (its stat before and after it was
        listed, from ``started_ns`` on): only when the folder had been quiet
        for :data:`SEEN_QUIET_NS` before. Never fails: a cache."""
        if index_key is None or folder is None or folder[1] >= started_ns - SEEN_QUIET_NS:
            return
        self._write_record(index_key, folder, entries, deleted)

    def _write_record(self, index_key: tuple, folder: tuple, entries: int, deleted: int) -> None:
        record = {"v": SEEN_VERSION, "index": list(index_key), "folder": list(folder),
                  "entries": entries, "deleted": deleted}
        try:
            write_atomic(self.files.root / SEEN_NAME, json.dumps(record).encode("ascii"), durable=False)
        except OSError:
            pass

    def metas(self) -> dict[str, ReportMeta]:
        """Report id -> meta, as the index has them (a copy)."""
        with self._mutex:
            self.entries()
            return dict(self._cache.metas())

    def _repair(self, reason: str, *, under_lock: bool = False) -> dict[str, dict]:
        with self._lock(under_lock):
            # Another session may have repaired it meanwhile.
            try:
                loaded = storage.load(self.path, schema.INDEX_FORMAT)
                entries = {doc["id"]: doc for doc in loaded.data["reports"].values()}
                self._cache = _IndexCache(self._key(), entries)
                return entries
            except (OSError, schema.Damage, schema.Future):
                pass
            moved = None
            if self.path.exists():
                moved = _fs.move_aside(self.path, self.files.damaged_dir, _fs.stamp())
            entries = self._scan()
            self._write(entries)
        where = f"，已移到“{moved}”" if moved else ""
        self.notices.append(
            f"报告索引“{self.path}”已损坏（{reason}）{where}；已根据各报告文件重建索引，报告内容不受影响。"
        )
        return entries

    def _scan(self) -> dict[str, dict]:
        entries = {}
        for rid in self.files.ids():
            try:
                loaded = self.files.load(rid)
            except (StoreError, OSError, schema.Damage, schema.Future):
                continue  # reported when listed or opened
            entries[rid] = ReportMeta.from_data(loaded.data).index_doc()
        return entries

    # -- writing ----------------------------------------------------------------
    def _write(self, entries: Mapping[str, dict]) -> None:
        write_atomic(self.path, _fs.dumps(_index_data(entries.values())))
        self._cache = _IndexCache(self._key(), dict(entries))

    def states(self, ids: Collection[str] | None = None) -> dict[str, dict]:
        """Report id -> the ``state`` its index entry holds (entries without
        one left out), of ``ids`` (default: all). The entries of the last
        page or lookup are reused while the file is unchanged."""
        wanted = None if ids is None else set(ids)
        with self._mutex:
            seen_key, seen = self._seen
            if wanted is not None and seen_key is not None and seen_key == self._key() and wanted <= seen.keys():
                docs: Mapping[str, dict] = {rid: seen[rid] for rid in wanted}
            else:
                docs = self.entries()
            return {rid: doc["state"] for rid, doc in docs.items()
                    if isinstance(doc.get("state"), dict) and (wanted is None or rid in wanted)}

    def put_states(self, states: Mapping[str, dict]) -> None:
        """Record the ``state`` of reports already in the index (one durable
        write; ids the index does not hold are skipped)."""
        self.put(states=states)

    def put(self, metas: Iterable[ReportMeta] = (), removes: Iterable[str] = (),
            states: Mapping[str, dict] | None = None) -> None:
        """Insert/replace and remove index entries, and record ``states``
        (report id -> state), in one durable write."""
        metas = list(metas)
        removes = list(removes)
        states = dict(states or {})
        if not metas and not removes and not states:
            return
        from tinydb import Query, TinyDB  # here: only writing the index needs TinyDB
        from tinydb.operations import delete

        _Q = Query()
        with self._mutex, IndexLock(self._lock_path):
            # Re-read under the lock if another session wrote it since (the
            # stat key changes with every atomic replace).
            current = self.entries(under_lock=True)
            # A record of the index before this write that still holds (the
            # folder unchanged) holds after it too when no id comes or goes.
            held = self._verified(self._cache.key) is not None
            folder = self._folder_key()
            store = storage.DurableJSONStorage(self.path, data=_index_data(current.values()), arrange=_arranged)
            table = TinyDB(storage=lambda: store).table("reports", cache_size=0)
            with store.batch():
                for meta in metas:
                    table.upsert(meta.index_doc(), _Q.id == meta.id)
                    if meta.id not in states:  # the report changed: its state is stale
                        table.update(delete("state"), (_Q.id == meta.id) & _Q.state.exists())
                for rid in removes:
                    table.remove(_Q.id == rid)
                if states:  # one pass over the entries, however many states
                    def set_state(doc: MutableMapping) -> None:
                        doc["state"] = dict(states[doc["id"]])

                    table.update(set_state, _Q.id.one_of([rid for rid in states if rid not in removes]))
            entries = {doc["id"]: doc for doc in store.data["reports"].values()}
            self._cache = _IndexCache(self._key(), entries)
            if held and folder is not None and entries.keys() == current.keys() and self._cache.key is not None:
                if self._folder_key() == folder:
                    deleted = sum(doc.get("deleted") is True for doc in entries.values())
                    self._write_record(self._cache.key, folder, len(entries), deleted)

    def put_quiet(self, metas: Iterable[ReportMeta], what: str = "已保存的内容",
                  states: Mapping[str, dict] | None = None) -> bool:
        """:meth:`put` after the report file is safely written: a failure here
        loses nothing (the dirty marker stays, and listings pick up report
        files the index lags behind), so it is a notice, not an error."""
        try:
            self.put(metas, states=states)
        except (StoreError, OSError) as exc:
            self.notices.append(f"报告索引暂未更新（{exc}），不影响{what}。")
            return False
        return True

    def rebuild(self) -> int:
        """Rebuild the index from the report files; returns the number of reports."""
        with self._mutex, IndexLock(self._lock_path):
            entries = self._scan()
            self._write(entries)
        return len(entries)

    def mark_dirty(self, report_id: str) -> None:
        """The index lags behind this report's file from now on."""
        path = self.files.locks_dir / f"{report_id}.dirty"
        if not path.exists():
            write_atomic(path, b"")

    def clear_dirty(self, report_id: str) -> None:
        try:
            os.unlink(self.files.locks_dir / f"{report_id}.dirty")
        except FileNotFoundError:
            pass

    # -- listing and finding ------------------------------------------------------
    def list_reports(self, include_deleted: bool = False, *, open_here: Collection[str] = (),
                     limit: int | None = None) -> list[ReportMeta]:
        """All reports (the first ``limit`` only, when given), most recently
        updated first. Reads the index (with ``limit``, only the lines of
        that page), plus the files of the few reports being edited right now
        (``open_here``: the ones this process edits, which update the index
        when closed). :attr:`last_total` is the number of reports in all."""
        page = self._page(limit, include_deleted) if limit is not None else None
        raw = None
        if page is None:
            with self._mutex:
                metas = self.metas()
                index_key = self._cache.key
        else:
            metas, raw, index_key = page
        verified = self._verified(index_key)
        try:
            lock_names = os.listdir(self.files.locks_dir)
        except FileNotFoundError:
            lock_names = []
        owners = {n[: -len(".owner.json")] for n in lock_names if n.endswith(".owner.json")}
        dirty = {n[: -len(".dirty")] for n in lock_names if n.endswith(".dirty")}
        if verified is not None:
            # The files are the index's ids (index.seen): neither is listed.
            known: Collection[str] = set()
            files = {rid for rid in owners | dirty if self.files.path(rid).exists()}
            binned = verified[1]
        else:
            binned = None
            if page is None:
                known = metas.keys()
            else:
                if raw is None:  # the page was read from the start of the file
                    raw = self._layout()
                    if raw is None or self._raw_cache[0] != index_key:  # rewritten meanwhile
                        result = self.list_reports(include_deleted, open_here=open_here)
                        return result[:limit]
                known, binned = self._ids_of(raw)
            started = time.time_ns()
            folder = self._folder_key()
            files, quiet = self.files.ids_and_quiet()
            if folder != self._folder_key():
                folder = None  # changed while listed: verified again next time
            if quiet and files == set(known):
                deleted = binned if binned is not None else sum(bool(m.deleted) for m in metas.values())
                self._record_verified(index_key, folder, started, len(files), deleted)

        extra: dict[str, dict[str, Any]] = {}
        repairs: list[ReportMeta] = []
        self.read_from_files = set()
        clean: list[str] = []
        for rid in sorted((files - set(known)) | ((owners | dirty) & files)):
            try:
                loaded = self.files.load(rid)
            except (OSError, schema.Damage, schema.Future) as exc:
                metas.setdefault(rid, ReportMeta.unreadable(rid))
                extra.setdefault(rid, {})["problem"] = f"文件无法读取：{unreadable_reason(exc)}"
                continue
            meta = ReportMeta.from_data(loaded.data)
            metas[rid] = meta
            self.read_from_files.add(rid)
            if rid in open_here:
                continue  # our own open sessions update the index on close
            live_owner = None
            if rid in owners:
                stale, owner = probe_stale(self.files.locks_dir, rid)
                if not stale:
                    live_owner = owner or LockInfo(pid=0, host="?", started="")
                    extra.setdefault(rid, {})["locked_by"] = live_owner
            if live_owner is None:
                repairs.append(meta)
                if rid in dirty:
                    clean.append(rid)
        for rid in metas.keys() - files if verified is None else ():
            hint = f"（可从备份恢复：shuzhi restore {rid}）" if self.files.list_backups(rid) else "（没有备份）"
            extra.setdefault(rid, {})["problem"] = f"报告文件缺失{hint}"
        if repairs:
            try:
                self.put(repairs)
                for rid in clean:
                    self.clear_dirty(rid)
            except (StoreError, OSError):
                pass  # the listing is still right; the repair is retried next time

        for rid, changes in extra.items():
            metas[rid] = replace(metas[rid], **changes)
        result = [m for m in metas.values() if include_deleted or not m.deleted]
        result.sort(key=lambda m: (m.updated, m.created, m.id), reverse=True)
        if page is None:
            self.last_total = len(result)
        elif verified is not None:
            self.last_total = verified[0] if include_deleted else verified[0] - verified[1]
        else:
            everything = len(set(known) | files)
            self.last_total = everything if include_deleted else everything - (binned or 0)
        return result if limit is None else result[:limit]

    @staticmethod
    def find(everything: list[ReportMeta], query: str, *, include_deleted: bool = False) -> ReportMeta:
        """Resolve a report id, an unambiguous id prefix or an unambiguous
        title prefix among ``everything`` (a listing with deleted reports)."""
        q = (query or "").strip()
        if not q:
            raise NotFound("请给出报告编号或标题。")
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

