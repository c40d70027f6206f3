"""Chinese line breaking (避头尾) for text wrapped in the terminal.

A line never starts with a closing or pausing mark (、，。；：！？ and the
closing brackets and quotes) and never ends with an opening one (（《“ …).
Where a plain cut would break the rule, the character before the cut moves
down with the mark (推出), so no line is wider than the width; a run of
Latin letters or digits (Word, 2025, 20余 stays 20 + 余) is kept whole when
it fits on a line. A line's own line breaks are kept.

Pure functions over strings; :func:`wrap_rich` applies the same breaks to a
rich ``Text`` (styles kept) for the app's panels.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

# 行首禁则: may not begin a line.
NO_START = frozenset("、，。；：！？）》〉」』】〕〗”’…—·．，,.;:!?)]}%‰℃")
# 行尾禁则: may not end a line.
NO_END = frozenset("（《〈「『【〔〖“‘([{")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-./%")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Terminal columns of one character (CJK and full-width forms take two)."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def _good_cut(line: str, cut: int) -> bool:
    """May a line be cut before ``line[cut]``?"""
    if cut <= 0 or cut >= len(line):
        return True
    before, after = line[cut - 1], line[cut]
    if after in NO_START or before in NO_END:
        return False
    return not (before in _WORD and after in _WORD)  # not inside a Latin word or a number


def break_offsets(line: str, width: int, width_of: Callable[[str], int] = char_width) -> list[int]:
    """Where one line (no newline in it) is cut to fit ``width`` columns: the
    offsets at which each continuation line starts."""
    width = max(width, 2)
    cuts: list[int] = []
    start = 0
    used = 0
    index = 0
    while index < len(line):
        w = width_of(line[index])
        if used + w <= width or index == start:
            used += w
            index += 1
            continue
        # line[start:index] is full; find the latest good cut at or before index.
        cut = index
        limit = max(start + 1, index - 8)  # never push more than a few characters down
        while cut > limit and not _good_cut(line, cut):
            cut -= 1
        if not _good_cut(line, cut):
            cut = index  # no good cut nearby (a very long word): cut where it is full
        cuts.append(cut)
        start = cut
        while start < len(line) and line[start] == " ":  # no space at the start of a line
            start += 1
        index = start
        used = 0
    return cuts


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns, 避头尾 kept."""
    out: list[str] = []
    for line in text.split("\n"):
        cuts = break_offsets(line, width)
        starts = [0] + cuts
        ends = cuts + [len(line)]
        for a, b in zip(starts, ends):
            out.append(line[a:b].rstrip(" ") if b < len(line) else line[a:b])
    return out


def wrap_rich(text: Text, width: int) -> Text:
    """A rich ``Text`` with line breaks inserted at the 避头尾 cuts, so that a
    widget of ``width`` columns shows it without cutting it anywhere else."""
    from rich.text import Text as RichText

    plain = text.plain
    offsets: list[int] = []
    position = 0
    for line in plain.split("\n"):
        offsets += [position + cut for cut in break_offsets(line, width)]
        position += len(line) + 1
    if not offsets:
        return text
    pieces = text.divide(offsets)
    joined = RichText(end=text.end, justify=text.justify, no_wrap=text.no_wrap, overflow=text.overflow)
    joined.style = text.style
    for number, piece in enumerate(pieces):
        if number:
            lead = len(piece.plain) - len(piece.plain.lstrip(" "))
            piece = piece[lead:] if lead else piece
            if joined.plain and not joined.plain.endswith("\n"):
                joined.append("\n")
        joined.append_text(piece)
    return joined
