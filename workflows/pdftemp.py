"""The private temporary folders of PDF exports (``$TMPDIR/shuzhi-pdf-*``,
mode 0700, holding LibreOffice's profile and a private home) and their
clean-up after an export that was killed.

Kept apart from :mod:`workflows.export.pdf` so that every start of shuzhi
(the CLI and the app call :func:`cleanup_at_start`) can clean up without
importing the export package: a scan of one folder, a few milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .fileio import pid_alive

TEMP_PREFIX = "shuzhi-pdf-"
OWNER_FILE = "owner.pid"  # the pid of the shuzhi that made the folder


def temp_root() -> Path:
    """The folder ``tempfile.gettempdir()`` gives, where PDF exports make their
    folders, found without importing :mod:`tempfile` at every start (it costs
    a few milliseconds): the first of $TMPDIR, $TEMP, $TMP that is a folder,
    else the platform's default."""
    if "tempfile" in sys.modules:
        return Path(sys.modules["tempfile"].gettempdir())
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.environ.get(name)
        if value and os.path.isdir(value):
            return Path(value)
    if os.name == "nt":  # pragma: no cover - Windows keeps its own rules
        import tempfile

        return Path(tempfile.gettempdir())
    return Path("/tmp")


def cleanup_leftovers() -> list[Path]:
    """Temporary folders of earlier PDF exports whose shuzhi is gone (a
    watchdog that could not run, a power cut): any LibreOffice still using
    one is killed, then the folder removed. A folder whose owner is alive,
    or that is not the user's own, is kept. Returns the folders removed."""
    removed: list[Path] = []
    root = temp_root()
    try:
        candidates = [root / name for name in os.listdir(root) if name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for folder in candidates:
        try:
            info = folder.lstat()
            if not folder.is_dir() or folder.is_symlink() or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                continue
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or pid_alive(owner):
            continue
        import shutil  # here, not at the top: only a leftover needs it (≈ 2 ms with its compression modules)

        _kill_users_of(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def cleanup_at_start() -> list[Path]:
    """:func:`cleanup_leftovers` when shuzhi starts (the CLI and the app);
    never raises: a folder that cannot be removed waits for the next start."""
    try:
        return cleanup_leftovers()
    except Exception:  # noqa: BLE001 - clean-up is best effort, never a reason not to start
        return []


def _kill_users_of(folder: Path) -> None:
    """Kill the processes whose command line names ``folder`` (Linux)."""
    import signal

    needle = str(folder).encode()
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:
            continue
        if needle in cmdline and pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
