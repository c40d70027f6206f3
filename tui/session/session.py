"""A report opened with its workflow: the one place every interface reads
and changes a report through (the app, ``shuzhi ask`` and every command).

What the session holds, per field (see ``workflows.answers``):

* a **value**: an answer that validates (canonical, as answers files hold it);
* a **draft**: what the user typed that does not validate yet, kept so that
  nothing is lost, shown with its message, counted as an error by the
  checks, never used in the report;
* neither: the field's default, if it has one, is a **proposal**: used in
  the preview, but its item is "待确认" until the user accepts it (has the
  item on screen and moves on, answers a field in it, or imports answers
  into it), which stores the defaults as answers.

Two ways to write:

* :meth:`Session.input` (the app): takes anything typed, keeps it in memory
  at once and queues it; :meth:`Session.flush` (the wizard runs it in a Textual worker thread)
  writes the queue in one durable write.
  Nothing typed is lost on any way out as long as the app flushes on exit.
* :meth:`Session.set_answer`, :meth:`Session.set_answers`,
  :meth:`Session.import_answers_file` (``ask``, ``fill``): validate first,
  refuse with a Chinese message, and are on disk when they return.

Either way the report's listed unit, year and (automatic) title follow the
basics. No Textual here.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflows.answers import effective_answers, proposed, split_answers
from workflows.values import AnswerError, validate

from .errors import SessionError
from .reports import basics_item_id, default_title, listed_basics, title_for
from .workflows import find_workflow

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache
    from workflows.checks import CheckResult
    from workflows.model import Field, Workflow
    from workflows.report import Block, Report

# Item states beyond the checks' own (workflows.checks): an answer carried
# over from an earlier year and not yet confirmed; defaults not yet accepted.
STATE_COPIED = "copied"
STATE_PROPOSED = "proposed"
_DONE_STATES = ("done", "warning")


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


def shown_states(
    item_states: Mapping[str, str], copied_items: Iterable[str], proposed_items: Iterable[str]
) -> dict[str, str]:
    """Item states as the checklist shows them: an item with an answer
    carried over from an earlier year is "copied" unless it has an error;
    an otherwise finished item whose defaults wait to be accepted is
    "proposed"."""
    states = dict(item_states)
    for item_id in proposed_items:
        if states.get(item_id) in _DONE_STATES:
            states[item_id] = STATE_PROPOSED
    for item_id in copied_items:
        if states.get(item_id) not in (None, "error"):
            states[item_id] = STATE_COPIED
    return states


@dataclass(frozen=True)
class ExtraBlocker:
    """Something a final export refuses that is not a check problem:
    leftover placeholder text ("XX", "××") or a template failure."""

    kind: str  # "placeholder" | "error"
    item_id: str | None
    message: str
    where: str = ""


@dataclass
class ReportCheck:
    """Everything ``shuzhi check`` reports: the engine's problems (pending,
    error, warning; drafts are errors), item states, the extra export
    blockers, and the items whose defaults are not accepted yet (a reminder,
    not a blocker)."""

    problems: list[Any]  # workflows.checks.Problem
    item_states: dict[str, str]
    blockers: list[ExtraBlocker]
    proposed_items: list[str] = dataclasses.field(default_factory=list)
    copied_items: list[str] = dataclasses.field(default_factory=list)

    @property
    def ready(self) -> bool:
        """A final export would go through."""
        return not self.blockers and not any(p.severity in ("pending", "error") for p in self.problems)

    def of_severity(self, severity: str) -> list[Any]:
        return [p for p in self.problems if p.severity == severity]

    def for_item(self, item_id: str) -> list[Any]:
        return [p for p in self.problems if p.item_id == item_id]

    def shown_states(self) -> dict[str, str]:
        return shown_states(self.item_states, self.copied_items, self.proposed_items)

    def items_done(self) -> int:
        """Items finished and accepted (as the checklist shows ✔ or !)."""
        return sum(1 for state in self.shown_states().values() if state in _DONE_STATES)

    def to_cache(self) -> dict[str, Any]:
        return {
            "problems": [p.to_json() for p in self.problems],
            "item_states": self.item_states,
            "blockers": [dataclasses.asdict(b) for b in self.blockers],
            "proposed_items": self.proposed_items,
            "copied_items": self.copied_items,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> ReportCheck:
        from workflows.checks import Problem

        problems = [
            Problem(p["severity"], p["item"], p["field"], p["message"], p.get("source", ""))
            for p in data["problems"]
        ]
        blockers = [ExtraBlocker(**b) for b in data["blockers"]]
        return cls(
            problems, dict(data["item_states"]), blockers,
            list(data.get("proposed_items", [])), list(data.get("copied_items", [])),
        )


def _error_message(exc: BaseException) -> str:
    from store.errors import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"写入失败：{exc.strerror or exc}"
    return f"保存时出现意外错误：{type(exc).__name__}: {exc}"


class Session:
    """A report opened with its workflow (see the module docstring).

    ``readonly`` when another session holds the report (``notice`` says who)
    or when opened read-only. Close it (or use it as a context manager) to
    write what is queued and release the report's lock. ``cache``: where
    what is derived from the answers is kept between runs (None: nowhere).
    """

    def __init__(self, store: Any, handle: Any, workflow: Workflow, today: _dt.date | None = None,
                 cache: Cache | None = None) -> None:
        self.store = store
        self._handle = handle
        self.workflow = workflow
        self.today = today
        self.cache = cache
        # As stored; split into valid values and drafts on first use (a
        # cached check of an unchanged report never needs it).
        self._raw: tuple[dict[str, Any], dict[str, Any]] | None = (handle.answers, handle.drafts)
        self._split: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self._from_year: dict[str, int] = handle.unconfirmed()
        # Field path -> provenance of the last roll-up that wrote it (store.schema).
        self._rollups: dict[str, dict[str, Any]] = handle.rollups
        self._last_item: str | None = handle.last_item
        # Queued for the next write: path -> ("value" | "draft", data).
        self._pending: dict[str, tuple[str, Any]] = {}
        self._last_item_dirty = False
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False
        # The last write's failure (Chinese), None when the last write went through.
        self.failed: str | None = None
        # Called after every write of the queue (in the thread that wrote)
        # with None, or with the Chinese message of the failure.
        self.on_saved: Callable[[str | None], None] | None = None

    # ------------------------------------------------------------ about

    @property
    def report_id(self) -> str:
        return self._handle.id

    @property
    def meta(self) -> Any:
        return self._handle.meta

    @property
    def title(self) -> str:
        return self._handle.meta.title

    @property
    def readonly(self) -> bool:
        return bool(self._handle.readonly)

    @property
    def notice(self) -> str | None:
        """How the report was opened, when noteworthy (read-only because of
        another session, a dead session's lock taken over, a format upgrade)."""
        return self._handle.notice

    @property
    def last_item(self) -> str | None:
        """The item the user last had on screen (resumed at the next opening)."""
        return self._last_item

    @last_item.setter
    def last_item(self, item_id: str) -> None:
        if self.readonly or item_id == self._last_item or self.workflow.item(item_id) is None:
            return
        with self._pending_lock:
            self._last_item = item_id
            self._last_item_dirty = True

    # ------------------------------------------------------------ reading

    def _ensure_split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if self._raw is not None:
            stored, drafts = self._raw
            self._raw = None
            self._split = split_answers(self.workflow, stored, drafts)
        return self._split

    @property
    def _values(self) -> dict[str, Any]:
        """Field path -> valid value (explicit None: emptied)."""
        return self._ensure_split()[0]

    @property
    def _drafts(self) -> dict[str, Any]:
        """Field path -> what was typed that does not validate."""
        return self._ensure_split()[1]

    @property
    def answers(self) -> dict[str, Any]:
        """The valid answers (a copy): field path -> canonical value; an
        explicit None is a field the user emptied."""
        return dict(self._values)

    @property
    def drafts(self) -> dict[str, Any]:
        """Field path -> what was typed that does not validate (a copy)."""
        return dict(self._drafts)

    def for_report(self) -> dict[str, Any]:
        """What the report is assembled from: the values, and no value for a
        draft (so neither a default nor the draft is used)."""
        out = dict(self._values)
        out.update(dict.fromkeys(self._drafts))
        return out

    def _stored(self) -> dict[str, Any]:
        """Every field holding a value or a draft (the drafts as typed)."""
        if self._raw is not None:  # the same, before the split
            return {**self._raw[0], **self._raw[1]}
        return {**self._values, **self._drafts}

    def values(self) -> dict[str, Any]:
        """Every field's value as the report uses it: answers, else defaults."""
        return effective_answers(self.workflow, self.for_report(), self.today)

    def shown(self, path: str) -> Any:
        """What an editor shows for a field: the draft, the answer, or the
        proposed default."""
        if path in self._drafts:
            return self._drafts[path]
        if path in self._values:
            return self._values[path]
        f = self.workflow.field(path)
        return self.values().get(path) if f is not None else None

    def shown_values(self, item_id: str) -> dict[str, Any]:
        """:meth:`shown` for every field of an item."""
        item = self.workflow.item(item_id)
        if item is None:
            return {}
        values = None
        out: dict[str, Any] = {}
        for f in item.fields:
            if f.path in self._drafts:
                out[f.path] = self._drafts[f.path]
            elif f.path in self._values:
                out[f.path] = self._values[f.path]
            else:
                values = values if values is not None else self.values()
                out[f.path] = values.get(f.path)
        return out

    def proposed_paths(self, item_id: str | None = None) -> set[str]:
        """Fields (of one item, or all) showing a default not accepted yet."""
        return set(self._proposals(None if item_id is None else {item_id}))

    def _proposals(self, item_ids: Any) -> dict[str, Any]:
        return proposed(self.workflow, self._stored(), item_ids, self.today)

    def proposed_items(self) -> list[str]:
        """Items whose defaults wait to be accepted, in checklist order."""
        return list(dict.fromkeys(self.workflow.item_of(p) for p in self._proposals(None)))

    def unconfirmed(self) -> dict[str, int]:
        """Field path -> year, for answers carried over and not yet confirmed."""
        return dict(self._from_year)

    def check(self) -> CheckResult:
        """The checks of what the session holds now: drafts are errors (with
        their message), missing required answers pending, norms warnings;
        and a warning for each rolled-up answer that is no longer the last
        roll-up's total (``workflows.rollup.stale_rollups``)."""
        from workflows.checks import check

        stored = self._stored()
        result = check(self.workflow, stored, self.today)
        if self._rollups:
            from workflows.rollup import stale_rollups

            for problem in stale_rollups(self.workflow, stored, self._rollups):
                result.problems.append(problem)
                if result.item_states.get(problem.item_id) == "done":
                    result.item_states[problem.item_id] = "warning"
        return result

    # ------------------------------------------------------------ roll-up

    @property
    def rollups(self) -> dict[str, dict[str, Any]]:
        """Field path -> the provenance of the last roll-up that wrote it
        (a copy): ``total``, ``at``, ``from`` and ``sources`` (branch,
        status, value, kind "report"/"file", origin, title)."""
        import copy

        return copy.deepcopy(self._rollups)

    def rollup_note(self, path: str, width: int = 76) -> str:
        """The line the wizard shows under a field: where its rolled-up value
        came from ("已汇总 3/12 个支部：第一党支部 32，…"), or, under the
        bureau's number of branches, how many the last roll-up covered."""
        from workflows.rollup import (
            BRANCH_COUNT_FIELD,
            branch_count,
            clip,
            coverage_text,
            provenance_line,
            short_time,
        )

        if not self._rollups:
            return ""
        of = branch_count(self.workflow, self.values())
        record = self._rollups.get(path)
        if record is not None:
            return provenance_line(record, width, of)
        f = self.workflow.field(path)
        if f is not None and f.id == BRANCH_COUNT_FIELD:
            latest = max(self._rollups.values(), key=lambda r: r.get("at", ""))
            text = f"{coverage_text(len(latest.get('sources', [])), of)}（{short_time(latest.get('at', ''))}）"
            return clip(text, width)
        return ""

    def apply_rollup(self, plan: Any) -> dict[str, Any]:
        """Write a roll-up (``tui.session.rollup.RollupPlan``): every total
        some branch gave, and the provenance of every total, in one durable
        write (all or nothing, after a backup); the totals' items are
        accepted (their defaults stored too). A total no branch gave leaves
        the answer as it is. Returns the totals written. Raises SessionError
        when the plan has refusals, AnswerError when a total does not fit
        its field (nothing saved)."""
        from workflows.rollup import provenance_records

        self._writable()
        if plan.errors:
            raise SessionError("汇总有错误，未写入：" + "；".join(plan.errors))
        result = plan.result
        if result.workflow_id != self.workflow.id:
            raise SessionError(f"这是工作流“{result.workflow_id}”的汇总，不是本报告“{self.workflow.id}”的")
        checked: dict[str, Any] = {}
        for path, raw in result.answers().items():
            value, error = validate(self._field(path), raw, path)
            if error is not None:
                raise AnswerError(error, path)
            checked[path] = value
        records = provenance_records(result, "", plan.titles)  # the store dates them
        self._write_queue(raise_errors=True)
        stored = {**self._stored(), **checked}
        extra = proposed(self.workflow, stored, {self.workflow.item_of(p) for p in checked}, self.today)
        changes = {**extra, **checked}
        with self._write_lock:
            before = self._meta_view() if self._touches_meta(changes) else None
            self._handle.save_rollup(changes, records)
            self._sync_meta(before)
        for path, value in changes.items():
            self._values[path] = value
            self._drafts.pop(path, None)
            self._from_year.pop(path, None)
        self._rollups.update(self._handle.rollups)
        return checked

    def states(self, result: CheckResult | None = None) -> dict[str, str]:
        """Item id -> state as the checklist shows it (see :func:`shown_states`)."""
        result = result if result is not None else self.check()
        copied = {self.workflow.item_of(p) for p in self._from_year}
        return shown_states(result.item_states, copied, self.proposed_items())

    def _templates(self) -> Any:
        return self.cache.template_environment() if self.cache is not None else None

    def assemble(self) -> Report:
        from workflows.assemble import assemble

        return assemble(self.workflow, self.for_report(), self.today, env=self._templates())

    def render_item(self, item_id: str) -> list[Block]:
        """The paragraphs one item produces now."""
        from workflows.assemble import render_item

        return render_item(self.workflow, self.for_report(), item_id, self.today, env=self._templates())

    def full_check(self) -> ReportCheck:
        """The check plus what a final export would refuse beyond it, and
        the items still to confirm (cached, see :meth:`_derived`)."""
        cached = self._derived("check")
        if cached is not None:
            return ReportCheck.from_cache(cached)
        from workflows.export import final_blockers

        result = self.check()
        report = self.assemble()
        extra = [
            ExtraBlocker(b.kind, b.item_id, b.message, b.where)
            for b in final_blockers(report, result.problems)
            if b.kind == "placeholder" or (b.kind == "error" and not b.field_path)
        ]
        copied = list(dict.fromkeys(self.workflow.item_of(p) for p in self._from_year))
        outcome = ReportCheck(result.problems, result.item_states, extra, self.proposed_items(), copied)
        self._derived("check", outcome.to_cache())
        return outcome

    def plain_text(self) -> str:
        """The report as plain text, as the text export writes it (no
        control characters; cached, see :meth:`_derived`)."""
        cached = self._derived("text")
        if isinstance(cached, str):
            return cached
        from workflows.export.checks import clean_report
        from workflows.export.text import render_text

        text = render_text(clean_report(self.assemble())[0])
        self._derived("text", text)
        return text

    def _derived(self, kind: str, value: Any = None) -> Any:
        """Read (``value`` None) or write what is derived from the answers.

        Kept per report in the cache's ``reports/`` folder, keyed by the
        answers and drafts, the copied marks, the roll-up records, the
        workflow file, the code stamp and the date, so ``shuzhi check`` or
        ``preview`` of an unchanged report neither assembles it nor imports
        Jinja (measured: ``check`` 355 → 130 ms, ``preview`` 247 → 151 ms,
        see ``workflows.cache``). The key is that material itself, compared
        in full (exact, and no hashlib to import). Returns None when there
        is nothing usable; a cache that cannot be written is skipped.
        """
        import json

        cache = self.cache
        wf_key = cache.workflow_key(self.workflow) if cache is not None else None
        if cache is None or cache.directory is None or wf_key is None:
            return None
        today = (self.today or _dt.date.today()).isoformat()
        key = json.dumps(  # ASCII (\u escapes), so that any text in an answer can be written out
            [self._stored(), self._from_year, self._rollups, wf_key, cache.stamp(), today],
            sort_keys=True, default=str,
        )
        name = f"{self.report_id}.json"
        entry: Any = None
        raw = cache.read("reports", name)
        if raw is not None:
            try:
                entry = json.loads(raw.decode("utf-8"))
            except ValueError:
                entry = None
        if not isinstance(entry, dict) or entry.get("key") != key:
            entry = {"key": key}
        if value is None:
            return entry.get(kind)
        entry[kind] = value
        cache.write("reports", name, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        return value

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
        return count

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

    # ------------------------------------------------------------- export

    def export(
        self,
        fmt: str = "docx",
        path: str | Path | None = None,
        *,
        draft: bool = False,
        profile: str = "standard",
    ) -> Any:
        """Write what is queued, then the report; returns
        ``workflows.export.ExportResult``.

        ``path`` may be a file, a folder (the default file name is used in
        it) or None (the current folder). A final export (``draft=False``)
        raises ExportBlocked listing every blocker (drafts among them); a
        draft is written with the markers visible. An existing file that is
        read-only is refused and left untouched.
        """
        from workflows.export import (
            ExportError,
            default_filename,
            export_report,
            get_format,
        )

        get_format(fmt)
        error = self.flush()
        if error:
            raise SessionError(f"有修改未能保存，先不导出：{error}")
        report = self.assemble()
        target = Path(path).expanduser() if path is not None else Path.cwd()
        if target.is_dir():
            target = target / default_filename(report, fmt, draft=draft)
        if target.exists() and not target.is_dir() and not os.access(target, os.W_OK):
            raise ExportError(f"文件“{target}”是只读的，未覆盖；请换一个文件名或位置")
        problems = self.check().problems
        return export_report(report, fmt, target, draft=draft, profile=profile, problems=problems)

    # ---------------------------------------------------------- life cycle

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Write what is queued, keep the report's check in the cache (for
        the home screen's progress) and release the report. Safe twice."""
        if self._closed:
            return
        from store.errors import StoreError

        try:
            if not self.readonly:
                self.flush()
                try:
                    self.full_check()
                except (StoreError, OSError):
                    pass
        finally:
            self._closed = True
            self._handle.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    store: Any,
    query: str,
    *,
    readonly: bool = False,
    write: bool = False,
    today: _dt.date | None = None,
    workflow: Workflow | None = None,
    cache: Cache | None = None,
) -> Session:
    """Find a report (id, id prefix or title prefix) and open it with its workflow.

    ``readonly`` opens without taking the lock. ``write`` insists on the
    lock: raises ``store.LockedError`` (Chinese, naming the other session)
    when another session holds it; otherwise a locked report comes back
    read-only (``Session.readonly``, ``Session.notice``). ``workflow`` is the
    report's workflow when the caller has it at hand; ``cache`` the entry
    point's (``workflows.cache.Cache``), else nothing derived is kept between
    runs. Raises NotFound /
    Ambiguous (store) and WorkflowError when the report's workflow is gone.
    """
    from store import LockedError

    meta = store.find(query)
    handle = store.open(meta.id, readonly=readonly)
    try:
        if write and handle.readonly:
            raise LockedError(handle.notice or "报告正由另一个会话编辑，当前不能修改。", handle.locked_by)
        if workflow is None or workflow.id != meta.workflow_id:
            workflow = find_workflow(meta.workflow_id, store.root, cache)
    except BaseException:
        handle.close()
        raise
    return Session(store, handle, workflow, today, cache)


__all__ = [
    "STATE_COPIED",
    "STATE_PROPOSED",
    "ExtraBlocker",
    "ReportCheck",
    "Session",
    "answers_format",
    "open_session",
    "shown_states",
]
