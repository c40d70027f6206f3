"""Exceptions raised by the exporters. Every message is Chinese and user-facing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ExportError(Exception):
    """An export that cannot be done: the message says what and where, in Chinese."""


@dataclass(frozen=True)
class Blocker:
    """One reason a final (正式稿) export is refused.

    ``kind`` is "pending" (a required answer is missing), "error" (a check
    failed) or "placeholder" (leftover "XX", "××", 【待填…】 text).
    ``where`` says where the text is ("标题", "第3段", "署名" …) for
    placeholders; ``field_path`` names the field for pending/error entries.
    """

    kind: str
    item_id: str | None
    message: str
    field_path: str = ""
    where: str = ""

    def describe(self) -> str:
        """One Chinese line naming the item (and field or place) and the problem."""
        parts = []
        if self.item_id:
            parts.append(f"条目 {self.item_id}")
        if self.field_path:
            parts.append(f"字段 {self.field_path}")
        if self.where:
            parts.append(self.where)
        head = "，".join(parts) if parts else "报告"
        return f"{head}：{self.message}"


class ExportBlocked(ExportError):
    """A final export refused: ``blockers`` lists every reason, each with its item."""

    def __init__(self, blockers: Sequence[Blocker]):
        self.blockers = list(blockers)
        lines = [
            f"不能导出正式稿：还有 {len(self.blockers)} 处问题需要先处理"
            "（如只需看效果，可导出草稿）："
        ]
        lines.extend(f"  {i}. {b.describe()}" for i, b in enumerate(self.blockers, 1))
        super().__init__("\n".join(lines))
