"""The ``shuzhi`` command line.

Every command that does not start the app imports neither Textual nor
python-docx (Word export aside): a command's module is imported only when it
runs, and imports what it needs inside its functions. Errors go to stderr in
Chinese, without a traceback (set SHUZHI_DEBUG=1 to see one), with these
exit codes:

0 success; 1 check failed or invalid input; 2 usage error;
3 report not found, ambiguous, or locked by another session.

Where things are: :mod:`.commands` declares every command and option;
:mod:`.parsing` parses and writes the help; :mod:`.base` holds what the
commands share; :mod:`.errors` maps exceptions to messages and exit codes;
one module per command family runs them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["entry", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``shuzhi`` command; returns the exit code."""
    from .base import EXIT_OK, EXIT_USAGE
    from .dispatch import ShowHelp, resolve
    from .errors import run
    from .parsing import HelpRequested, UsageError, usage_message

    try:
        handler, args = resolve(list(sys.argv[1:] if argv is None else argv))
    except HelpRequested as request:
        sys.stdout.write(request.text)
        return EXIT_OK
    except ShowHelp as request:  # a command family named without its subcommand
        sys.stderr.write(request.text)
        return EXIT_USAGE
    except UsageError as error:
        sys.stderr.write(usage_message(error))
        return EXIT_USAGE
    from workflows.pdftemp import cleanup_at_start

    cleanup_at_start()  # what a killed PDF export left (its shuzhi is gone)
    return run(handler, args)



def entry() -> None:
    """The installed ``shuzhi`` command (and ``python -m tui.cli``): runs
    :func:`main` and exits with its code. A command that asked for it
    (``base.skip_teardown``: an export, once its file is durably written and
    everything is printed) exits without the interpreter's teardown, which
    took 32 ms of a Word export (freeing lxml's and python-docx's objects
    and modules); standard output and error are flushed first."""
    import os

    from . import base

    code = main()
    if base.teardown_skippable:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)
