"""A report's state as listings show it: items done of all (the home
screen's progress column, ``shuzhi list``) and the counts of its check
(待填, 错误, 提醒). No Textual here.

The state is kept in the report's index entry (``store.index``), so a
listing of 10,000 reports neither reads nor checks any of them. It is
written when a session closes (:meth:`tui.session.derived.SessionDerived.record_state`)
and when ``fill``, ``rollup`` or ``restore`` write, and stamped with what it
depends on besides the answers: the report's ``updated`` time (every change
of its content moves it), the code (``Cache.stamp``) and the workflow files
(their sizes and times, :func:`code_stamp`). A stale or missing state is
recomputed for that report alone (:func:`states_for`) and written back.

The date is not in the stamp: what is done and what is missing do not move
with the day (a date default is a proposal either way), and a stamp with
the date made the first start of each day re-check every report (58 s of
CPU at 10,000 reports). ``shuzhi check`` itself still checks against today.
"""

from __future__ import annotations

import datetime as _dt
import os
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache

    from .checks import ReportCheck

STATE_VERSION = 2
_COUNTS = ("done", "total", "pending", "errors", "warnings", "fields")


_STAMPS: dict[tuple[str, str], str] = {}


def code_stamp(data_dir: str | os.PathLike[str], cache: Cache | None) -> str:
    """What a state depends on besides the report: the code and the
    workflow files (built-in and the data folder's), as a short checksum
    (stats only, no imports beyond the loader's folder: ≈ 1 ms). Worked
    out once per process, like the cache's own stamp: a workflow file
    changed meanwhile only makes the next process recompute."""
    from workflows.cache import Cache

    code = (cache or Cache(None)).stamp()
    key = (str(data_dir), code)
    if key not in _STAMPS:
        _STAMPS[key] = _files_stamp(data_dir, code)
    return _STAMPS[key]


def builtin_dir() -> Path:
    """``workflows.loader.BUILTIN_DIR``, found without importing the loader
    (and with it the model, the field types and the values: ≈ 8 ms of a
    listing that checks nothing)."""
    import workflows

    return Path(workflows.__file__).resolve().parent / "builtin"


def _files_stamp(data_dir: str | os.PathLike[str], code: str) -> str:
    parts = [code]
    for folder in (builtin_dir(), Path(data_dir) / "workflows"):
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith((".yaml", ".yml")))
        except OSError:
            continue
        for name in names:
            try:
                st = os.stat(folder / name)
            except OSError:
                continue
            parts.append(f"{folder / name}:{st.st_mtime_ns}:{st.st_size}")
    raw = "|".join(parts).encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"


def make_state(result: ReportCheck, *, updated: str, stamp: str, workflow_id: str, workflow_title: str,
               fields: int, workflow_short: str = "", today: _dt.date | None = None) -> dict[str, Any]:
    """The state of a report whose full check is ``result``."""
    counts = {s: len(result.of_severity(s)) for s in ("pending", "error", "warning")}
    return {
        "v": STATE_VERSION,
        "report_updated": updated,
        "stamp": stamp,
        "workflow_id": workflow_id,
        "workflow_title": workflow_title,
        "workflow_short": workflow_short or workflow_title,
        "done": result.items_done(),
        "total": len(result.item_states),
        "pending": counts["pending"],
        "errors": counts["error"] + len(result.blockers),
        "warnings": counts["warning"],
        "fields": fields,
        "ready": result.ready,
        "checked": (today or _dt.date.today()).isoformat(),
    }


def is_current(state: Any, updated: str, stamp: str) -> bool:
    """``state`` (as read from the index) is well formed and still holds
    for a report last updated at ``updated`` under ``stamp``."""
    return (
        isinstance(state, dict)
        and state.get("v") == STATE_VERSION
        and state.get("report_updated") == updated
        and state.get("stamp") == stamp
        and all(type(state.get(k)) is int and state[k] >= 0 for k in _COUNTS)
        and isinstance(state.get("workflow_title"), str)
        and isinstance(state.get("ready"), bool)
    )


def progress_text(state: Mapping[str, Any]) -> str:
    """The progress column: items done of all ("12/28项")."""
    return f"{state['done']}/{state['total']}项"


def summary_text(state: Mapping[str, Any]) -> str:
    """The check in a few characters: 可导出, or what is left."""
    parts = []
    if state["pending"]:
        parts.append(f"待填{state['pending']}")
    if state["errors"]:
        parts.append(f"错误{state['errors']}")
    if state["warnings"]:
        parts.append(f"提醒{state['warnings']}")
    return ("可导出" + (f"（{parts[0]}）" if parts else "")) if state["ready"] else " ".join(parts) or "未通过"


def states_for(
    store: Any,
    metas: Iterable[Any],
    *,
    cache: Cache | None = None,
    today: _dt.date | None = None,
    compute: bool = True,
    on_state: Callable[[str, dict[str, Any] | None], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Report id -> current state for ``metas`` (``store.ReportMeta``s
    of readable reports). States held by the index and still current are
    used as they are; with ``compute``, the others are recomputed (one
    report at a time: opened read-only, fully checked) and written back to
    the index in one write. ``on_state`` is called for each recomputed
    report (None when it could not be checked)."""
    stamp = code_stamp(store.root, cache)
    metas = list(metas)
    held = store.index.states([m.id for m in metas])
    live = store.index.read_from_files  # being edited or ahead of the index: "updated" may not have moved
    out: dict[str, dict[str, Any]] = {}
    todo = []
    for meta in metas:
        if getattr(meta, "problem", None):
            continue
        state = held.get(meta.id)
        if meta.id not in live and is_current(state, meta.updated, stamp):
            out[meta.id] = state
        else:
            todo.append(meta)
    if not compute or not todo:
        return out
    from .session import open_session
    from .workflows import find_workflow

    workflows: dict[str, Any] = {}
    fresh: dict[str, dict[str, Any]] = {}
    for meta in todo:
        try:
            wf = workflows.get(meta.workflow_id)
            if wf is None:
                wf = workflows[meta.workflow_id] = find_workflow(meta.workflow_id, store.root, cache)
            with open_session(store, meta.id, readonly=True, workflow=wf, today=today, cache=cache) as session:
                state = session.index_state(stamp=stamp)
        except Exception:  # noqa: BLE001 - one unreadable report never stops a listing
            if on_state is not None:
                on_state(meta.id, None)
            continue
        fresh[meta.id] = out[meta.id] = state
        if on_state is not None:
            on_state(meta.id, state)
    if fresh:
        from store.errors import StoreError

        try:
            store.index.put_states(fresh)
        except (StoreError, OSError):  # only slower next time, never wrong
            pass
    return out
