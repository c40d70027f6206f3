"""The home screen's progress column, remembered between runs.

Working out "12/28项" means reading a report and checking it against
its workflow. The result only changes when the report changes (its
``updated`` time in the store's index), the day changes (date defaults), or
the code or a workflow file changes; so it is kept in the cache's
``progress/`` folder and the list shows at once with every unchanged
report's progress, without reading any report. Only changed reports are
checked, in the background. Measured (app start, 20 reports, the reports'
checks cached too): progress column filled 1104 → 813 ms; see
``workflows.cache``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache

# report id -> (updated, progress text, workflow id, workflow's short name)
Entry = tuple[str, str, str, str]
# Raised when what an entry holds changes (the texts of the list).
FORMAT = "2"


def _stamp(cache: Cache, data_dir: Path, today: _dt.date) -> str:
    """Everything besides a report's own changes that its progress depends
    on: the data folder, the day, the code (the cache's stamp) and the
    workflow files (their sizes and times; no imports, so reading the cache
    costs almost nothing at start)."""
    from workflows.loader import BUILTIN_DIR

    parts = [FORMAT, str(data_dir), today.isoformat(), cache.stamp()]
    for folder in (BUILTIN_DIR, Path(data_dir) / "workflows"):
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml"))
        except OSError:
            continue
        for name in names:
            try:
                st = os.stat(folder / name)
            except OSError:
                continue
            parts.append(f"{folder / name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


class ProgressCache:
    """Progress texts per report, valid while the report's ``updated`` time matches."""

    def __init__(self, data_dir: Path, today: _dt.date | None = None, cache: Cache | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.today = today or _dt.date.today()
        self.cache = cache
        key = str(self.data_dir).encode("utf-8", "surrogatepass")
        # A file per data folder; the folder itself is checked in the stamp.
        self.name = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.json"
        self.entries: dict[str, Entry] = {}
        self._stamp: str | None = None

    def load(self) -> dict[str, Entry]:
        """What was saved for the same code, workflows and day (empty if nothing)."""
        if self.cache is None:
            return {}
        raw = self.cache.read("progress", self.name)
        if raw is None:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return {}
        if not isinstance(data, dict) or data.get("stamp") != self.stamp():
            return {}
        reports = data.get("reports")
        if not isinstance(reports, dict):
            return {}
        self.entries = {
            rid: (entry[0], entry[1], entry[2], entry[3])
            for rid, entry in reports.items()
            if isinstance(entry, list) and len(entry) == 4 and all(isinstance(v, str) for v in entry)
        }
        return dict(self.entries)

    def stamp(self) -> str:
        if self._stamp is None:
            assert self.cache is not None
            self._stamp = _stamp(self.cache, self.data_dir, self.today)
        return self._stamp

    def save(self, entries: dict[str, Entry]) -> None:
        """Merge ``entries`` in and write the file (atomically; errors ignored)."""
        if self.cache is None or not entries:
            return
        self.entries.update(entries)
        data: dict[str, Any] = {"stamp": self.stamp(), "reports": {k: list(v) for k, v in self.entries.items()}}
        self.cache.write("progress", self.name, json.dumps(data, ensure_ascii=False).encode("utf-8"))
