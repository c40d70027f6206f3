"""The home screen's progress column, from each report's state in the
index (``tui.session.state``): the list shows at once with every
unchanged report's progress, without reading or checking any report; only
reports changed since their state was written (or never checked) are
checked, in the background.

Before, the column was kept in a cache file stamped with the day, so the
first start of each day re-checked every report (58 s of CPU at 10,000).

After an upgrade (new code: every state's stamp differs) every report is
stale at once. Their held states still say roughly how far each report
is, so the column shows them at once, marked provisional
(:func:`provisional`: "12/28…" instead of "12/28项"), while
:func:`recheck` works them out again: the rows on screen first, then the
rest in list order, in batches of a few seconds (:data:`BATCH_SECONDS`,
longer if a write takes long), each written to the index in one write
(stopped midway, by a quit or a new listing, a batch writes what it has
done: only the report under way is lost),
with the GIL given up after each report (the keys stay quick).
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from store import ReportMeta
    from workflows.cache import Cache

# A batch of the background re-check takes about this long (then it is
# written and shown), and at least WRITE_SHARE times as long as its index
# write (the whole index is written: 0.25-0.5 s at 10,000 reports).
BATCH_SECONDS, WRITE_SHARE = 2.0, 20.0
BATCH_LEAST, BATCH_FIRST, BATCH_MOST = 10, 50, 500  # reports per batch
# After each report the re-check sleeps this long: the UI thread takes the
# GIL at once instead of after the interpreter's switch interval (5 ms);
# and for GIVE_WAY seconds after the user's last key (Pacer) it waits.
PAUSE, GIVE_WAY = 0.001, 0.3
UNREADABLE = "（无法读取）"


class Held(NamedTuple):
    """A report's progress as the index holds it."""

    updated: str  # the report's "updated" time the state was worked out for
    text: str  # progress_text
    workflow_id: str
    workflow_title: str  # the workflow's short name
    current: bool  # False: stale (another code or workflow stamp, an older "updated")


def shown_name(state: dict) -> str:
    """The workflow's name as the list shows it (its short name)."""
    return state.get("workflow_short") or state["workflow_title"]


def recheck_note(count: int) -> str:
    """The status line's word on the provisional values (one line at 80 columns)."""
    return f"进度后带“…”的是上次核对的结果，可能已变：正在重新核对，还剩 {count} 份。"


def provisional(text: str) -> str:
    """A progress text not (yet) confirmed for the report as it is now:
    "12/28项" -> "12/28…" (the column's "…" is "not known yet"; the width stays)."""
    return text[:-1] + "…" if text.endswith("项") else "…"


def _counted(state: Any) -> bool:
    return (isinstance(state, dict) and all(type(state.get(k)) is int and state[k] >= 0 for k in ("done", "total"))
            and isinstance(state.get("workflow_id"), str) and isinstance(state.get("workflow_title"), str))


class ProgressCache:
    """Progress texts per report, from the states in the index."""

    def __init__(self, store: Any, today: _dt.date | None = None, cache: Cache | None = None) -> None:
        self.store = store
        self.today = today
        self.cache = cache

    def load(self, metas: Any = None) -> dict[str, Held]:
        """The states the index holds for the listed reports (``metas``:
        default, all): current ones, and stale ones as they were."""
        from tui.session.state import progress_text, states_for

        if metas is None:
            metas = self.store.list_reports(include_deleted=True)
        try:
            states = states_for(self.store, metas, cache=self.cache, today=self.today, compute=False)
            stale = [m.id for m in metas if m.id not in states and not m.problem]
            held = self.store.index.states(stale) if stale else {}
        except Exception:  # noqa: BLE001 - the column is then computed in the background
            return {}
        entries = {rid: Held(state["report_updated"], progress_text(state), state["workflow_id"],
                             shown_name(state), True) for rid, state in states.items()}
        for rid, state in held.items():
            if _counted(state):
                entries[rid] = Held(str(state.get("report_updated", "")), progress_text(state),
                                    state["workflow_id"], shown_name(state), False)
        return entries


class Pacer:
    """The re-check gives way to the user: :meth:`touch` on each key
    (the list moved, the palette or the filter searched), and the
    re-check waits until none came for :data:`GIVE_WAY` seconds."""

    def __init__(self) -> None:
        self.until = 0.0

    def touch(self) -> None:
        self.until = time.monotonic() + GIVE_WAY

    def wait(self, stopped: Callable[[], bool]) -> None:
        while (left := self.until - time.monotonic()) > 0 and not stopped():
            time.sleep(min(left, 0.05))


class Stopped(Exception):
    """The re-check was cancelled (the app quits, the list is re-read)."""


