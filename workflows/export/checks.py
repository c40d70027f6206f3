"""What stands between a report and its export: characters a file cannot
hold (cleaned, with a note) and what a final export refuses (blockers)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..report import PENDING_OPEN, Block, Report
from .errors import Blocker

# Characters XML 1.0 cannot hold: NUL and C0 controls other than tab, line
# feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Leftover placeholder text: runs of X / × (a template's "XX局", "××同志"),
# a single X before a unit ("X月X日", "召开会议X次"), and 【待填…】 markers.
# A run inside a Latin word ("XXL") is not one.
_UNITS = "年月日号次个人名项份期条家篇场批天周届余"
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])[XxＸｘ×]{2,}(?![A-Za-z])"
    rf"|(?:^|(?<=[\u4e00-\u9fff0-9]))[XxＸｘ×](?=[{_UNITS}])"
    r"|【待填[^】\n]*】?"
)


def excerpt(text: str, limit: int = 12) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


@dataclasses.dataclass(frozen=True)
class Place:
    """One piece of text in the report, named so a user can find it."""

    where: str
    item_id: str | None
    text: str


def _block_where(index: int, block: Block) -> str:
    if block.is_heading:
        return f"小标题“{excerpt(block.full_text)}”"
    return f"第{index}段（“{excerpt(block.full_text)}”）"


def places(report: Report) -> Iterator[Place]:
    """Every piece of text of the report in reading order."""
    yield Place("标题", None, report.title)
    if report.name_line:
        yield Place("标题下的署名行", None, report.name_line)
    paragraph_no = 0
    for block in report.blocks:
        if not block.is_heading:
            paragraph_no += 1
        yield Place(_block_where(paragraph_no, block), block.item_id, block.full_text)
    if report.closing:
        yield Place("结束语", None, report.closing)
    if report.signature:
        yield Place("落款署名", None, report.signature)
    if report.date:
        yield Place("成文日期", None, report.date)


def _clean(text: str) -> tuple[str, int]:
    cleaned, count = _XML_ILLEGAL.subn("", text)
    return cleaned, count


def clean_report(report: Report) -> tuple[Report, list[str]]:
    """The report without characters a file cannot hold, and a Chinese note
    for every piece of text that lost some (naming its item)."""
    notes: list[str] = []

    def note(where: str, item_id: str | None, count: int) -> None:
        head = f"条目 {item_id} {where}" if item_id else where
        notes.append(f"{head}：删除了 {count} 个无法写入文件的控制字符（多为粘贴时带入）")

    def clean_field(value: str, where: str) -> str:
        cleaned, count = _clean(value)
        if count:
            note(where, None, count)
        return cleaned

    title = clean_field(report.title, "标题")
    name_line = clean_field(report.name_line, "标题下的署名行")
    blocks = []
    paragraph_no = 0
    for block in report.blocks:
        if not block.is_heading:
            paragraph_no += 1
        changes: dict[str, Any] = {}
        total = 0
        for attr in ("number", "lead", "text"):
            value = getattr(block, attr, "")
            cleaned, count = _clean(value)
            if count:
                changes[attr] = cleaned
                total += count
        if total:
            block = dataclasses.replace(block, **changes)
            note(_block_where(paragraph_no, block), block.item_id, total)
        blocks.append(block)
    closing = clean_field(report.closing, "结束语")
    signature = clean_field(report.signature, "落款署名")
    date = clean_field(report.date, "成文日期")
    if not notes:
        return report, notes
    cleaned_report = dataclasses.replace(
        report,
        title=title,
        name_line=name_line,
        blocks=tuple(blocks),
        closing=closing,
        signature=signature,
        date=date,
    )
    return cleaned_report, notes


def find_placeholders(report: Report) -> list[tuple[Place, str]]:
    """Every leftover placeholder, with the place it is in (each text once per place)."""
    found = []
    for place in places(report):
        seen: set[str] = set()
        for match in PLACEHOLDER.finditer(place.text):
            if match.group(0) not in seen:
                seen.add(match.group(0))
                found.append((place, match.group(0)))
    return found


def final_blockers(report: Report, problems: Sequence[Any] = ()) -> list[Blocker]:
    """Everything a final export refuses, each with its item.

    ``problems`` are the engine's check results: objects with ``severity``
    ("pending" | "error" | "warning"), ``item_id``, ``field_path`` and
    ``message``. Warnings never block. Required answers still missing
    (``report.pending``), check errors, render errors and leftover
    placeholder text ("XX", "××", 【待填…】 anywhere) do.
    """
    blockers: list[Blocker] = []
    seen_pending: set[tuple[str | None, str]] = set()
    pending_items: set[str | None] = set()
    known_markers = {p.marker for p in report.pending}

    for p in report.pending:
        key: tuple[str | None, str] = (p.item_id, p.field_path)
        if key in seen_pending:
            continue
        seen_pending.add(key)
        pending_items.add(p.item_id)
        blockers.append(
            Blocker("pending", p.item_id, f"必填项“{p.label}”还没有填写", field_path=p.field_path)
        )
    for problem in problems:
        severity = getattr(problem, "severity", "")
        item_id = getattr(problem, "item_id", None)
        field_path = getattr(problem, "field_path", "") or ""
        message = str(getattr(problem, "message", "") or "")
        if severity == "pending":
            key = (item_id, field_path)
            if key in seen_pending:
                continue
            seen_pending.add(key)
            pending_items.add(item_id)
            blockers.append(Blocker("pending", item_id, message or "必填项还没有填写", field_path))
        elif severity == "error":
            blockers.append(Blocker("error", item_id, message or "检查未通过", field_path))
    for item_id, message in report.render_errors:
        blockers.append(Blocker("error", item_id, f"生成文字时出错：{message}"))
    for place, text in find_placeholders(report):
        if text.startswith(PENDING_OPEN[:3]) and (
            text in known_markers or (place.item_id is not None and place.item_id in pending_items)
        ):
            continue  # already listed as a missing required answer
        blockers.append(
            Blocker("placeholder", place.item_id, f"还有占位文字“{text}”", where=place.where)
        )
    return blockers
