"""The assembled report: a plain, renderer-neutral model.

Every renderer (rich preview, DOCX, Markdown, text) reads only this model, so
what the user previews is what they export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph"]

# The markers the report text may hold, defined here only: every renderer,
# check and screen that looks for them uses these. 【待填：…】 stands in for
# an unanswered required field, 【模板出错：…】 for an item whose template
# failed on the answers.
PENDING_OPEN = "【待填："
TEMPLATE_ERROR_OPEN = "【模板出错："
PENDING_CLOSE = "】"
MARKER_OPENS = (PENDING_OPEN, TEMPLATE_ERROR_OPEN)


def pending_marker(label: str) -> str:
    return f"{PENDING_OPEN}{label}{PENDING_CLOSE}"


def template_error_marker(label: str) -> str:
    return f"{TEMPLATE_ERROR_OPEN}{label}{PENDING_CLOSE}"


def marker_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every complete marker in ``text``."""
    spans = []
    for opening in MARKER_OPENS:
        start = text.find(opening)
        while start != -1:
            end = text.find(PENDING_CLOSE, start)
            if end == -1:
                break
            spans.append((start, end + 1))
            start = text.find(opening, end)
    return sorted(spans)


def has_marker(text: str) -> bool:
    return any(opening in text for opening in MARKER_OPENS)


@dataclass(frozen=True)
class Block:
    """One heading or one body paragraph of the report.

    ``number`` is the heading's ordinal as printed ("一、", "（一）", "1.",
    "（1）"); ``text`` never repeats it. A paragraph with a ``lead`` carries a
    run-in heading of ``level`` 3 or 4. ``item_id`` names the checklist item
    the block came from (None for the opening paragraph and closing line).
    """

    kind: BlockKind
    text: str
    level: int = 0
    number: str = ""
    item_id: str | None = None
    # A run-in heading that opens a paragraph ("1." + "加强理论武装。" + text).
    lead: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.lead}{self.text}"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


@dataclass(frozen=True)
class Pending:
    """A required answer that is still missing, shown as ``marker`` in the text."""

    item_id: str
    field_path: str
    label: str

    @property
    def marker(self) -> str:
        return pending_marker(self.label)


@dataclass(frozen=True)
class Report:
    workflow_id: str
    title: str
    name_line: str
    blocks: tuple[Block, ...]
    closing: str
    signature: str
    date: str
    pending: tuple[Pending, ...] = field(default_factory=tuple)
    # Template failures at render time (never expected with a validated
    # workflow, but never fatal either): (item_id, message).
    render_errors: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def paragraphs(self) -> Iterator[str]:
        """Every line of text in reading order (title to date)."""
        yield self.title
        if self.name_line:
            yield self.name_line
        for block in self.blocks:
            yield block.full_text
        if self.closing:
            yield self.closing
        if self.signature:
            yield self.signature
        if self.date:
            yield self.date

    def char_count(self) -> int:
        """Characters of text, white space excluded (how offices count length)."""
        return sum(1 for line in self.paragraphs() for ch in line if not ch.isspace())

    def estimated_pages(self) -> int:
        """Rough page count on the 公文 grid (22 lines x 28 characters)."""
        lines = 0
        for line in self.paragraphs():
            width = 2 + len(line)  # first-line indent of two characters
            lines += max(1, -(-width // 28))
        lines += 3  # title spacing and the blank line before the signature
        return max(1, -(-lines // 22))
