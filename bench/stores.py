"""The data directories the benchmarks measure (``bench/run.py`` builds
them in child processes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_store(root: Path, count: int) -> tuple[str, Any]:
    """A data directory with ``count`` reports: the demo report (the
    built-in workflow filled with its sample answers) and copies of it,
    as the store would hold them once they had been listed: each with its
    state in the index (progress and check counts, ``tui.session.state``).

    The copies are written straight through the store's own layers (its
    report-file builder, its JSON layout, one index write), not one
    durable create each: 10,000 reports take seconds, not minutes. The
    copies share the demo's content and times, so the demo's state holds
    for each of them too."""
    from store import _fs
    from store.core import Store
    from store.files import build_report
    from store.index import _index_data
    from store.model import ReportMeta
    from tui.session import create_demo_report
    from tui.session.state import states_for
    from workflows.cache import Cache
    from workflows.fileio import write_atomic

    store = Store(root)
    meta = create_demo_report(store)
    cache = Cache(Path(os.environ["XDG_CACHE_HOME"]) / "shuzhi")
    state = states_for(store, [meta], cache=cache)[meta.id]
    src = store.files.read(meta.id).data
    fields = dict(src["report"]["1"])
    answers = list(src["answers"].values())
    entries = [{**store.index.entries()[meta.id], "state": state}]
    for i in range(1, count):
        rid = f"b{i:07d}"
        data = build_report(rid, fields["created"], dict(fields, title=f"基准报告{i:05d}"), answers)
        data["report"]["1"]["updated"] = fields["updated"]
        store.files.path(rid).write_bytes(_fs.dumps(data))
        entries.append({**ReportMeta.from_data(data).index_doc(), "state": dict(state)})
    write_atomic(store.index.path, _fs.dumps(_index_data(entries)))
    os.sync()
    store.close()
    return meta.id, root
