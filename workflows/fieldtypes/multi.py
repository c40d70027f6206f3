"""multi: any of the field's options, and other entries unless ``custom: false``."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import AnswerError, check_items, parse_lines
from .base import FieldType
from .choice import pick
from .list_ import items_json

# Separators a plain-prompt reply may use between choices.
_SPLIT = str.maketrans({c: "、" for c in ",，;；/ 　"})


class MultiType(FieldType):
    name = "multi"
    label = "多选"
    order = 70
    keys = frozenset({"options", "custom", "min_items", "max_items", "max_length"})
    is_list = True
    custom_default = True

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        values = parse_lines(raw, f, path)
        if not f.custom:
            for value in values:
                if value not in f.options:
                    raise AnswerError(f"“{value[:20]}”不是可选项", path)
        unique = list(dict.fromkeys(values))
        check_items(unique, f, path)
        return unique or None

    def to_json(self, f: Field) -> dict[str, Any]:
        return {"custom": f.custom, **items_json(f)}

    def ask_hint(self, f: Field) -> str:
        return "，多项用“、”分隔，可输入序号"

    def from_prompt(self, f: Field, reply: str | list[str]) -> Any:
        text = reply if isinstance(reply, str) else "、".join(reply)
        return [pick(f, p) for p in text.translate(_SPLIT).split("、") if p.strip()]


TYPE = MultiType()
