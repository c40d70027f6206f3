"""Low-level helpers of the store: private directories, moving damaged
files aside, the JSON layout of its files, clocks and the host name.

Writing files is not here: every file the store writes goes through the
project's one atomic writer, :func:`workflows.fileio.write_atomic` (mode
0600 by default), and stale temporary files are removed by
:func:`workflows.fileio.cleanup_stale_tmp`.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from workflows.fileio import fsync_dir

DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing, the leaf mode 0700 whatever
    the umask. An existing folder's mode is never changed (a shared or
    sticky folder given on purpose keeps its bits; see :func:`exposure`)."""
    path = Path(path)
    if path.is_dir():
        return path
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix":
        try:
            if (os.stat(path).st_mode & 0o777) != DIR_MODE:
                os.chmod(path, DIR_MODE)
        except PermissionError:
            pass
    return path


def exposure(path: Path) -> str | None:
    """A Chinese warning when others can read the folder ``path``, else None."""
    if os.name != "posix":
        return None
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        return None
    if not mode & 0o044:
        return None
    who = "其他用户" if mode & 0o004 else "同组用户"
    return (f"注意：数据目录“{path}”的权限是 {mode:04o}，{who}可以读取其中的报告。"
            f"如不需要共享，可运行：chmod 700 '{path}'")


def unique_path(folder: Path, name: str, suffix: str) -> Path:
    """``folder/<name><suffix>``, or ``<name>-1``, ``-2``… if that exists."""
    path = folder / f"{name}{suffix}"
    n = 1
    while path.exists():
        path = folder / f"{name}-{n}{suffix}"
        n += 1
    return path


def move_aside(path: Path, dest_dir: Path, stamp: str) -> Path:
    """Rename ``path`` into ``dest_dir`` as ``<stem>.<stamp><suffix>``; return it."""
    ensure_private_dir(dest_dir)
    dest = unique_path(dest_dir, f"{path.stem}.{stamp}", path.suffix)
    os.replace(path, dest)
    fsync_dir(path.parent)
    if dest_dir != path.parent:
        fsync_dir(dest_dir)
    return dest


_compact = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode


def dumps(data: Any) -> bytes:
    """JSON as UTF-8 with readable Chinese (no \\u escapes).

    A TinyDB database (tables of documents) is laid out one document per
    line, which stays readable and uses the fast C encoder.
    """
    if isinstance(data, dict) and all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    ):
        tables = []
        for name, table in data.items():
            if table:
                docs = ",\n".join(f"  {_compact(str(k))}: {_compact(doc)}" for k, doc in table.items())
                tables.append(f" {_compact(name)}: {{\n{docs}\n }}")
            else:
                tables.append(f" {_compact(name)}: {{}}")
        text = "{\n" + ",\n".join(tables) + "\n}\n"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (read from an old file as a \ud800 escape; new
        # input refuses them) must not make every later save fail: it is
        # written as U+FFFD, the replacement character.
        import re

        return re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")


def now() -> datetime:
    return datetime.now().astimezone()


def iso(dt: datetime | None = None) -> str:
    return (dt or now()).isoformat(timespec="seconds")


def stamp(dt: datetime | None = None) -> str:
    """A file-name-safe, sortable timestamp with microseconds."""
    return (dt or now()).strftime("%Y%m%dT%H%M%S_%f")


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text[:22], "%Y%m%dT%H%M%S_%f")
    except ValueError:
        return None


def hostname() -> str:
    import socket  # here, not at the top: most commands never ask (~4 ms to import)

    try:
        return socket.gethostname() or "?"
    except OSError:
        return "?"

