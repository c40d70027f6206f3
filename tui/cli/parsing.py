"""Command-line parsing through argparse's public API, with help built here.

Every command is declared once in :mod:`tui.cli.commands` as a
:class:`Command` of :class:`Option` rows. From that table this module builds
one ``argparse.ArgumentParser`` per command (``add_help=False``,
``exit_on_error=False``, ``allow_abbrev=False``; only the command being run
is built) and writes the Chinese help text itself, wrapped by display width
(a Chinese character takes two columns). argparse's own English messages
never reach the user: required positionals and choices are checked here or
by ``type=`` callables that raise ``ArgumentTypeError`` in Chinese.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .base import terminal_columns, width

HELP_COLUMN_MAX = 30  # where option help starts, at most (as argparse's max_help_position)


class Option(NamedTuple):
    """One option or positional argument: the keyword arguments of
    ``add_argument`` plus what the help needs."""

    flags: tuple[str, ...]
    help: str
    metavar: str | None = None  # None: a flag without a value
    dest: str | None = None
    default: Any = None
    nargs: str | None = None  # positionals only: None (one), "?" or "+"
    choices: tuple[str, ...] | None = None

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")

    @property
    def required(self) -> bool:
        return self.positional and self.nargs != "?"

    def invocation(self) -> str:
        if self.positional:
            return self.metavar or self.flags[0]
        if self.metavar is None:
            return ", ".join(self.flags)
        return ", ".join(f"{flag} {self.metavar}" for flag in self.flags)

    def usage(self) -> str:
        if self.positional:
            name = self.metavar or self.flags[0]
            return {"?": f"[{name}]", "+": f"{name} [{name} ...]"}.get(self.nargs or "", name)
        text = self.flags[0] if self.metavar is None else f"{self.flags[0]} {self.metavar}"
        return f"[{text}]"


class Command(NamedTuple):
    """A command: its name, one-line summary, options and handler
    (``"module:function"`` in this package, imported when it runs); or, with
    ``subcommands``, a family of commands (``shuzhi workflow show``)."""

    name: str
    summary: str
    handler: str = ""
    options: tuple[Option, ...] | Callable[[], tuple[Option, ...]] = ()
    description: str | None = None
    epilog: str | None = None
    subcommands: tuple[Any, ...] = ()  # of Command

    def all_options(self) -> tuple[Option, ...]:
        return self.options() if callable(self.options) else self.options


HELP = Option(("-h", "--help"), "显示此帮助并退出")


class UsageError(Exception):
    """Bad command line: the message and the program (``shuzhi list``) it is about."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class HelpRequested(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Help(argparse.Action):
    """-h/--help: stop parsing and show the help built by :func:`help_text`."""

    def __init__(self, option_strings: Sequence[str], dest: str, text: Callable[[], str], **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS)
        self.text = text

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        raise HelpRequested(self.text())


