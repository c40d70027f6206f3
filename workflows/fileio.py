"""The one atomic file writer, used by the store, the exporters and the caches.

The bytes go to a temporary file in the target's folder, which is fsynced,
then renamed over the target with ``os.replace`` (atomic on POSIX and
Windows), and finally the folder itself is fsynced so that the rename survives
a power cut. A reader, or a process killed at any instant, sees either the old
file or the new one, never a mixture or a truncated file; the temporary file
is removed on every failure.

Temporary files are named ``.<target>.<pid>.<random>.tmp`` so that leftovers
of a killed process can be recognised (:func:`cleanup_stale_tmp`).

Errors are raised as ``OSError``: each caller words them for its user.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".tmp"
PRIVATE = 0o600


def tmp_prefix(name: str) -> str:
    """The start of every temporary file name written for target ``name``."""
    return f".{name[:40]}."


def tmp_name(target: Path) -> Path:
    # os.urandom is what secrets.token_hex reads, without importing secrets
    # (and with it base64, hmac, hashlib and random: ≈ 5 ms of a Word export).
    return target.with_name(f"{tmp_prefix(target.name)}{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}")


def umask() -> int:
    """The process umask, read without changing it (os.umask is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def fsync_dir(path: Path) -> None:
    """Flush a directory entry change (rename, create, unlink) to disk."""
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: Path, dst: Path) -> None:
    if os.name != "nt":
        os.replace(src, dst)
        return
    # Windows refuses to replace a file another process has open for an
    # instant (a reader, an antivirus scan): retry for a moment.
    import time

    for attempt in range(50):  # pragma: no cover - Windows only
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == 49:
                raise
            time.sleep(0.02)


def write_atomic(
    target: Path,
    data: bytes,
    *,
    mode: int | None = PRIVATE,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Replace ``target`` with ``data``.

    ``mode``: the new file's permission bits (default 0600, whatever the
    umask: the store and the caches hold answer text). ``None`` keeps an
    existing file's bits and gives a new file the umask's (an exported
    document the user shares). ``durable=False`` skips the fsyncs (a cache
    that can always be rebuilt). ``before_replace`` runs just before the
    rename (an exporter re-checks that the target is still a regular file);
    what it raises aborts the write."""
    target = Path(target)
    tmp = tmp_name(target)
    create_mode = PRIVATE if mode is None else mode
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), create_mode)
    try:
        try:
            if os.name == "posix":
                if mode is None:
                    try:
                        bits = os.stat(target).st_mode & 0o7777
                    except FileNotFoundError:
                        bits = 0o666 & ~umask()
                    os.fchmod(fd, bits)
                else:
                    os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        _replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        try:
            fsync_dir(target.parent)
        except OSError:
            pass


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` running on this host? Never signals anything (one
    we may not signal counts as running)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def cleanup_stale_tmp(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the temporary files in ``folder`` (of target ``name`` only, when
    given) whose writing process is gone (killed before it could remove
    them). Returns the paths removed."""
    prefix = tmp_prefix(name) if name is not None else "."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        entry_name = entry.name
        if not (entry_name.startswith(prefix) and entry_name.endswith(TMP_SUFFIX)):
            continue
        parts = entry_name[len(prefix):].split(".") if name is not None else entry_name.split(".")
        pid_text = parts[0] if name is not None else (parts[-3] if len(parts) >= 4 else "")
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or pid_alive(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed
