"""The footer: the keys of the current screen, in one line.

Textual's Footer is a row of widgets (one per key) that it rebuilds
whenever the focus moves; in a form, where Tab and every item change move
the focus, that rebuild and the extra widgets cost more than the rest of
the update. This footer is a single widget that redraws its one line only
when the keys it shows change. Keys of the screen and the app can be
clicked (the mouse is optional).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

# Key names as printed on keyboards (Space and Enter in Chinese, as the
# help and the guidance call them).
KEY_NAMES = {
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "escape": "Esc",
    "tab": "Tab",
    "enter": "回车",
    "space": "空格",
    "backspace": "退格",
    "delete": "Del",
    "home": "Home",
    "end": "End",
    "insert": "Ins",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Alt"}

# What goes first when the line is too narrow (F1 帮助 lists everything).
DROP_ORDER = (
    "command_palette",
    "app.command_palette",
    "quit",
    "app.quit",
    "focus_tree",
    "toggle_guidance",
    "confirm_copied",
    "prev_item",
    "prev_pending",
    "export",
    "preview",
)


def key_name(key: str) -> str:
    """``ctrl+q`` as ``Ctrl+Q``, ``pagedown`` as ``PgDn``, ``f1`` as ``F1``."""
    parts = key.split("+")
    *mods, base = parts
    if base in KEY_NAMES:
        name = KEY_NAMES[base]
    elif len(base) > 1 and base[0] == "f" and base[1:].isdigit():
        name = base.upper()
    elif len(base) == 1:
        name = base.upper()
    else:
        name = base.replace("_", " ").title()
    return "+".join([MODIFIERS.get(m, m.title()) for m in mods] + [name])


def binding_key_name(binding: Binding) -> str:
    """The first key of a binding, as printed on keyboards (or its key_display)."""
    if binding.key_display:
        return binding.key_display
    return key_name(binding.key.split(",")[0].strip())


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
    context = getattr(screen, "context_keys", None)
    if context is not None:
        out = [(key, description, "") for key, description in context()] + out
    return out


def fit(keys: list[tuple[str, str, str]], width: int) -> list[tuple[str, str, str]]:
    """Drop the less needed keys until the line fits ``width`` cells."""
    keys = list(keys)

    def length() -> int:
        return sum(cell_len(f" {k} {d} ") for k, d, _ in keys)

    for action in DROP_ORDER:
        if length() <= width:
            break
        keys = [k for k in keys if k[2].split(".")[-1] != action.split(".")[-1] or not k[2]]
    while length() > width and len(keys) > 1:
        keys.pop(-2 if keys[-1][1] == "帮助" else -1)
    return keys


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

    def refresh_keys(self) -> None:
        """The focus moved (its keys go first): show the keys again."""
        if self.is_attached:
            self._show_keys()

    def on_resize(self) -> None:
        self._keys = None
        self._show_keys()

    def _show_keys(self) -> None:
        keys = fit(shown_keys(self.screen), self.size.width or self.app.size.width)
        if keys == self._keys:
            return
        self._keys = keys
        self.update(_markup(keys), layout=False)

