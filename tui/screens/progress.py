"""The home screen's progress column, remembered between runs.

Working out "已完成 12/28" means reading a report and checking it against
its workflow. The result only changes when the report changes (its
``updated`` time in the store's index), the day changes (date defaults), or
the code or a workflow file changes; so it is kept in the cache folder and
the list shows at once with every unchanged report's progress, without
reading any report. Only changed reports are checked, in the background.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

# report id -> (updated, progress text, workflow id, workflow title)
Entry = tuple[str, str, str, str]


def _stamp(data_dir: Path, today: _dt.date) -> str:
    """Everything besides a report's own changes that its progress depends
    on: the day, the Python version, the engine code that decides item
    states and the workflow files (their sizes and times; no imports, so
    reading the cache costs almost nothing at start)."""
    import sys

    import workflows

    package = Path(workflows.__file__).parent
    paths = [package / f"{name}.py" for name in ("checks", "answers", "values", "model", "loader", "assemble")]
    parts = [sys.version, today.isoformat()]
    for folder in (package / "builtin", Path(data_dir) / "workflows"):
        try:
            paths += [folder / name for name in sorted(os.listdir(folder)) if name.endswith(".yaml")]
        except OSError:
            continue
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.sha1("|".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class ProgressCache:
    """Progress texts per report, valid while the report's ``updated`` time matches."""

    def __init__(self, data_dir: Path, today: _dt.date | None = None) -> None:
        from workflows.cache import template_cache_dir

        self.data_dir = Path(data_dir)
        self.today = today or _dt.date.today()
        templates = template_cache_dir()  # None unless the entry point enabled caches
        self.path: Path | None = None
        if templates is not None:
            key = hashlib.sha1(str(self.data_dir.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
            self.path = templates.parent / "progress" / f"{key}.json"
        self.entries: dict[str, Entry] = {}
        self._stamp: str | None = None

    def load(self) -> dict[str, Entry]:
        """What was saved for the same code, workflows and day (empty if nothing)."""
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("stamp") != self.stamp():
            return {}
        reports = data.get("reports")
        if not isinstance(reports, dict):
            return {}
        self.entries = {
            rid: tuple(entry)  # type: ignore[misc]
            for rid, entry in reports.items()
            if isinstance(entry, list) and len(entry) == 4 and all(isinstance(v, str) for v in entry)
        }
        return dict(self.entries)

    def stamp(self) -> str:
        if self._stamp is None:
            self._stamp = _stamp(self.data_dir, self.today)
        return self._stamp

    def save(self, entries: dict[str, Entry]) -> None:
        """Merge ``entries`` in and write the file (atomically; errors ignored)."""
        if self.path is None or not entries:
            return
        self.entries.update(entries)
        data: dict[str, Any] = {"stamp": self.stamp(), "reports": {k: list(v) for k, v in self.entries.items()}}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            from workflows.fileio import write_atomic

            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"), durable=False)
        except OSError:
            pass  # no cache is slower, not wrong
