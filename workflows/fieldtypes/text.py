"""text: one line of text (a name, a title), at most TEXT_MAX_DEFAULT characters by default."""

from __future__ import annotations

from typing import Any

from ..model import TEXT_MAX_DEFAULT, Field
from ..values import AnswerError, checked_text
from .base import FieldType


class TextType(FieldType):
    name = "text"
    label = "单行文字"
    order = 20
    keys = frozenset({"max_length"})

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        text = checked_text(raw, path).replace("\r\n", "\n").replace("\r", "\n")
        if "\n" in text.strip():
            raise AnswerError("单行文字不能包含换行", path)
        text = text.strip()
        if not text:
            return None
        limit = f.max_length or TEXT_MAX_DEFAULT
        if len(text) > limit:
            raise AnswerError(f"不能超过{limit}字（现有{len(text)}字）", path)
        return text

    def to_json(self, f: Field) -> dict[str, Any]:
        return {"max_length": f.max_length}

    def hint(self, f: Field) -> str:
        return f"（不超过{f.max_length}字）" if f.max_length else ""


TYPE = TextType()
