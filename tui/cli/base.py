"""What every command shares: exit codes, CliError, output, the store and
the session of one report."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REPORT = 3
EXIT_INTERRUPTED = 130

PROG = "shuzhi"
DEBUG_ENV = "SHUZHI_DEBUG"


class CliError(Exception):
    """A failure to report on stderr with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ------------------------------------------------------------------ output


# Set by a command once all its work is durably done and printed (an
# export): the ``shuzhi`` entry point may then skip the interpreter's
# teardown (tui.cli.entry). Never read by main(), which tests call in process.
teardown_skippable = False


def skip_teardown() -> None:
    global teardown_skippable
    teardown_skippable = True


def out(text: str = "") -> None:
    from workflows.render.controls import visible

    sys.stdout.write(visible(text, lines=True) + "\n")


def err(text: str) -> None:
    from workflows.render.controls import visible

    sys.stderr.write(visible(text, lines=True) + "\n")


_WIDE: dict[str, int] = {}  # character -> 1 when it takes two columns, else 0


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two): one
    per character, plus one per wide character (each character looked up
    once per process: a listing measures some 8,000 characters)."""
    if text.isascii():
        return len(text)
    wide = _WIDE
    missing = set(text).difference(wide)
    if missing:
        import unicodedata

        for ch in missing:
            wide[ch] = 1 if unicodedata.east_asian_width(ch) in ("W", "F") else 0
    return len(text) + sum(map(wide.__getitem__, text))


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(rows: list[tuple[str, ...]]) -> None:
    """Print rows with every column but the last padded to one width."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        out("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])


def print_json(data: Any) -> None:
    import json

    out(json.dumps(data, ensure_ascii=False, indent=2))


def is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def dumb_terminal() -> bool:
    return os.environ.get("TERM", "") == "dumb"


def full_screen_possible() -> bool:
    return is_tty(sys.stdout) and is_tty(sys.stdin) and not dumb_terminal()


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (COLUMNS, else the terminal on
    stdout, else 80) without importing shutil and with it the compression
    modules (≈ 2 ms at every start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("shuzhi")
    except PackageNotFoundError:
        return "（未安装）"


# ------------------------------------------------------------------ store


def data_dir(args: argparse.Namespace) -> Any:
    """The data directory (created if missing), by store.paths' precedence."""
    from store.paths import data_dir as resolve

    return resolve(getattr(args, "data_dir", None))


def data_dir_if_exists(args: argparse.Namespace) -> Any:
    """The data directory without creating it (None if it does not exist)."""
    from store.paths import locate

    path, _source = locate(getattr(args, "data_dir", None))
    return path if path.is_dir() else None


def open_store(args: argparse.Namespace) -> Any:
    from store import Store, paths

    store = Store(data_dir(args))
    if paths.last_warning:  # others can read the data directory
        err(paths.last_warning)
        paths.last_warning = None
    return store


def open_report(args: argparse.Namespace, *, write: bool = False, readonly: bool = False) -> Any:
    """The session of the report named by ``args.report``."""
    from tui.session import open_session

    return open_session(open_store(args), args.report, write=write, readonly=readonly, cache=cache_of(args))


def cache_of(args: argparse.Namespace) -> Any:
    """The cache this call's entry point made (``workflows.cache.Cache``; None: memory only)."""
    return getattr(args, "cache", None)
