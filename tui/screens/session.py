"""An opened report as the screens use it, and its autosaver.

The report is opened through ``tui.service`` (the same :class:`Session` as
the command line). Answers change in memory at once (the form, the live
paragraph and the checks read them) and reach the store through
:class:`Autosaver`: a debounce timer on the screen calls
:meth:`Autosaver.flush_in_thread`, and leaving the report calls
:meth:`Autosaver.flush`. Writes happen one batch at a time, in order, under
a lock; a batch that fails stays pending and is retried with the next one,
so nothing typed is dropped. What the user typed is saved even when it does
not validate (the checks then show it as an error), so it is never lost.
"""

from __future__ import annotations

import datetime as _dt
import threading
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from workflows.checks import CheckResult
    from workflows.model import Workflow
    from workflows.report import Report

    from tui.service import Session


class EditSession:
    """A report opened with its workflow, with the answers being edited."""

    def __init__(self, core: "Session", today: _dt.date | None = None) -> None:
        self.core = core
        self.handle = core.handle
        self.workflow: "Workflow" = core.workflow
        self.title: str = core.title
        self.answers: dict[str, Any] = core.answers
        self.unconfirmed: dict[str, int] = core.unconfirmed()
        self.today = today
        # Set by the wizard: exports flush it first.
        self.saver: "Autosaver | None" = None

    @property
    def readonly(self) -> bool:
        return self.core.readonly

    @property
    def report_id(self) -> str:
        return self.core.report_id

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

    def close(self) -> None:
        """Release the report; leave its check in the cache for the home screen."""
        from store.errors import StoreError

        if not self.readonly:
            try:
                self.core.full_check()
            except (StoreError, OSError):
                pass
        self.core.close()


def open_session(store: Any, report_id: str, today: _dt.date | None = None) -> EditSession:
    """Open a report for editing (read-only if another session holds it).

    Runs in a worker thread: loading a workflow takes a moment. Raises
    StoreError / WorkflowError with Chinese messages.
    """
    from tui.service import open_session as open_core

    return EditSession(open_core(store, report_id), today)


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
                # The unit and year shown in the list follow the basics.
                self.session.core._sync_meta(set(batch))
            except Exception as exc:  # noqa: BLE001 - kept and retried, shown to the user
                with self._pending_lock:
                    # Keep the failed batch; newer values typed meanwhile win.
                    self._pending = {**batch, **self._pending}
                if isinstance(exc, StoreError):
                    self.failed = str(exc)
                elif isinstance(exc, OSError):
                    self.failed = f"写入失败：{exc.strerror or exc}"
                else:
                    self.failed = f"保存时出现意外错误：{type(exc).__name__}: {exc}"
                self._on_result(self.failed)
                return self.failed
            self.failed = None
            self._on_result(None)
            return None

    def flush_in_thread(self) -> None:
        threading.Thread(target=self.flush, name="shuzhi-autosave", daemon=True).start()
