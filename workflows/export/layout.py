"""Renderer-neutral layout helpers: text width in characters, the title's
trapezoid break and the signature block's indents (GB/T 9704-2012 7.3.5)."""

from __future__ import annotations

import unicodedata

from .profile import LayoutProfile


def display_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width forms count 1,
    half-width digits and Latin letters 0.5 (what 公文 typesetters count)."""
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        east = unicodedata.east_asian_width(ch)
        width += 1.0 if east in ("W", "F", "A") else 0.5
    return width


def paragraph_lines(text: str) -> list[str]:
    """The paragraphs one block's text prints as: split at line breaks, each
    stripped of surrounding white space (a pasted "　　" indent would double the
    first-line indent), empty ones dropped."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return [line for line in lines if line]


# Where a title may break so that each line keeps its words whole: after
# these strings, or before these strings.
_BREAK_AFTER = ("，", "、", "：", "的", "年度", "书记", "党组", "党委", "委员会")
_BREAK_BEFORE = ("关于", "抓", "述职报告", "工作述职", "履行")


def _good_breaks(title: str) -> set[int]:
    good: set[int] = set()
    for token in _BREAK_AFTER:
        start = title.find(token)
        while start != -1:
            good.add(start + len(token))
            start = title.find(token, start + 1)
    for token in _BREAK_BEFORE:
        start = title.find(token)
        while start != -1:
            good.add(start)
            start = title.find(token, start + 1)
    return {i for i in good if 0 < i < len(title)}


def title_capacity(profile: LayoutProfile) -> int:
    """Full-width title characters that fit one line of the 版心."""
    advance = profile.title.size_pt * 20 + profile.char_spacing_twips
    return int(profile.text_width_mm * 1440 / 25.4 // advance)


def split_title(title: str, capacity: int) -> list[str]:
    """Lines for a title: one line when it fits; otherwise two lines broken at
    a word boundary, the upper line at least as long as the lower and the two
    as even as possible (a trapezoid). Returns the title whole when no good
    break exists (the word processor then wraps it)."""
    if display_width(title) <= capacity:
        return [title]
    candidates = []
    for i in sorted(_good_breaks(title)):
        upper, lower = title[:i], title[i:]
        w1, w2 = display_width(upper), display_width(lower)
        if w1 <= capacity and w2 <= capacity:
            candidates.append(((w1 < w2), abs(w1 - w2), i))
    if not candidates:
        return [title]
    _, _, best = min(candidates)
    return [title[:best], title[best:]]


def signature_indents(signature: str, date: str, profile: LayoutProfile) -> tuple[float, float]:
    """Right indents, in characters, of the signature line and the date line.

    The signature sits ``signature_right_indent_chars`` in from the right; the
    date's first character is ``date_shift_chars`` right of the signature's
    first character. When that would push the date closer than
    ``date_min_right_indent_chars`` to the edge (a date longer than the
    signature), the date keeps that indent and the signature moves left.
    """
    sig_w = display_width(signature)
    date_w = display_width(date)
    sig_right = profile.signature_right_indent_chars
    if not signature:
        return 0.0, profile.date_min_right_indent_chars
    if not date:
        return sig_right, 0.0
    date_right = sig_right + sig_w - date_w - profile.date_shift_chars
    if date_right < profile.date_min_right_indent_chars:
        date_right = profile.date_min_right_indent_chars
        sig_right = date_right + date_w + profile.date_shift_chars - sig_w
    return sig_right, date_right
