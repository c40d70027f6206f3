"""Crash logs: the traceback of an unexpected error, kept where only the
user can read it (it may quote answer text).

The log goes in ``crash/`` of the data folder in use (else of the user's
state folder, ``$XDG_STATE_HOME/shuzhi`` on Linux), folder 0700 and file
0600 whatever the umask; never in a shared temporary folder."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

KEEP = 20  # newest logs kept; older ones are removed


def crash_dir(data_dir: Path | None = None) -> Path:
    if data_dir is not None:
        return Path(data_dir) / "crash"
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_STATE_HOME", "").strip()
        root = Path(base) if base.startswith("/") else Path(os.path.expanduser("~/.local/state"))
        return root / "shuzhi" / "crash"
    import platformdirs

    return Path(platformdirs.user_state_dir("shuzhi", appauthor=False)) / "crash"


def write_crash_log(text: str, data_dir: Path | None = None) -> Path | None:
    """Write ``text`` to a new crash log (0600); its path, or None when it
    cannot be written."""
    from store._fs import ensure_private_dir

    folder = crash_dir(data_dir)
    path = folder / f"shuzhi-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        ensure_private_dir(folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8", "backslashreplace"))
    except OSError:
        return None
    try:
        logs = sorted(folder.glob("shuzhi-crash-*.log"))
        for old in logs[:-KEEP]:
            old.unlink()
    except OSError:
        pass
    return path
