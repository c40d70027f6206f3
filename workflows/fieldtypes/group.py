"""group: repeatable entries, each a small form of sub-fields (``fields:``)."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import AnswerError, Entry, check_items, coerce, template_value
from .base import FieldType
from .list_ import items_json


class GroupType(FieldType):
    name = "group"
    label = "可重复条目"
    order = 110
    keys = frozenset({"fields", "min_items", "max_items"})
    is_list = True
    nested = True

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        if not isinstance(raw, (list, tuple)):
            raise AnswerError("应为条目列表", path)
        entries = []
        for index, entry in enumerate(raw):
            entry_path = f"{path}[{index + 1}]"
            if not isinstance(entry, dict):
                raise AnswerError("每个条目应为“字段: 值”的映射", entry_path)
            clean: dict[str, Any] = {}
            for key, value in entry.items():
                sub = f.sub_field(str(key))
                if sub is None:
                    raise AnswerError(f"没有名为“{key}”的字段", entry_path)
                value = coerce(sub, value, f"{entry_path}.{key}")
                if value is not None:
                    clean[sub.id] = value
            if clean:
                entries.append(clean)
        check_items(entries, f, path)
        return entries or None

    def template_value(self, f: Field, value: Any) -> Any:
        return [Entry({sub.id: template_value(sub, entry.get(sub.id)) for sub in f.fields}) for entry in value]

    def display(self, f: Field, value: Any) -> str:
        return f"{len(value)}条"

    def to_json(self, f: Field) -> dict[str, Any]:
        return {**items_json(f), "fields": [sub.to_json() for sub in f.fields]}

    def hint(self, f: Field) -> str:
        if f.max_items:
            return f"（可添加多条，最多{f.max_items}条）"
        return "（可添加多条）"


TYPE = GroupType()
