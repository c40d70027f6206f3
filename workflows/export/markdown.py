"""Markdown: the title as "#", level-1 headings "##", level-2 "###" and so
on; body paragraphs plain, separated by blank lines; a run-in heading
("1.加强理论武装。") in bold."""

from __future__ import annotations

import re
import unicodedata

from ..report import Report
from .layout import paragraph_lines

# ASCII punctuation Markdown gives a meaning to anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>~&|])")
# ...and at the start of a line: headings, quotes, list items, rules.
_LINE_START = re.compile(r"^(#|>|[-+=]|\d+[.)](?=\s|$))")


def escape(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    match = _LINE_START.match(text)
    if match:
        token = match.group(0)
        if token[0].isdigit():
            text = token[:-1] + "\\" + token[-1] + text[len(token):]
        else:
            text = "\\" + text
    return text


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def _bold(text: str) -> str:
    """``**text**`` with trailing punctuation outside the markers: CommonMark
    does not close "**" after punctuation followed by a letter, which is how
    every Chinese run-in heading ends ("加强理论武装。**正文")."""
    core = text.rstrip()
    tail = ""
    while core and _is_punct(core[-1]):
        tail = core[-1] + tail
        core = core[:-1]
    if not core:
        return escape(text)
    return f"**{escape(core)}**{escape(tail) if tail else ''}"


def render_markdown(report: Report) -> str:
    out: list[str] = []
    title = "".join(paragraph_lines(report.title))
    out.append(f"# {escape(title)}")
    out.extend(escape(line) for line in paragraph_lines(report.name_line))
    for block in report.blocks:
        if block.is_heading:
            hashes = "#" * (min(max(block.level, 1), 5) + 1)
            text = "".join(paragraph_lines(block.full_text))
            if text:
                out.append(f"{hashes} {escape(text)}")
            continue
        lines = paragraph_lines(block.full_text)
        lead = f"{block.number}{block.lead}".strip()
        if block.lead and lines and lines[0].startswith(lead):
            rest = lines[0][len(lead):]
            lines[0] = _bold(lead) + (escape(rest) if rest else "")
            out.append(lines[0])
            out.extend(escape(line) for line in lines[1:])
        else:
            out.extend(escape(line) for line in lines)
    out.extend(escape(line) for line in paragraph_lines(report.closing))
    out.extend(escape(line) for line in paragraph_lines(report.signature))
    out.extend(escape(line) for line in paragraph_lines(report.date))
    return "\n\n".join(out) + "\n"


def export_markdown(report: Report, layout: object, draft: bool) -> tuple[bytes, list[str]]:
    """The exporter of FORMATS["md"] (UTF-8; no layout)."""
    return render_markdown(report).encode("utf-8"), []
