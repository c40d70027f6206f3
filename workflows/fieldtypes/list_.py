"""list: entries, one per line (measures taken, problems found)."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import check_items, parse_lines
from .base import FieldType


def items_json(f: Field) -> dict[str, Any]:
    return {"min_items": f.min_items, "max_items": f.max_items}


class ListType(FieldType):
    name = "list"
    label = "条目列表"
    order = 40
    keys = frozenset({"min_items", "max_items", "max_length"})
    is_list = True
    multiline = True
    strip_title_marks = False  # titles: 《》 typed around an entry are dropped

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        values = parse_lines(raw, f, path, strip_title_marks=self.strip_title_marks)
        check_items(values, f, path)
        return values or None

    def to_json(self, f: Field) -> dict[str, Any]:
        return items_json(f)

    def hint(self, f: Field) -> str:
        return "（每行一条）"

    def placeholder(self, f: Field) -> str:
        return "每行一条"

    def from_prompt(self, f: Field, reply: str | list[str]) -> Any:
        lines = reply if isinstance(reply, list) else [reply]
        return [line for line in lines if line.strip()]


TYPE = ListType()
