"""Run a loader once, safely from any thread: the registries of field
types and editors fill on first use, and the app asks them from its
loading worker and its main thread at the same time. Marked done only when
the loader has finished (a half-filled registry made a field vanish)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Once:
    """``Once(load)()`` runs ``load`` the first time only; other threads wait for it."""

    def __init__(self, load: Callable[[], None]) -> None:
        self._load = load
        self._done = False
        self._lock = threading.RLock()  # the loader may ask the registry again

    def __call__(self) -> None:
        if self._done:
            return
        with self._lock:
            if self._done:
                return
            self._load()
            self._done = True
