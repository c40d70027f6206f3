"""Plain text for pasting into OA systems and chat: headings as plain lines
with their numbers, paragraphs indented with two full-width spaces, the
signature and date at the end."""

from __future__ import annotations

from ..report import Report
from .layout import paragraph_lines

INDENT = "\u3000\u3000"


def render_text(report: Report) -> str:
    lines: list[str] = []
    lines.extend(paragraph_lines(report.title))
    lines.extend(paragraph_lines(report.name_line))
    lines.append("")
    for block in report.blocks:
        if block.is_heading:
            lines.extend(paragraph_lines(block.full_text))
        else:
            lines.extend(INDENT + line for line in paragraph_lines(block.full_text))
    lines.extend(INDENT + line for line in paragraph_lines(report.closing))
    tail = paragraph_lines(report.signature) + paragraph_lines(report.date)
    if tail:
        lines.append("")
        lines.extend(tail)
    return "\n".join(lines) + "\n"


def encode_text(text: str) -> bytes:
    """File bytes: UTF-8 with a byte-order mark and CRLF line ends, so that
    Windows Notepad, WPS and OA upload forms read it as Chinese, not GBK."""
    return text.replace("\n", "\r\n").encode("utf-8-sig")


def export_text(report: Report, layout: object, draft: bool) -> tuple[bytes, list[str]]:
    """The exporter of FORMATS["txt"] (no layout: plain text has none)."""
    return encode_text(render_text(report)), []
