"""Answers: ``fill``, ``answers`` and ``ask``."""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any, cast

from .base import EXIT_OK, CliError, err, open_report, out


def cmd_fill(args: argparse.Namespace) -> int:
    with open_report(args, write=True) as session:
        if args.file == "-":
            text = _read_stdin_text()
            fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
            imported = session.import_answers_text(text, fmt, "标准输入")
        else:
            imported = session.import_answers_file(args.file)
        # The full check, kept in the cache (a ``check`` right after is
        # warm) and, when the session closes, in the index (``list``).
        result = session.full_check()
    out(f"已保存 {len(imported)} 项答案到报告“{session.title}”（{session.report_id}）。")
    pending = len(result.of_severity("pending"))
    errors = len(result.of_severity("error"))
    if pending or errors:
        out(f"还有 {pending} 处待填、{errors} 处错误（详见 shuzhi check {session.report_id}）。")
    return EXIT_OK


def cmd_answers(args: argparse.Namespace) -> int:
    with open_report(args, readonly=True) as session:
        sys.stdout.write(session.export_answers(args.format))
        drafts = session.drafts
    if drafts:
        where = "已作为注释附在末尾" if args.format == "yaml" else "JSON 不能带注释，未输出"
        listing = "、".join(sorted(drafts))
        err(f"注意：{len(drafts)} 个字段的输入未通过校验，是草稿而不是答案（{where}）：{listing}")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from tui.ask import run_ask

    with open_report(args, write=True) as session:
        return run_ask(
            session, cast(IO[str], _Utf8Lines(sys.stdin)), sys.stdout,  # the readline/isatty run_ask uses
            only_pending=getattr(args, "pending", False), start_item=getattr(args, "item", None),
        )


def _read_stdin_text() -> str:
    """Standard input as UTF-8 text; other encodings are named with a hint."""
    from workflows.safeparse import ParseLimitError, decode_text, read_bounded

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream handed in (tests)
        return sys.stdin.read()
    try:
        return decode_text(read_bounded(buffer))
    except ParseLimitError as exc:
        raise CliError("标准输入" + "；".join(exc.problems) + "。未保存任何内容。") from None


class _Utf8Lines:
    """Lines of a stream decoded as UTF-8 one at a time: a line in another
    encoding is reported (with a hint) and skipped, not fatal."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buffer = getattr(stream, "buffer", None)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def readline(self) -> str:
        if self.buffer is None:
            return self.stream.readline()
        from workflows.safeparse import encoding_hint

        while True:
            raw = self.buffer.readline()
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                err(f"\n这一行输入{encoding_hint(raw, typed=True)}。这一行未保存，请重新输入。")
