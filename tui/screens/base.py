"""The base classes of every screen and dialog of the app.

``self.app`` is typed as :class:`~tui.app.ShuzhiApp` (Textual types it as
``App[object]``), so that a screen's calls into the app (``get_store``,
``show_error``, ``open_report``, ``today``) are checked. Dialogs are typed
by what they return: ``ModalScreen[bool]`` and the like, pushed with a
callback or awaited with ``push_screen_wait``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:  # pragma: no cover
    from ..app import ShuzhiApp

ResultType = TypeVar("ResultType")


class BaseScreen(Screen[ResultType]):
    """A full screen of the app (home, wizard, preview, new report)."""

    if TYPE_CHECKING:

        @property
        def app(self) -> ShuzhiApp: ...  # type: ignore[override]


class BaseDialog(ModalScreen[ResultType]):
    """A dialog over a screen; it returns a ``ResultType`` when it closes."""

    if TYPE_CHECKING:

        @property
        def app(self) -> ShuzhiApp: ...  # type: ignore[override]