class OnScreen:
    """From the worker thread ``worker``: calls run on ``app``'s thread
    (:meth:`textual.app.App.call_from_thread`), :class:`Stopped` once the
    worker is cancelled or the app has stopped."""

    def __init__(self, app: Any, worker: Any) -> None:
        self.app = app
        self.worker = worker

    def stopped(self) -> bool:
        return bool(self.worker.is_cancelled)

    def call(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        def called(*args: Any) -> Any:
            if self.worker.is_cancelled:
                raise Stopped
            try:
                return self.app.call_from_thread(callback, *args)
            except RuntimeError as exc:  # the app is not running (any more)
                raise Stopped from exc

        return called


Checked = list[tuple["ReportMeta", "dict[str, Any] | None"]]


def recheck(store: Any, metas: Sequence[ReportMeta], *, first: Callable[[], Collection[str]],
            stopped: Callable[[], bool], checked: Callable[[Checked], None],
            cache: Cache | None = None, today: _dt.date | None = None, pacer: Pacer | None = None,
            named: Callable[[dict[str, str]], None] | None = None) -> int:
    """Work out the current state of each of ``metas`` (in a worker
    thread) through :func:`tui.session.state.states_for`, as ``shuzhi
    list`` does, one batch at a time, each batch written to the index in
    one write. Each batch starts with those of ``first()`` (the reports on
    screen) not yet done, passed to ``checked`` (report, state or None:
    unreadable) as soon as they are done, then takes the others in order,
    passed once the batch is written. Stops once ``stopped()`` (or a
    callback raises :class:`Stopped`), what the batch under way has done
    written. Gives way
    to the user (``pacer``) between reports. First passes the short name
    of each workflow of ``metas`` to ``named`` (workflow id -> name; the
    list and the palette show it). Returns the number of batches written."""
    pacer = pacer or Pacer()
    pending = {meta.id: meta for meta in metas}
    size, batches = BATCH_FIRST, 0
    try:
        if named is not None:
            named(_workflow_names(store, {meta.workflow_id for meta in metas}, cache))
        while pending and not stopped():
            seen = [pending.pop(rid) for rid in first() if rid in pending]
            chunk = seen + [pending.pop(rid) for rid in list(pending)[:max(0, size - len(seen))]]
            began = time.perf_counter()
            written = _batch(store, chunk, {meta.id for meta in seen}, stopped, checked, cache, today, pacer)
            batches += 1
            # The next batch: about BATCH_SECONDS, and at least WRITE_SHARE times as long as its write.
            took, seconds = time.perf_counter() - began, max(BATCH_SECONDS, WRITE_SHARE * (written or 0.0))
            size = max(BATCH_LEAST, min(BATCH_MOST, round(len(chunk) * seconds / max(took, 1e-3))))
    except Stopped:
        pass
    return batches


def _batch(store: Any, chunk: list[ReportMeta], lead: set[str], stopped: Callable[[], bool],
           checked: Callable[[Checked], None], cache: Cache | None, today: _dt.date | None,
           pacer: Pacer) -> float | None:
    """One batch of :func:`recheck`: the reports of ``lead`` passed on as
    soon as they are done, the others once the batch is written (stopped:
    those done so far written, none passed on). Returns
    how long the write took (about; None: nothing was checked)."""
    from tui.session.state import states_for

    done: dict[str, dict[str, Any] | None] = {}
    shown = False
    last: float | None = None

    def on_state(report_id: str, state: dict[str, Any] | None) -> None:
        nonlocal shown, last
        done[report_id] = state
        if not shown and report_id in lead and lead <= done.keys():
            shown = True
            checked([(meta, done[meta.id]) for meta in chunk if meta.id in lead])
        time.sleep(PAUSE)  # the UI thread takes the GIL now, not after the switch interval
        pacer.wait(stopped)
        if stopped():
            raise Stopped
        last = time.perf_counter()

    try:  # one write for the batch: states_for puts what it computed (a failure: only slower next time)
        states = states_for(store, chunk, cache=cache, today=today, on_state=on_state)
    except Stopped:  # what the batch has done so far is kept all the same (one write)
        _keep(store, {rid: state for rid, state in done.items() if state is not None})
        raise
    rest = [(meta, states.get(meta.id)) for meta in chunk
            if (meta.id in states or meta.id in done) and not (shown and meta.id in lead)]
    written = None if last is None else time.perf_counter() - last
    if rest:
        checked(rest)
    return written


def _keep(store: Any, states: dict[str, dict[str, Any]]) -> None:
    from store.errors import StoreError

    if states:
        try:
            store.index.put_states(states)
        except (StoreError, OSError):  # only slower next time, never wrong
            pass


def _workflow_names(store: Any, ids: set[str], cache: Cache | None) -> dict[str, str]:
    from tui.session import find_workflow

    names = {}
    for workflow_id in sorted(ids):
        try:
            names[workflow_id] = find_workflow(workflow_id, store.root, cache).short_name()
        except Exception:  # noqa: BLE001 - its reports are then shown unreadable
            continue
    return names
