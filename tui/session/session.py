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

import datetime as _dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflows.answers import proposed
from workflows.values import AnswerError, validate

from .changes import SessionChanges, answers_format
from .checks import STATE_COPIED, STATE_PROPOSED, ExtraBlocker, ReportCheck, shown_states
from .derived import SessionDerived
from .errors import SessionError
from .workflows import find_workflow

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache
    from workflows.model import Workflow


class Session(SessionChanges, SessionDerived):
    """A report opened with its workflow (see the module docstring).

    ``readonly`` when another session holds the report (``notice`` says who)
    or when opened read-only. Close it (or use it as a context manager) to
    write what is queued and release the report's lock. ``cache``: where
    what is derived from the answers is kept between runs (None: nowhere).

    Reading is :class:`tui.session.base.SessionBase`'s, changes and writes
    :class:`tui.session.changes.SessionChanges`', the assembled report and
    the cached check and text :class:`tui.session.derived.SessionDerived`';
    roll-ups, exporting the report and closing are here.
    """

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
        self._generation += 1
        self._rollups.update(self._handle.rollups)
        return checked

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
        report = self.assembled()  # kept with the check: no Jinja for an unchanged report
        target = Path(path).expanduser() if path is not None else Path.cwd()
        if target.is_dir():
            target = target / default_filename(report, fmt, draft=draft)
        if target.exists() and not target.is_dir() and not os.access(target, os.W_OK):
            raise ExportError(f"文件“{target}”是只读的，未覆盖；请换一个文件名或位置")
        problems = self.full_check().problems  # cached too
        return export_report(report, fmt, target, draft=draft, profile=profile, problems=problems)

    # ---------------------------------------------------------- life cycle

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Write what is queued, keep the report's check in the cache and its
        state in the index (for listings and the home screen's progress) and
        release the report. Safe twice."""
        if self._closed:
            return
        from store.errors import StoreError

        try:
            if not self.readonly:
                self.flush()
                try:
                    self.record_state()
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
