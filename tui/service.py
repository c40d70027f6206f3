"""The session layer's former name: everything here now lives in
:mod:`tui.session` (import from there). Kept so that older imports keep
working while branches written against it are merged."""

from tui.session import *
from tui.session import __all__
