"""The core of :class:`tui.session.session.Session`: what a session holds
(values, drafts, proposals, answers carried over, roll-up records) and
reading it (answers, what an editor shows, checks, item states). The
changes live in :mod:`tui.session.changes`, what is derived and cached in
:mod:`tui.session.derived`. No Textual here."""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.answers import effective_answers, proposed, split_answers

from .checks import shown_states

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache
    from workflows.checks import CheckResult
    from workflows.model import Workflow


class SessionBase:
    """A report's answers as the session holds them, and reading them (see
    :mod:`tui.session.session`)."""

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
        # Field path -> sources carried over by ``new --from`` (from the history, read once).
        self._carried_cache: dict[str, set[str]] = {}
        # Queued for the next write: path -> ("value" | "draft", data).
        self._pending: dict[str, tuple[str, Any]] = {}
        self._last_item_dirty = False
        # Moves with every change of what the session holds (see ``generation``).
        self._generation = 0
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

    @property
    def generation(self) -> int:
        """A number that moves whenever the answers, the drafts or the marks
        of answers carried over change: what is derived from them (the
        checks) can be kept while it stays."""
        return self._generation

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

    def states(self, result: CheckResult | None = None) -> dict[str, str]:
        """Item id -> state as the checklist shows it (see :func:`shown_states`)."""
        result = result if result is not None else self.check()
        copied = {self.workflow.item_of(p) for p in self._from_year}
        return shown_states(result.item_states, copied, self.proposed_items())

