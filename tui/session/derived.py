"""What a session derives from the answers: the assembled report, one
item's paragraphs, the full check and the plain text, the last two kept
per report in the cache (:meth:`SessionDerived._derived`). No Textual here."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from .base import SessionBase
from .checks import ExtraBlocker, ReportCheck

if TYPE_CHECKING:  # pragma: no cover
    from workflows.report import Block, Report


class SessionDerived(SessionBase):
    """Assembling, rendering and the cached check and text of a session."""

    def _templates(self) -> Any:
        return self.cache.template_environment() if self.cache is not None else None

    def assemble(self) -> Report:
        from workflows.assemble import assemble

        return assemble(self.workflow, self.for_report(), self.today, env=self._templates())

    def assembled(self) -> Report:
        """:meth:`assemble`, kept in the cache with the check (see
        :meth:`_derived`): an export of a report unchanged since its last
        check neither renders a template nor imports Jinja (measured: 34 ms
        of imports and 20 ms of rendering in a 300 ms Word export)."""
        import binascii  # base64's own codec, without importing base64 (≈ 1 ms of a Word export)
        import pickle

        from workflows.report import Report

        cached = self._derived("report")
        if isinstance(cached, str):
            try:
                report = pickle.loads(binascii.a2b_base64(cached))
            except Exception:  # noqa: BLE001 - an unreadable cache entry is recomputed
                report = None
            if isinstance(report, Report):
                return report
        report = self.assemble()
        try:
            raw = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
            blob = binascii.b2a_base64(raw, newline=False).decode("ascii")
        except Exception:  # noqa: BLE001 - not kept, never wrong
            return report
        self._derived("report", blob)
        return report

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
        report = self.assembled()
        extra = [
            ExtraBlocker(b.kind, b.item_id, b.message, b.where)
            for b in final_blockers(report, result.problems)
            if b.kind == "placeholder" or (b.kind == "error" and not b.field_path)
        ]
        copied = list(dict.fromkeys(self.workflow.item_of(p) for p in self._from_year))
        outcome = ReportCheck(result.problems, result.item_states, extra, self.proposed_items(), copied)
        self._derived("check", outcome.to_cache())
        return outcome

    def index_state(self, result: ReportCheck | None = None, *, stamp: str | None = None) -> dict[str, Any]:
        """What listings show of this report (``tui.session.state``), from
        its full check (``result``, or computed/cached now)."""
        from .state import code_stamp, make_state

        if result is None:
            result = self.full_check()
        return make_state(
            result, updated=self._handle.meta.updated,
            stamp=stamp or code_stamp(self.store.root, self.cache),
            workflow_id=self.workflow.id, workflow_title=self.workflow.title,
            workflow_short=self.workflow.short_name(),
            fields=sum(1 for _ in self.workflow.fields()), today=self.today,
        )

    def record_state(self, result: ReportCheck | None = None) -> dict[str, Any]:
        """Compute the state and hand it to the report handle, which writes
        it with the index entry when it closes (after what is queued is
        written: call it last)."""
        state = self.index_state(result)
        self._handle.index_state = state
        return state

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

