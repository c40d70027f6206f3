"""The report as rich Text, for the terminal: the preview (app and CLI)
and the wizard's panel of the paragraphs the current item produces. One
renderer for both, so that both show the same and both are safe.

Pending markers (【待填：…】) and template failures are highlighted so the
user sees at a glance what is still missing. Control characters in answers
are shown as harmless symbols (:func:`visible`), never sent to the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from ..report import Block, Report, marker_spans
from .controls import visible

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Item

INDENT = "\u3000\u3000"

STYLE_TITLE = "bold"
STYLE_NAME = "italic"
STYLE_HEADING = "bold"
STYLE_PENDING = "bold black on yellow"


# visible() lives in .controls (light: the CLI uses it for every line it prints).


def _line(text: str, style: str = "", justify: str | None = None) -> Text:
    text = visible(text)
    line = Text(text, style=style, justify=justify)  # type: ignore[arg-type]
    for start, end in marker_spans(text):
        line.stylize(STYLE_PENDING, start, end)
    return line


def _block_line(block: Block) -> Text:
    if block.is_heading:
        return _line(INDENT + block.full_text, STYLE_HEADING if block.level <= 2 else "")
    line = _line(INDENT + block.full_text)
    if block.lead:
        start = len(INDENT)
        line.stylize(STYLE_HEADING, start, start + len(block.number) + len(block.lead))
    return line


def report_lines(report: Report) -> list[tuple[Text, str | None]]:
    """Each printed line with the item it came from (None for the frame)."""
    out: list[tuple[Text, str | None]] = [(_line(report.title, STYLE_TITLE, "center"), None)]
    if report.name_line:
        out.append((_line(report.name_line, STYLE_NAME, "center"), None))
    out.append((Text(""), None))
    for block in report.blocks:
        out.append((_block_line(block), block.item_id))
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


def item_text(item: Item, blocks: list[Block]) -> Text:
    """The paragraphs one item produces, as the report will print them
    (the wizard's panel beside the item's form)."""
    if not item.template:
        return Text("（本项内容用于报告标题、开头或落款，不单独成段。）", style="dim")
    if not blocks:
        return Text("（尚无内容：按目前的填写，本项在报告中不出现。）", style="dim")
    lines: list[Text] = []
    if item.heading:
        lines.append(_line(INDENT + item.heading, STYLE_HEADING))
    lines += [_block_line(block) for block in blocks]
    return Text("\n").join(lines)
