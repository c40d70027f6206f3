"""bool: 是 or 否."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import AnswerError
from .base import FieldType

_TRUE = {"是", "有", "已", "yes", "y", "true", "t", "1", "√", "对"}
_FALSE = {"否", "无", "未", "没有", "no", "n", "false", "f", "0", "×", "不"}


class BoolType(FieldType):
    name = "bool"
    label = "是/否"
    order = 80

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise AnswerError("应为“是”或“否”", path)

    def display(self, f: Field, value: Any) -> str:
        return "是" if value else "否"

    def ask_hint(self, f: Field) -> str:
        return "，输入“是”或“否”"


TYPE = BoolType()
