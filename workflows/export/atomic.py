"""Atomic file writes: a failed export leaves no half-written file and an
existing file untouched."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from .errors import ExportError


def _describe(exc: OSError, path: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"没有权限写入“{path}”（文件可能正被 WPS/Word 打开，或文件夹只读）"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入“{path}”"
    if exc.errno == errno.EROFS:
        return f"“{path.parent}”所在的磁盘是只读的，无法写入“{path.name}”"
    if exc.errno == errno.ENAMETOOLONG:
        return f"文件名太长，无法写入“{path}”，请换一个短一些的文件名"
    reason = exc.strerror or str(exc)
    return f"无法写入“{path}”：{reason}"


def _umask() -> int:
    """The process umask, read without changing it (os.umask is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def check_target(path: Path) -> None:
    """Refuse, before any rendering, a target that can never be written."""
    if path.name in ("", ".", ".."):
        raise ExportError(f"“{path}”不是一个文件名")
    if path.is_dir():
        raise ExportError(f"“{path}”是一个文件夹，请给出要保存的文件名")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"文件夹“{parent}”不存在，请先创建它或换一个位置")
    if not parent.is_dir():
        raise ExportError(f"“{parent}”不是文件夹，无法在其中保存“{path.name}”")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"没有权限在文件夹“{parent}”中保存文件，请换一个位置")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder,
    fsync it and rename it into place."""
    path = Path(path)
    check_target(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise ExportError(_describe(exc, path)) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            try:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise ExportError(_describe(exc, path)) from None
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
