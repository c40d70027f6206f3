"""Control characters made harmless for the terminal (no heavy imports).

Used by the preview (:mod:`.preview`) and by every line the CLI prints.
"""

from __future__ import annotations

# Control characters pasted into an answer must never reach the terminal as
# commands (an ESC sequence could clear the screen or retitle the window):
# C0 controls show as their Unicode control pictures (ESC -> ␛), C1 as �.
_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROLS.update({0x09: " ", 0x0A: " ", 0x7F: "\u2421"})
_CONTROLS.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_LINE_CONTROLS = dict(_CONTROLS)
_LINE_CONTROLS.pop(0x0A)


def visible(text: str, lines: bool = False) -> str:
    """``text`` with every control character made harmless and visible
    (``lines``: line breaks kept)."""
    return text.translate(_LINE_CONTROLS if lines else _CONTROLS)
