"""The footer: the keys of the current screen, in one line.

Textual's Footer is a row of widgets (one per key) that it rebuilds
whenever the focus moves; in a form, where Tab and every item change move
the focus, that rebuild and the extra widgets cost more than the rest of
the update. This footer is a single widget that redraws its one line only
when the keys it shows change. Keys of the screen and the app can be
clicked (the mouse is optional).
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


def shown_keys(screen: Screen) -> list[tuple[str, str, str]]:
    """(key as displayed, description, click action or "") per binding shown."""
    app = screen.app
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    palette: tuple[str, str, str] | None = None
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not enabled:
            continue
        if binding.action in ("command_palette", "app.command_palette"):
            palette = (app.get_key_display(binding), binding.description, "app.command_palette")
            continue
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        namespace = "app" if node is app else "screen" if node is screen else ""
        action = f"{namespace}.{binding.action}" if namespace and "." not in binding.action else ""
        out.append((app.get_key_display(binding), binding.description, action))
    if palette is not None and app.ENABLE_COMMAND_PALETTE:
        out.append(palette)
    return out


def _markup(keys: list[tuple[str, str, str]]) -> Content:
    parts = []
    for key, description, action in keys:
        text = f"[b $footer-key-foreground] {Content(key).markup} [/]{Content(description).markup} "
        parts.append(f"[@click={action}]{text}[/]" if action else text)
    return Content.from_markup("".join(parts))


class KeyFooter(Static):
    """One line of keys at the bottom of a screen."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        width: 1fr;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__("")
        self._keys: list[tuple[str, str, str]] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._show_keys()

    def _show_keys(self) -> None:
        keys = shown_keys(self.screen)
        if keys == self._keys:
            return
        self._keys = keys
        self.update(_markup(keys), layout=False)

