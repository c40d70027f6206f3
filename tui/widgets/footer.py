"""The Footer, recomposed only when the keys it shows actually change.

Textual's Footer rebuilds all its key widgets whenever the focused widget
changes, even when the keys shown stay the same; in a form where every
Tab or item change moves the focus, that rebuild costs more than the rest
of the update. This footer compares what it would show first.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen) -> tuple:
    """What the footer would show for ``screen``: (key, description, enabled) per binding."""
    return tuple(
        (binding.key, binding.description, enabled)
        for (_node, binding, enabled, _tooltip) in screen.active_bindings.values()
        if binding.show
    )


class QuietFooter(Footer):
    """A Footer that skips rebuilds when its keys are unchanged."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            keys = shown_keys(screen)
            if keys == self._shown and self._bindings_ready:
                return
            self._shown = keys
        super().bindings_changed(screen)
