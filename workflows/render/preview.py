"""The report as rich Text, for the terminal preview (app and CLI).

Pending markers (【待填：…】) and template failures are highlighted so the
user sees at a glance what is still missing.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.text import Text

from ..report import Report

INDENT = "\u3000\u3000"
_MARK_RE = re.compile(r"【(?:待填|模板出错)：[^】]*】")

STYLE_TITLE = "bold"
STYLE_NAME = "italic"
STYLE_HEADING = "bold"
STYLE_PENDING = "bold black on yellow"


# Control characters pasted into an answer must never reach the terminal as
# commands (an ESC sequence could clear the screen or retitle the window):
# C0 controls show as their Unicode control pictures (ESC -> ␛), C1 as �.
_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROLS.update({0x09: " ", 0x0A: " ", 0x7F: "\u2421"})
_CONTROLS.update({code: "\ufffd" for code in range(0x80, 0xA0)})


def visible(text: str) -> str:
    """``text`` with every control character made harmless and visible."""
    return text.translate(_CONTROLS)


def _line(text: str, style: str = "", justify: str | None = None) -> Text:
    text = visible(text)
    line = Text(text, style=style, justify=justify)
    for match in _MARK_RE.finditer(text):
        line.stylize(STYLE_PENDING, match.start(), match.end())
    return line


def report_lines(report: Report) -> list[tuple[Text, str | None]]:
    """Each printed line with the item it came from (None for the frame)."""
    out: list[tuple[Text, str | None]] = [(_line(report.title, STYLE_TITLE, "center"), None)]
    if report.name_line:
        out.append((_line(report.name_line, STYLE_NAME, "center"), None))
    out.append((Text(""), None))
    for block in report.blocks:
        if block.is_heading:
            style = STYLE_HEADING if block.level <= 2 else ""
            out.append((_line(INDENT + block.full_text, style), block.item_id))
        else:
            line = _line(INDENT + block.full_text)
            if block.lead:
                start = len(INDENT)
                line.stylize(STYLE_HEADING, start, start + len(block.number) + len(block.lead))
            out.append((line, block.item_id))
    if report.closing:
        out.append((_line(INDENT + report.closing), None))
    out.append((Text(""), None))
    if report.signature:
        out.append((_line(report.signature + INDENT, justify="right"), None))
    if report.date:
        out.append((_line(report.date + INDENT, justify="right"), None))
    return out


def report_renderable(report: Report) -> Group:
    """The whole report for a rich Console or a Textual Static."""
    return Group(*(line for line, _item in report_lines(report)))


def summary_line(report: Report) -> str:
    pending = len(report.pending)
    state = f"待填 {pending} 处" if pending else "无待填项"
    return f"共 {report.char_count()} 字，约 {report.estimated_pages()} 页，{state}"
