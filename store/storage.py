"""A TinyDB storage that never leaves a half-written file.

TinyDB's own ``JSONStorage`` rewrites its file in place (seek, write,
truncate): a crash in the middle leaves a truncated or mixed file. This
storage writes a temporary file in the same directory, fsyncs it, renames it
over the old file and fsyncs the directory (see :func:`store._fs.atomic_write`).

It also keeps the last committed state in memory, so a session holding a
report's write lock does not re-read and re-parse its file on every TinyDB
operation, and it offers :meth:`DurableJSONStorage.batch` to group several
TinyDB operations into one durable write (all or nothing). There is no
CachingMiddleware: a write returns only once it is on disk.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from tinydb.storages import Storage

from . import _fs
from .errors import ReadOnlyError

Loader = Callable[[bytes], dict]


def _copy_tables(data: dict) -> dict:
    # TinyDB mutates the tables and documents it reads (in place) before it
    # writes them back; hand it copies so a failed write cannot change the
    # committed state. Values are replaced, never mutated, by TinyDB.
    return {name: {k: dict(doc) for k, doc in table.items()} for name, table in data.items()}


class DurableJSONStorage(Storage):
    """TinyDB storage with atomic, fsynced whole-file replacement.

    ``data`` is the initial committed state (already loaded and validated by
    the caller); if None, the file is read with ``loader`` on first use.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        data: dict | None = None,
        loader: Loader | None = None,
        readonly: bool = False,
        readonly_message: str = "只读打开，不能修改",
    ):
        super().__init__()
        self.path = Path(path)
        self._loader = loader
        self._data: dict | None = data
        self._raw: bytes | None = None
        self.readonly = readonly
        self.readonly_message = readonly_message
        self._pending: dict | None = None
        self._depth = 0
        self._mutex = threading.RLock()
        self.writes = 0

    # -- TinyDB interface -------------------------------------------------
    def read(self) -> Optional[dict[str, dict[str, Any]]]:
        with self._mutex:
            if self._depth:
                if self._pending is None:
                    self._pending = _copy_tables(self._committed())
                return self._pending
            return _copy_tables(self._committed())

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        with self._mutex:
            if self.readonly:
                raise ReadOnlyError(self.readonly_message)
            if self._depth:
                self._pending = data
                return
            self._commit(data)

    def close(self) -> None:
        pass

    # -- extras -------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group TinyDB operations into one durable write, all or nothing."""
        with self._mutex:
            self._depth += 1
            ok = False
            try:
                yield
                ok = True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    pending, self._pending = self._pending, None
                    if ok and pending is not None:
                        self._commit(pending)

    @property
    def data(self) -> dict:
        """The committed state (do not mutate)."""
        with self._mutex:
            return self._committed()

    @property
    def raw(self) -> bytes:
        """The bytes of the committed state as they are on disk."""
        with self._mutex:
            if self._raw is None:
                self._raw = _fs.dumps(self._committed())
            return self._raw

    def replace_all(self, data: dict) -> None:
        """Durably replace the whole file with ``data``."""
        with self._mutex:
            if self.readonly:
                raise ReadOnlyError(self.readonly_message)
            self._commit(data)

    def _committed(self) -> dict:
        if self._data is None:
            if self._loader is None:
                raise RuntimeError("storage has neither data nor loader")
            raw = self.path.read_bytes()
            self._data = self._loader(raw)
            self._raw = None
        return self._data

    def _commit(self, data: dict) -> None:
        raw = _fs.dumps(data)
        _fs.atomic_write(self.path, raw)
        self._data = data
        self._raw = raw
        self.writes += 1
