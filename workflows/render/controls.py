"""Control characters made harmless for the terminal (no heavy imports).

Used by the preview (:mod:`.preview`) and by every line the CLI prints.
"""

from __future__ import annotations

import re

# Control characters pasted into an answer must never reach the terminal as
# commands (an ESC sequence could clear the screen or retitle the window):
# C0 controls show as their Unicode control pictures (ESC -> ␛), C1 as �.
_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROLS.update({0x09: " ", 0x0A: " ", 0x7F: "\u2421"})
_CONTROLS.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_LINE_CONTROLS = dict(_CONTROLS)
_LINE_CONTROLS.pop(0x0A)


# Whether there is anything to translate at all, found at C speed:
# str.translate walks a Chinese text character by character through the
# dict (≈ 1 ms for 8,000 characters), at each keystroke in a long answer.
_ANY = re.compile("[\x00-\x1f\x7f-\x9f]").search
_ANY_BUT_LINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]").search


def visible(text: str, lines: bool = False) -> str:
    """``text`` with every control character made harmless and visible
    (``lines``: line breaks kept)."""
    if not (_ANY_BUT_LINES if lines else _ANY)(text):
        return text
    return text.translate(_LINE_CONTROLS if lines else _CONTROLS)
