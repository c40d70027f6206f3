"""An opened report as the screens use it, and its autosaver.

Answers change in memory at once (the form, the live paragraph and the
checks read them) and reach the store through :class:`Autosaver`: a
debounce timer on the screen calls :meth:`Autosaver.flush_in_thread`, and
leaving the report calls :meth:`Autosaver.flush`. Writes happen one batch
at a time, in order, under a lock; a batch that fails stays pending and is
retried with the next one, so nothing typed is dropped.
"""

from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from workflows.model import Workflow

if TYPE_CHECKING:  # pragma: no cover
    from store.core import ReportHandle
    from workflows.checks import CheckResult
    from workflows.report import Report


@dataclass
class EditSession:
    """A report opened with its workflow."""

    handle: "ReportHandle"
    workflow: Workflow
    title: str
    answers: dict[str, Any]
    unconfirmed: dict[str, int] = field(default_factory=dict)
    today: _dt.date | None = None

    @property
    def readonly(self) -> bool:
        return bool(self.handle.readonly)

    @property
    def report_id(self) -> str:
        return self.handle.id

    def check(self) -> "CheckResult":
        from workflows.checks import check

        return check(self.workflow, self.answers, self.today)

    def assemble(self) -> "Report":
        from workflows.assemble import assemble

        return assemble(self.workflow, self.answers, self.today)

    def item_states(self, result: "CheckResult") -> dict[str, str]:
        """Check states, with "copied" for items holding unconfirmed copied answers."""
        states = dict(result.item_states)
        for path in self.unconfirmed:
            item_id = self.workflow.item_of(path)
            if states.get(item_id) not in (None, "error"):
                states[item_id] = "copied"
        return states


def open_session(store: Any, report_id: str, data_dir: Any = None, today: _dt.date | None = None) -> EditSession:
    """Open a report for editing (read-only if another session holds it).

    Runs in a worker thread: loading a workflow file takes a moment.
    Raises StoreError / WorkflowError with Chinese messages.
    """
    from tui.service import find_workflow

    handle = store.open(report_id)
    try:
        meta = handle.meta
        wf = find_workflow(meta.workflow_id, data_dir)
        return EditSession(
            handle=handle,
            workflow=wf,
            title=meta.title,
            answers=handle.answers,
            unconfirmed=handle.unconfirmed(),
            today=today,
        )
    except BaseException:
        handle.close()
        raise


class Autosaver:
    """Pending answers and their ordered, durable writes."""

    def __init__(self, session: EditSession, on_result: Callable[[str | None], None]) -> None:
        self.session = session
        self._pending: dict[str, Any] = {}
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        # Called (in the thread that wrote) with None after a successful write,
        # or with the Chinese error message.
        self._on_result = on_result
        self.failed: str | None = None

    @property
    def dirty(self) -> bool:
        with self._pending_lock:
            return bool(self._pending)

    def put(self, path: str, value: Any) -> None:
        with self._pending_lock:
            self._pending[path] = value

    def flush(self) -> str | None:
        """Write what is pending now, in this thread. Returns an error message or None."""
        from store.errors import StoreError

        with self._write_lock:
            with self._pending_lock:
                batch, self._pending = self._pending, {}
            if not batch or self.session.readonly:
                return None
            try:
                self.session.handle.set_answers(batch)
            except (StoreError, OSError) as exc:
                with self._pending_lock:
                    # Keep the failed batch; newer values typed meanwhile win.
                    self._pending = {**batch, **self._pending}
                self.failed = str(exc) if isinstance(exc, StoreError) else f"写入失败：{exc.strerror or exc}"
                self._on_result(self.failed)
                return self.failed
            self.failed = None
            self._on_result(None)
            return None

    def flush_in_thread(self) -> None:
        threading.Thread(target=self.flush, name="shuzhi-autosave", daemon=True).start()
