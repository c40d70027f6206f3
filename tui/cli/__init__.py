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

__all__ = ["main"]


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

