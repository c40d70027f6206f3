"""How a session changes a report: :meth:`SessionChanges.input` and
:meth:`SessionChanges.flush` (queued, for the app), the validating writes
(``set_answer``, ``set_answers``, confirming, importing answers files) and
exporting answers; the queue's write, and the listed unit, year and title
kept in step with the basics. No Textual here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflows.answers import proposed
from workflows.values import AnswerError, validate

from .base import SessionBase
from .errors import SessionError
from .reports import basics_item_id, default_title, listed_basics, title_for

if TYPE_CHECKING:  # pragma: no cover
    from workflows.model import Field


def _read_text_file(path: Path, what: str) -> str:
    from workflows.safeparse import ParseLimitError, decode_text, located, read_bounded

    try:
        return decode_text(read_bounded(path))
    except ParseLimitError as exc:
        raise SessionError("；".join(located(f"{what}“{path}”", p) for p in exc.problems)) from None
    except FileNotFoundError:
        raise SessionError(f"找不到{what}“{path}”") from None
    except IsADirectoryError:
        raise SessionError(f"“{path}”是文件夹，不是{what}") from None
    except UnicodeDecodeError:
        raise SessionError(f"{what}“{path}”不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise SessionError(f"无法读取{what}“{path}”：{exc.strerror or exc}") from None


def answers_format(path: str | Path) -> str:
    """"json" for ``*.json``, "yaml" for anything else."""
    from workflows.answers import guess_format

    return guess_format(str(path))


def _error_message(exc: BaseException) -> str:
    from store.errors import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"写入失败：{exc.strerror or exc}"
    return f"保存时出现意外错误：{type(exc).__name__}: {exc}"



class SessionChanges(SessionBase):
    """Changing a session's answers and writing them (see
    :mod:`tui.session.session`)."""

    # ------------------------------------------------------------ changes

    def _field(self, path: str) -> Field:
        f = self.workflow.field(path)
        if f is None:
            raise SessionError(f"工作流“{self.workflow.id}”中没有字段“{path}”")
        return f

    def _writable(self) -> None:
        from store.errors import ReadOnlyError, StoreError

        if self._closed:
            raise StoreError("报告已关闭，不能再修改。")
        if self.readonly:
            raise ReadOnlyError(self.notice or "报告以只读方式打开，不能修改。")

    def _stage(self, path: str, value: Any, error: str | None) -> None:
        """Hold one change in memory and queue it (``error``: it is a draft)."""
        if error is None:
            self._values[path] = value
            self._drafts.pop(path, None)
            entry = ("value", value)
        else:
            self._drafts[path] = value
            self._values.pop(path, None)
            entry = ("draft", value)
        self._from_year.pop(path, None)  # changed: no longer a copy to confirm
        self._generation += 1
        with self._pending_lock:
            self._pending[path] = entry

    def _accept(self, item_ids: Iterable[str]) -> None:
        """Queue the proposed defaults of these items as answers."""
        for path, value in self._proposals(set(item_ids)).items():
            self._stage(path, value, None)

    def input(self, path: str, raw: Any) -> str | None:
        """Anything the user typed into a field: held at once and queued
        (:meth:`flush` writes it). Returns the Chinese message when it does
        not validate (it is then kept as a draft), else None. Answering a
        field accepts its item's other defaults. Read-only: nothing happens."""
        f = self._field(path)
        value, error = validate(f, raw, path)
        if self.readonly or self._closed:
            return error
        self._stage(path, value, error)
        self._accept([self.workflow.item_of(path)])
        return error

    def leave_item(self, item_id: str, next_item: str | None = None) -> None:
        """The user had ``item_id`` on screen and moves on (to ``next_item``):
        its defaults are accepted; queued, like :meth:`input`."""
        if self.readonly or self._closed:
            return
        self._accept([item_id])
        if next_item is not None:
            self.last_item = next_item

    def set_answer(self, path: str, raw: Any) -> Any:
        """Validate ``raw`` for the field at ``path`` and save it now; returns
        the canonical value (None when the answer is now empty: the field is
        cleared and its default no longer applies). Raises AnswerError
        (Chinese message) without saving anything when ``raw`` is invalid."""
        return self.set_answers({path: raw})[path]

    def set_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Validate several answers, then save them in one write (all or
        nothing); their items' other defaults are accepted with them.
        Returns the canonical values. Raises AnswerError for the first
        invalid one (nothing saved)."""
        self._writable()
        checked = {}
        for path, raw in answers.items():
            value, error = validate(self._field(path), raw, path)
            if error is not None:
                raise AnswerError(error, path)
            checked[path] = value
        for path, value in checked.items():
            self._stage(path, value, None)
        self._accept({self.workflow.item_of(p) for p in checked})
        self._write_queue(raise_errors=True)
        return checked

    def confirm_item(self, item_id: str) -> int:
        """Accept an item as shown: its defaults become answers and its
        answers carried over from an earlier year are confirmed; saved now.
        Returns how many answers that concerned."""
        self._writable()
        item = self.workflow.item(item_id)
        if item is None:
            raise SessionError(f"工作流“{self.workflow.id}”中没有条目“{item_id}”")
        accepted = len(self._proposals({item_id}))
        self._accept([item_id])
        self._write_queue(raise_errors=True)
        return accepted + self.confirm_copied([f.path for f in item.fields])

    def confirm(self, path: str) -> None:
        """Accept an answer carried over from an earlier year as it is."""
        self.confirm_copied([path])

    def confirm_copied(self, paths: Iterable[str]) -> int:
        """Confirm the answers carried over from an earlier year among
        ``paths``; saved now. Returns how many."""
        self._writable()
        todo = [p for p in paths if p in self._from_year]
        if not todo:
            return 0
        self._write_queue(raise_errors=True)
        with self._write_lock:
            count = self._handle.confirm_all(todo)
        for path in todo:
            self._from_year.pop(path, None)
        self._generation += 1
        return count

    # ------------------------------------------------------------ history

    @property
    def history(self) -> list[dict[str, Any]]:
        """The events kept on record in the report (``store.schema``), oldest first."""
        return self._handle.history

    def carried_texts(self, path: str) -> set[str]:
        """Normalised sources of the entries of ``path`` carried over by ``new --from``."""
        from workflows.carryover import carried_texts

        if path not in self._carried_cache:
            history = self.history
            texts = carried_texts(history, path)
            if not texts and self.meta.from_report and not any(h.get("event") == "carried" for h in history):
                # Made by ``new --from`` before the history was kept: the entries
                # named as last year's problems or promises when the report is opened.
                from workflows.carryover import KIND_COMMITMENT, KIND_PROBLEM, normalise

                texts = {
                    normalise(str(e["source"])) for e in self._values.get(path) or []
                    if isinstance(e, dict) and e.get("source") and e.get("kind") in (KIND_PROBLEM, KIND_COMMITMENT)
                }
            self._carried_cache[path] = texts
        return self._carried_cache[path]

    def record_entry(self, event: str, path: str, entry: Mapping[str, Any]) -> None:
        """Keep on record that a carried entry of ``path`` was ``removed``
        (or ``restored``): written now, beside the answers."""
        from workflows.carryover import history_records

        self._writable()
        records = [{**r, "path": path, "item": self.workflow.item_of(path)}
                   for r in history_records(self.workflow, event, [entry])]
        with self._write_lock:
            self._handle.add_history(records)

    def import_answers_file(self, path: str | Path) -> dict[str, Any]:
        """Merge an answers file (YAML or JSON, by extension) into the report.

        All or nothing: raises ``store.AnswersImportError`` listing every
        problem with its field path, and nothing is saved. The items it
        writes are accepted (their other defaults stored too). Returns the
        imported answers.
        """
        path = Path(path)
        text = _read_text_file(path, "答案文件")
        return self.import_answers_text(text, answers_format(path), str(path))

    def import_answers_text(self, text: str, fmt: str, source: str = "") -> dict[str, Any]:
        """Like :meth:`import_answers_file` for text in hand (``fmt`` "yaml"
        or "json"; ``source`` names it in messages)."""
        from store.answers_io import parse_answers

        self._writable()
        imported = parse_answers(self.workflow, text, fmt, source)
        self._write_queue(raise_errors=True)
        stored = {**self._stored(), **imported}
        extra = proposed(self.workflow, stored, {self.workflow.item_of(p) for p in imported}, self.today)
        changes = {**extra, **imported}
        with self._write_lock:
            before = self._meta_view() if self._touches_meta(changes) else None
            self._handle.save_import(changes)
            self._sync_meta(before)
        for path, value in changes.items():
            self._values[path] = value
            self._drafts.pop(path, None)
            self._from_year.pop(path, None)
        self._generation += 1
        return imported

    def export_answers(self, fmt: str = "yaml") -> str:
        """The answers as an answers file that ``fill`` reads back: only
        valid values; drafts as comments in YAML, left out of JSON (see
        :attr:`drafts`)."""
        from store.answers_io import export_answers

        return export_answers(self.workflow, self._values, fmt, self._drafts)

    # ------------------------------------------------------------- writes

    @property
    def dirty(self) -> bool:
        """Something is queued and not written yet."""
        with self._pending_lock:
            return bool(self._pending) or self._last_item_dirty

    @property
    def answers_dirty(self) -> bool:
        """An answer or a draft is queued and not written yet (not only the
        item the user is on)."""
        with self._pending_lock:
            return bool(self._pending)

    def flush(self) -> str | None:
        """Write what is queued now, in this thread. Returns None, or the
        Chinese message of the failure (the queue is kept and written with
        the next flush, newer changes winning)."""
        return self._write_queue(raise_errors=False)

    def _write_queue(self, raise_errors: bool) -> str | None:
        with self._write_lock:
            with self._pending_lock:
                batch, self._pending = self._pending, {}
                last_item = self._last_item if self._last_item_dirty else None
                self._last_item_dirty = False
            if (not batch and last_item is None) or self.readonly:
                return None
            values = {p: v for p, (kind, v) in batch.items() if kind == "value"}
            drafts = {p: v for p, (kind, v) in batch.items() if kind == "draft"}
            try:
                before = self._meta_view() if self._touches_meta(batch) else None
                self._handle.set_answers(values, drafts, last_item=last_item)
                self._sync_meta(before)
            except Exception as exc:
                with self._pending_lock:
                    self._pending = {**batch, **self._pending}
                    if last_item is not None:
                        self._last_item_dirty = True
                self.failed = _error_message(exc)
                if self.on_saved is not None:
                    self.on_saved(self.failed)
                if raise_errors:
                    raise
                return self.failed
            self.failed = None
            if self.on_saved is not None:
                self.on_saved(None)
            return None

    # The listed unit, year and title follow the basics.

    def _touches_meta(self, paths: Iterable[str]) -> bool:
        basics = basics_item_id(self.workflow)
        year = self.workflow.year_field
        return any(p == year or self.workflow.item_of(p) == basics for p in paths)

    def _meta_view(self) -> dict[str, Any]:
        """The stored answers as the report uses them (before a write)."""
        out = self._handle.answers
        out.update(dict.fromkeys(self._handle.drafts))
        return out

    def _sync_meta(self, before: Mapping[str, Any] | None) -> None:
        """After a write that touched the basics (``before``: the stored
        answers before it): the listed unit and year follow them, and so does
        the title while it is the automatic one (a title the user gave stays)."""
        if before is None:
            return
        wf, today = self.workflow, self.today
        after = self._meta_view()
        meta = self._handle.meta
        unit, year = listed_basics(wf, after, today)
        changes: dict[str, Any] = {}
        if unit != meta.unit:
            changes["unit"] = unit
        if year != meta.year:
            changes["year"] = year
        if meta.title in (title_for(wf, before, today), default_title(wf, before, today)):
            title = title_for(wf, after, today)
            if title and title != meta.title:
                changes["title"] = title
        if changes:
            self._handle.update_meta(**changes)

