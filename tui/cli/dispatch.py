"""From a command line to the function that runs it and its arguments.

The global options come before the command (``shuzhi --data-dir D list``)
or after it (``shuzhi list --data-dir D``; the later one wins); only the
named command's parser is built."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .base import PROG, version
from .commands import (
    COMMAND_OPTIONS,
    COMMANDS,
    DESCRIPTION,
    EPILOG,
    GLOBAL_OPTIONS,
    Command,
)
from .parsing import HelpRequested, Option, UsageError, help_text, parse

APP_HANDLER = "app:cmd_app"  # no command: the full-screen app


class ShowHelp(Exception):
    """Show this help on stderr and exit with the usage code."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _leading_options(argv: Sequence[str], options: Sequence[Option]) -> int:
    """How many words at the start of ``argv`` are options (with their values)."""
    takes_value = {flag for opt in options if opt.metavar is not None for flag in opt.flags}
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in ("-", "--"):
        i += 2 if argv[i] in takes_value else 1
    return min(i, len(argv))


def _rows(commands: Sequence[Command]) -> list[tuple[str, str]]:
    return [(c.name, c.summary) for c in commands]


def top_help() -> str:
    return help_text(PROG, GLOBAL_OPTIONS, DESCRIPTION, EPILOG, trailing=["命令 ..."],
                     sections=[("命令", _rows(COMMANDS))])


def _family_help(prog: str, family: Command) -> str:
    return help_text(prog, COMMAND_OPTIONS, family.description or family.summary, family.epilog,
                     trailing=["子命令 ..."], sections=[("子命令", _rows(family.subcommands))])


def _command_help(prog: str, command: Command, options: Sequence[Option]) -> str:
    return help_text(prog, options, command.description or command.summary, command.epilog)


def resolve(argv: Sequence[str]) -> tuple[str, argparse.Namespace]:
    """The handler (``"module:function"``) and arguments of this command line;
    raises HelpRequested, ShowHelp or UsageError."""
    n = _leading_options(argv, GLOBAL_OPTIONS)
    args = parse(PROG, GLOBAL_OPTIONS, argv[:n], argparse.Namespace(), top_help)
    if args.version:
        raise HelpRequested(f"{PROG} {version()}\n")
    del args.version
    found = _command(PROG, COMMANDS, "命令", argv[n:], args)
    return found if found is not None else (APP_HANDLER, args)


def _command(prog: str, commands: Sequence[Command], title: str, argv: Sequence[str],
             args: argparse.Namespace) -> tuple[str, argparse.Namespace] | None:
    if not argv:
        return None
    name, rest = argv[0], argv[1:]
    command = next((c for c in commands if c.name == name), None)
    if command is None:
        names = "、".join(c.name for c in commands)
        raise UsageError(prog, f"参数 {title}：没有“{name}”这个命令（可用：{names}）")
    prog = f"{prog} {name}"
    if command.subcommands:
        n = _leading_options(rest, COMMAND_OPTIONS)
        args = parse(prog, COMMAND_OPTIONS, rest[:n], args, lambda: _family_help(prog, command))
        found = _command(prog, command.subcommands, "子命令", rest[n:], args)
        if found is None:
            raise ShowHelp(_family_help(prog, command))
        return found
    options = (*COMMAND_OPTIONS, *command.all_options())
    args = parse(prog, options, rest, args, lambda: _command_help(prog, command, options))
    return command.handler, args
