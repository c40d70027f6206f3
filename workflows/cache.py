"""Where the engine may keep compiled templates between runs (optional).

The domain code never chooses a folder itself: an entry point (the CLI or the
app) calls ``set_cache_dir`` with the user's cache folder before the first
report is assembled. Without it every process compiles its templates anew,
which costs time, not correctness.
"""

from __future__ import annotations

from pathlib import Path

_CACHE_DIR: Path | None = None


def set_cache_dir(directory: str | Path | None) -> None:
    global _CACHE_DIR
    _CACHE_DIR = Path(directory) if directory is not None else None


def template_cache_dir() -> Path | None:
    """The template cache folder, created (mode 0700) on first use; None if
    unset or not writable."""
    if _CACHE_DIR is None:
        return None
    return private_cache_dir("templates")


def private_cache_dir(*parts: str) -> Path | None:
    """A folder inside the cache folder, both mode 0700 (created so, and
    tightened when they are ours and looser: the cache holds answer text);
    None if unset or not writable. Files in it are written 0600."""
    import os

    if _CACHE_DIR is None:
        return None
    path = _CACHE_DIR
    try:
        _private(path, parents=True)
        for part in parts:
            path = path / part
            _private(path)
    except OSError:
        return None
    return path


def _private(path: Path, parents: bool = False) -> None:
    import os

    path.mkdir(mode=0o700, parents=parents, exist_ok=True)
    if os.name == "posix":
        info = os.stat(path)
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """``data`` to ``path`` (mode 0600) through the one atomic writer; not
    fsynced (a cache can always be rebuilt)."""
    from .fileio import write_atomic

    write_atomic(path, data, durable=False)