class _Parser(argparse.ArgumentParser):
    """argparse's remaining calls to ``error`` become a :class:`UsageError`."""

    def error(self, message: str) -> Any:
        raise UsageError(self.prog, message)


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse makes a formatter in every add_argument (its help is never
    shown: ours is); given a width, it does not import shutil and the
    compression modules with it (≈ 3 ms at every start)."""
    return argparse.HelpFormatter(prog, width=80)


def one_of(choices: Sequence[str]) -> Callable[[str], str]:
    """A ``type=`` callable accepting only ``choices``."""

    def check(value: str) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(f"“{value}”不是可用的值（可选：{'、'.join(choices)}）")
        return value

    return check


# argparse's messages about the number of values an option takes
_NARGS_MESSAGES = {"expected one argument": "需要一个值", "expected at least one argument": "至少需要一个值"}


def _message(exc: argparse.ArgumentError) -> str:
    text = _NARGS_MESSAGES.get(exc.message, exc.message)
    if exc.message.startswith("ignored explicit argument"):
        text = "这个选项不带值"
    return f"参数 {exc.argument_name}：{text}" if exc.argument_name else text


def parse(prog: str, options: Sequence[Option], argv: Sequence[str], namespace: argparse.Namespace,
          help_text: Callable[[], str]) -> argparse.Namespace:
    """Parse ``argv`` by ``options`` into ``namespace``; raises UsageError or HelpRequested."""
    parser = _Parser(prog=prog, add_help=False, allow_abbrev=False, exit_on_error=False,
                     formatter_class=_formatter)
    parser.add_argument(*HELP.flags, action=_Help, text=help_text)
    for opt in options:
        kw: dict[str, Any] = {"help": opt.help}
        if opt.choices is not None:
            kw["type"] = one_of(opt.choices)
        if opt.positional:
            kw.update(metavar=opt.metavar, nargs="*" if opt.nargs == "+" else "?", default=opt.default)
            parser.add_argument(opt.flags[0], **kw)
            continue
        if opt.metavar is None:
            kw["action"] = "store_true"
        else:
            kw["metavar"] = opt.metavar
        if opt.dest is not None:
            kw["dest"] = opt.dest
        kw["default"] = opt.default
        parser.add_argument(*opt.flags, **kw)
    try:
        args, extras = parser.parse_known_intermixed_args(list(argv), namespace)
    except argparse.ArgumentError as exc:
        raise UsageError(prog, _message(exc)) from None
    if extras:
        raise UsageError(prog, f"无法识别的参数：{' '.join(extras)}")
    missing = [opt.metavar or opt.flags[0] for opt in options
               if opt.required and getattr(args, opt.flags[0]) in (None, [])]
    if missing:
        raise UsageError(prog, f"缺少必需的参数：{', '.join(missing)}")
    return args


def usage_message(error: UsageError) -> str:
    return f"{error.prog}：用法错误：{error.message}\n（运行“{error.prog} --help”查看用法）\n"


# ------------------------------------------------------------------ help

_NO_LINE_START = "，。、；：！？）》」』”’…"


def wrap(text: str, columns: int, indent: int = 0) -> list[str]:
    """``text`` in lines of at most ``columns`` display columns; Chinese
    breaks between any two characters (not before closing punctuation),
    other words at spaces; continuation lines indented by ``indent``."""
    columns = max(columns, indent + 10)
    tokens: list[str] = []
    word = ""
    for ch in text:
        if width(ch) == 2 or ch == " ":
            if word:
                tokens.append(word)
                word = ""
            if tokens and ch in _NO_LINE_START:
                tokens[-1] += ch
            else:
                tokens.append(ch)
        elif ch in _NO_LINE_START and not word and tokens:
            tokens[-1] += ch
        else:
            word += ch
    if word:
        tokens.append(word)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if line and width(line) + width(token) > columns:
            lines.append(line.rstrip())
            line = " " * indent
            if token == " ":
                continue
        line += token
    lines.append(line.rstrip())
    return lines


def _columns() -> int:
    return max(terminal_columns() - 2, 40)


def _rows(rows: Sequence[tuple[str, str]], column: int) -> list[str]:
    """Two columns, ``name  help``, the help starting at ``column``, wrapped."""
    columns = _columns()
    lines = []
    for name, text in rows:
        head = "  " + name
        if width(head) + 2 > column:
            lines.append(head)
            head = ""
        head += " " * (column - width(head))
        body = wrap(text, columns - column)
        lines.append(head + body[0])
        lines.extend(" " * column + rest for rest in body[1:])
    return lines


def _usage(prog: str, parts: Sequence[str]) -> str:
    lead = f"用法：{prog} "
    lines, line = [], lead
    for part in parts:
        if width(line) + width(part) > _columns() and line.strip() != lead.strip():
            lines.append(line.rstrip())
            line = " " * width(lead)
        line += part + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    return [part for line in text.split("\n") for part in wrap(line, _columns())]


def help_text(prog: str, options: Sequence[Option], description: str | None = None,
              epilog: str | None = None, trailing: Sequence[str] = (),
              sections: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()) -> str:
    """The help of one parser: usage, description, positionals, options,
    any ``sections`` (title, rows) and the epilog."""
    flags = [HELP, *(opt for opt in options if not opt.positional)]
    positionals = [opt for opt in options if opt.positional]
    parts = [opt.usage() for opt in flags] + [opt.usage() for opt in positionals] + list(trailing)
    out = [_usage(prog, parts)]
    if description:
        out += ["", *_paragraphs(description)]
    groups = [("位置参数", [(opt.invocation(), opt.help) for opt in positionals]),
              ("选项", [(opt.invocation(), opt.help) for opt in flags]), *sections]
    names = [name for _, rows in groups for name, _ in rows]
    column = min(max(width(name) for name in names) + 4, HELP_COLUMN_MAX)
    for title, rows in groups:
        if rows:
            out += ["", f"{title}：", *_rows(rows, column)]
    if epilog:
        out += ["", *_paragraphs(epilog)]
    return "\n".join(out) + "\n"


