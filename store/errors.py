"""Store errors. Every message is Chinese and meant for the user as is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .backups import BackupInfo
    from .locks import LockInfo


class StoreError(Exception):
    """Base of every store failure; ``str(err)`` is a Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(StoreError):
    """No report matches the id, id prefix or title prefix."""


class Ambiguous(StoreError):
    """Several reports match; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: Sequence[object] = ()):
        super().__init__(message)
        self.candidates = list(candidates)


class ReadOnlyError(StoreError):
    """A write on a report opened read-only (usually: another session edits it)."""


class LockedError(StoreError):
    """The operation needs the report's write lock, which another session holds."""

    def __init__(self, message: str, locked_by: LockInfo | None = None):
        super().__init__(message)
        self.locked_by = locked_by


class InvalidValueError(StoreError):
    """A value or argument the store cannot save (not JSON, bad title, ...)."""


class DeletedError(StoreError):
    """The report is in the recycle bin; restore it first."""


class DamagedFileError(StoreError):
    """A file could not be read. It was moved aside (``moved_to``), never overwritten.

    ``backup`` is the most recent good backup, if any: offer
    ``Store.restore_backup(report_id)``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path,
        reason: str,
        moved_to: Path | None = None,
        backup: BackupInfo | None = None,
        report_id: str | None = None,
    ):
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.moved_to = moved_to
        self.backup = backup
        self.report_id = report_id


class FutureSchemaError(StoreError):
    """A file written by a newer shuzhi (higher schema version); left untouched."""

    def __init__(self, message: str, *, path: Path, found: int, supported: int):
        super().__init__(message)
        self.path = path
        self.found = found
        self.supported = supported


class AnswersImportError(StoreError):
    """An answers file was rejected; nothing was saved. ``problems`` lists each."""

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.problems = list(problems)
