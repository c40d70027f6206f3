"""The session layer's former name: everything here now lives in
:mod:`tui.session` (import from there). Kept so that older imports keep
working while branches written against it are merged."""

from tui.session import *  # noqa: F401,F403
from tui.session import __all__  # noqa: F401
