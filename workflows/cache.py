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
    path = _CACHE_DIR / "templates"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return path
