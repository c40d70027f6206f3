"""Atomic file writes: a failed export leaves no half-written file and an
existing file untouched."""

from __future__ import annotations

import errno
import os
import stat
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


def _tmp_prefix(name: str) -> str:
    return f".{name[:40]}."


def cleanup_stale_tmp(path: Path) -> None:
    """Temporary files of earlier exports to ``path`` whose process is gone
    (killed before it could remove them): ``.<name>.<pid>.<random>.tmp``."""
    prefix = _tmp_prefix(path.name)
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or pid_alive(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        except OSError:
            pass


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder,
    fsync it and rename it into place."""
    path = check_target(Path(path))
    cleanup_stale_tmp(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{_tmp_prefix(path.name)}{os.getpid()}.", suffix=".tmp", dir=path.parent
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
            check_target(path)  # still a regular file (not swapped for a FIFO meanwhile)
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
