"""Atomic file writes: a failed export leaves no half-written file and an
existing file untouched."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..fileio import cleanup_stale_tmp, pid_alive, write_atomic
from .errors import ExportError

__all__ = ["atomic_write", "check_target", "pid_alive"]


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


_KINDS = (
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
    (stat.S_ISDIR, "文件夹"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "特殊文件"


def check_target(path: Path) -> Path:
    """Refuse, before any rendering, a target that can never be written,
    or that is not a regular file: only a regular file (or a link to one,
    which is then written through) or a new name. Returns the path to write."""
    if path.name in ("", ".", ".."):
        raise ExportError(f"“{path}”不是一个文件名")
    try:
        return _check_target(path)
    except OSError as exc:
        raise ExportError(_describe(exc, path)) from None


def _check_target(path: Path) -> Path:
    try:
        link = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        link = None  # a new name (a parent that is no folder is reported below)
    if link is not None and stat.S_ISLNK(link.st_mode):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise ExportError(f"“{path}”是一个指向不存在位置的链接，请换一个文件名") from None
        if stat.S_ISDIR(mode):
            raise ExportError(f"“{path}”是指向文件夹的链接，请给出要保存的文件名")
        if not stat.S_ISREG(mode):
            raise ExportError(f"“{path}”是指向{_kind(mode)}的链接，不是普通文件，不能写入；请换一个文件名")
        path = Path(os.path.realpath(path))
    elif link is not None:
        if stat.S_ISDIR(link.st_mode):
            raise ExportError(f"“{path}”是一个文件夹，请给出要保存的文件名")
        if not stat.S_ISREG(link.st_mode):
            raise ExportError(f"“{path}”是{_kind(link.st_mode)}，不是普通文件，不能写入；请换一个文件名")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"文件夹“{parent}”不存在，请先创建它或换一个位置")
    if not parent.is_dir():
        raise ExportError(f"“{parent}”不是文件夹，无法在其中保存“{path.name}”")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"没有权限在文件夹“{parent}”中保存文件，请换一个位置")
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through the one atomic writer
    (:mod:`workflows.fileio`): an existing file keeps its permission bits, a
    new one gets the umask's; leftovers of killed exports are removed first."""
    path = check_target(Path(path))
    cleanup_stale_tmp(path.parent, path.name)

    def still_regular() -> None:  # not swapped for a FIFO while the data was written
        if path.exists():
            check_target(path)

    try:
        write_atomic(path, data, mode=None, before_replace=still_regular)
    except OSError as exc:
        raise ExportError(_describe(exc, path)) from None
