"""Running a command's function: exceptions become a Chinese message on
stderr and an exit code."""

from __future__ import annotations

import argparse
import os
import sys

from .base import (
    DEBUG_ENV,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_REPORT,
    PROG,
    CliError,
    err,
)


def run(handler: str, args: argparse.Namespace) -> int:
    """Run ``handler`` (``"module:function"`` in this package) on ``args``."""
    from workflows.cache import Cache

    args.cache = cache = Cache.default()  # the one cache of this call, passed to what uses it
    cache.keep_compiled_code()  # before the command's modules define their dataclasses
    try:
        return _run(handler, args)
    finally:
        cache.save_compiled_code()


def _run(handler: str, args: argparse.Namespace) -> int:
    from importlib import import_module

    module, _, name = handler.partition(":")
    try:
        func = getattr(import_module(f"{__package__}.{module}"), name)
        return int(func(args))
    except KeyboardInterrupt:
        err("\n已中断。已保存的答案不会丢失。")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. "| head"); stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_FAILED
    except Exception as exc:
        code = exit_code(exc)
        if code is None and isinstance(exc, OSError):
            message = os_error_message(exc)
            if message is not None:
                err(f"{PROG}：{message}")
                return EXIT_FAILED
        if code is None:
            if os.environ.get(DEBUG_ENV):
                raise
            err(f"{PROG}：出现意外错误（{type(exc).__name__}：{exc}）。已保存的答案不受影响。"
                f"设置环境变量 {DEBUG_ENV}=1 可查看详细信息。")
            return EXIT_FAILED
        err(f"{PROG}：{exc}")
        return code


def exit_code(exc: BaseException) -> int | None:
    """Exit code for a library error, or None for an unexpected exception."""
    if isinstance(exc, CliError):
        return exc.code
    from store.errors import (
        Ambiguous,
        DeletedError,
        LockedError,
        NotFound,
        ReadOnlyError,
        StoreError,
    )

    if isinstance(exc, (NotFound, Ambiguous, LockedError, ReadOnlyError, DeletedError)):
        return EXIT_REPORT
    if isinstance(exc, StoreError):
        return EXIT_FAILED
    from tui.session import SessionError
    from workflows.answers import AnswersFileError
    from workflows.loader import WorkflowError
    from workflows.values import AnswerError

    if isinstance(exc, (SessionError, AnswersFileError, WorkflowError, AnswerError)):
        return EXIT_FAILED
    if "workflows.export" in sys.modules:
        from workflows.export import ExportError

        if isinstance(exc, ExportError):
            return EXIT_FAILED
    return None


def os_error_message(exc: OSError) -> str | None:
    """A Chinese message for an OSError the user can act on, or None."""
    import errno

    name = exc.filename if isinstance(exc.filename, str) else ""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        where = f"写入“{name}”时" if name else "写入时"
        return (f"磁盘空间不足，{where}失败：这次的修改没有写入，已保存的内容保持上一次成功保存时的样子。"
                "请清理磁盘空间后重试。")
    if exc.errno == errno.ENAMETOOLONG:
        shown = name if len(name) <= 60 else name[:40] + "…" + name[-12:]
        return f"文件名或路径太长：“{shown}”（一个文件名最多 255 字节，约 85 个汉字）。请换一个短一些的名字。"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and name:
        from pathlib import Path

        path = Path(name)
        for candidate in (path, *path.parents):
            if candidate.exists() and not candidate.is_dir():
                return (f"“{candidate}”应是文件夹，现在却是一个文件（可能被误替换）。"
                        "请把它改名移开，或换用别的位置，然后重试；其他已保存的内容未受影响。")
    if exc.errno in (errno.EACCES, errno.EPERM) and name:
        return f"没有权限访问“{name}”。"
    if exc.errno == errno.EROFS:
        return f"“{name}”所在的磁盘是只读的，无法写入。"
    return None
